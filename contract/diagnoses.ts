// The near-miss diagnoses of the check engine (sandbox-server/checks/nearmiss/) named in a few
// words, so the instructor's class view can group learners failing a step the same way ("host
// and container ports swapped") instead of listing one long message per learner. The engine's
// messages carry the learner's own names and numbers; the phrases matched here are the fixed
// words of each diagnosis. A spec on the server side (sandbox-server/classroom/diagnoses.spec.ts)
// feeds every detector's real output through this table, so a reworded detector fails the fast
// tier instead of silently dropping out of the grouping. No zod: the page imports this.

interface Diagnosis {
  /** Fixed words of one near-miss message. */
  pattern: RegExp;
  /** What the class view shows for the group. */
  label: string;
}

/** The most specific first: the first match names the diagnosis. */
export const DIAGNOSES: readonly Diagnosis[] = [
  { pattern: /the ports are the wrong way round/, label: 'host and container ports swapped' },
  { pattern: /the container port is right, and the host port is the first number/, label: 'the right container port on another host port' },
  { pattern: /but it leads to port \d+ inside the container/, label: 'the right host port leading to another container port' },
  { pattern: /over [a-z]+, and the step wants [a-z]+:/, label: 'a port over another protocol' },
  { pattern: /the path after the colon is where it appears inside the container/, label: 'mounted at another path in the container' },
  { pattern: /a name without a slash names a volume/, label: 'a volume where a folder was meant' },
  { pattern: /a path \(with a slash\) mounts a folder/, label: 'a folder where a volume was meant' },
  { pattern: /a folder named \S+ but not the one the step means/, label: 'a folder of that name, from another directory' },
  { pattern: /the path before the colon is the folder that appears in the container/, label: 'another folder mounted' },
  { pattern: /variable names are case-sensitive/, label: 'a variable name in other capitals' },
  { pattern: /which is nearly the name the step looks for/, label: 'a variable name misspelled' },
  { pattern: /the quotes became part of the value/, label: 'quotes kept in an --env-file value' },
  { pattern: /: it has spaces around it/, label: 'spaces around a value' },
  { pattern: /only the capitals differ, and values are compared as written/, label: 'a value in other capitals' },
  { pattern: /ran out of memory and was stopped/, label: 'the container ran out of memory' },
  { pattern: /a container stops when its command does/, label: 'the container exited: its command finished' },
  { pattern: /its command was not found in the image/, label: "the container's command is not in the image" },
  { pattern: /its command could not be run/, label: "the container's command is not executable" },
  { pattern: /its command ended with an error/, label: "the container's command failed" },
  { pattern: /it was interrupted \(Ctrl\+C\)/, label: 'the container was interrupted (Ctrl+C)' },
  { pattern: /it was killed \(docker kill/, label: 'the container was killed' },
  { pattern: /it was stopped \(docker stop\)/, label: 'the container was stopped' },
  { pattern: /the same image name with another tag|the right image, but the step wants the tag/, label: 'the right image with another tag' },
  { pattern: /the FROM line of its Dockerfile decides/, label: 'built from another base image' },
  { pattern: /it does not EXPOSE/, label: 'a port not declared with EXPOSE' },
  { pattern: /Compose puts the project's name in front of/, label: "a Compose project's prefixed name" },
  { pattern: /Compose names a project after the folder it is started in/, label: 'Compose started from another folder' },
  { pattern: /has no health check/, label: 'a service without a health check' },
  { pattern: /with (two letters swapped|one letter different|\d+ letters different|a letter too many|\d+ letters too many|a letter missing|\d+ letters missing)|in other capitals \(names are case-sensitive\)/, label: 'a name off by a typo' },
  { pattern: /: it is named \S+, not \S+, and docker rename/, label: 'just what the step asks, under another name' },
];

/** The diagnosis a failing check's message carries, in a few words, or undefined when it has none. */
export function diagnosisOf(message: string | null): string | undefined {
  if (!message) return undefined;
  return DIAGNOSES.find((d) => d.pattern.test(message))?.label;
}

/**
 * A message without what changes by itself or differs per learner in a plain failure ("exited
 * 12 seconds ago", a container id): two learners in the same state get the same text.
 */
export function sameFailure(message: string): string {
  return message
    .replace(/\b(less than a second|about an? (minute|hour)|an? (minute|hour|day)|\d+ (seconds?|minutes?|hours?|days?))( ago)?\b/gi, 'a while ago')
    .replace(/\bjust now\b/g, 'a while ago')
    .replace(/\b[0-9a-f]{12,64}\b/g, '…');
}
