// What counts as an attempt at a step. A command is an attempt, and can make a step show as
// failing, only when it relates to that step: it belongs to one of the command families the
// step's own ways of doing it use (`docker compose`, `docker run`, `sed`...), or it changed what
// the step's checks look at. A `cd`, an `ls` or a `curl` aimed elsewhere never counts.
import type { Step } from '../../lessons/schema.js';
import { commandWords } from './kinds/command.js';

/** Commands that only look around or move: they never change what a check sees. */
const LOOKING_AROUND = new Set(['cd', 'ls', 'll', 'pwd', 'clear', 'reset', 'history', 'help', 'man', 'exit', 'true', ':', 'whoami', 'tree', 'less', 'more', 'head', 'tail', 'cat', 'wc', 'file', 'stat']);

/** Docker subcommands that are other names of one thing: `docker container ls` is `docker ps`. */
const DOCKER_SYNONYMS: Record<string, string> = {
  'container ls': 'ps',
  'container ps': 'ps',
  'container list': 'ps',
  'image ls': 'images',
  'image list': 'images',
  'image build': 'build',
  'builder build': 'build',
  'buildx build': 'build',
  'image push': 'push',
  'image pull': 'pull',
  'image tag': 'tag',
  'image rm': 'rmi',
  'container rm': 'rm',
  'image inspect': 'inspect',
  'container inspect': 'inspect',
};

/**
 * The family of a command line: the program, and for Docker its subcommand (`docker run`,
 * `docker compose`, `docker volume`). Undefined for commands that only look around.
 */
export function commandFamily(command: string): string | undefined {
  const firstLine = command.split('\n')[0] ?? '';
  const words = commandWords(firstLine).filter((w) => w !== '');
  const program = words[0]?.replace(/^.*\//, '');
  if (!program) return undefined;
  // `cat > compose.yaml` writes: only a command that writes nothing is looking around.
  if (LOOKING_AROUND.has(program) && !/(^|[^<>&0-9])>>?\s*[^&\s]/.test(firstLine)) return undefined;
  if (program === 'docker-compose') return 'docker compose';
  if (program !== 'docker') return program;
  const rest = words.slice(1).filter((w) => !w.startsWith('-'));
  const [first, second] = rest;
  if (!first) return 'docker';
  if (first === 'container' || first === 'image' || first === 'builder' || first === 'buildx') {
    const synonym = second ? DOCKER_SYNONYMS[`${first} ${second}`] : undefined;
    if (synonym) return `docker ${synonym}`;
    if (first === 'container' && second) return `docker ${second}`;
  }
  return `docker ${first}`;
}

/** The families of every way the lesson gives to do the step: its solution and alternatives. */
export function stepFamilies(step: Pick<Step, 'solution' | 'alternatives'>): Set<string> {
  const families = new Set<string>();
  for (const way of [step.solution, ...(step.alternatives ?? [])]) {
    for (const command of way) {
      const family = commandFamily(command);
      if (family) families.add(family);
    }
  }
  return families;
}

/** True when one of the commands belongs to the step's families. */
export function matchesFamily(step: Pick<Step, 'solution' | 'alternatives'>, commands: string[]): boolean {
  if (commands.length === 0) return false;
  const families = stepFamilies(step);
  return commands.some((command) => {
    const family = commandFamily(command);
    return family !== undefined && families.has(family);
  });
}

/** A message without the times in it: ours ("just now", "up a moment") and Docker's ("Less than a second ago"). */
function timeless(message: string): string {
  return message
    .replace(/\b(less than a second|about an? (minute|hour)|an? (minute|hour|day)|\d+ (seconds?|minutes?|hours?|days?|weeks?|months?))( ago)?\b/gi, '#')
    .replace(/\b(just now|a moment)\b/g, '#')
    .replace(/\d+/g, '#');
}

interface ResultLike {
  kind: string;
  passed: boolean;
  message: string;
  checks?: ResultLike[];
}

/**
 * What a step's checks saw, without what changes by itself as time passes ("up 3 minutes",
 * "12 seconds ago") and without command checks (whose messages quote the last command run, which
 * changes with every `ls`). Two evaluations with different signatures saw the sandbox change.
 */
export function observation(results: ResultLike[]): string {
  const onlyCommands = (r: ResultLike): boolean => r.kind === 'command' || (r.checks !== undefined && r.checks.length > 0 && r.checks.every(onlyCommands));
  // A combination's own message repeats its parts': only the parts count.
  const strip = (r: ResultLike): unknown =>
    onlyCommands(r) ? ['command'] : r.checks?.length ? [r.kind, r.passed, r.checks.map(strip)] : [r.kind, r.passed, timeless(r.message)];
  return JSON.stringify(results.map(strip));
}
