// The container the step looks for, under another name: a name a letter or two off (clcok for
// clock), or a container that is everything the step asks for but its name ("there is a
// running container 'web2' from nginx:1.26 publishing 8080→80: it is named web2, not web").
// Bounded work: only the few newest candidates are judged, in parallel, on reads the
// evaluation has mostly made already.
import { q } from '../describe.js';
import { closeName, spellingDifference } from './spelling.js';

/** How many other containers are judged against the check at most. */
export const MAX_JUDGED = 5;

export interface NamedCandidate {
  name: string;
  image: string;
  /** The engine's state word: running, exited, created... */
  state: string;
  /** In words: "running", "exited 2 minutes ago with code 0". */
  status: string;
}

/** Whether a candidate meets everything but the name, and what it was seen to have ("publishing 8080→80"). */
export type JudgeByAllButName<C extends NamedCandidate = NamedCandidate> = (candidate: C) => Promise<{ passed: boolean; facts: string[] }>;

function described(c: NamedCandidate, facts: string[]): string {
  const what = c.state === 'running' ? `a running container ${q(c.name)}` : `a container ${q(c.name)} (${c.status})`;
  return `${what} from ${c.image}${facts.length ? ` ${facts.join(', ')}` : ''}`;
}

/**
 * `candidates` newest first. `judge` is given only when the check asks more than a name and a
 * state (ports, mounts, environment...): otherwise any container would "match".
 */
export async function containerNameNearMiss<C extends NamedCandidate>(wanted: string, candidates: C[], judge: JudgeByAllButName<C> | undefined): Promise<string | undefined> {
  const closeOne = closeName(wanted, candidates.map((c) => c.name));
  const close = candidates.find((c) => c.name === closeOne);
  const judged = judge ? [...(close ? [close] : []), ...candidates.filter((c) => c !== close)].slice(0, MAX_JUDGED) : [];
  const verdicts = await Promise.all(judged.map((c) => judge!(c)));
  const matchIndex = verdicts.findIndex((v) => v.passed);
  const match = matchIndex >= 0 ? { candidate: judged[matchIndex]!, facts: verdicts[matchIndex]!.facts } : undefined;
  const rename = (name: string) => `docker rename ${name} ${wanted} gives it the name the step looks for`;

  if (close) {
    const same = match?.candidate === close;
    const what = same ? described(close, match!.facts) : `a container named ${q(close.name)} (${close.status})`;
    return `there is ${what}, which is ${spellingDifference(wanted, close.name)}${same ? ', and otherwise just what the step asks for' : ''}: ${rename(close.name)}`;
  }
  if (match) return `there is ${described(match.candidate, match.facts)}: it is named ${match.candidate.name}, not ${wanted}, and ${rename(match.candidate.name)}`;
  return undefined;
}
