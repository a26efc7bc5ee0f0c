// Near-miss names: a name a letter or two away from the expected one (a typo, two letters
// swapped, another case). Shared by the detectors for containers, services, volumes, networks
// and images; pure and cheap (names are short, lists are bounded).
import { q } from '../describe.js';

/** Edit distance where swapping two neighbouring letters counts as one edit (clcok → clock). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * How many edits still read as "the same name, mistyped": up to two for names of five letters or
 * more, one for three or four, none for shorter ones ('db' and 'web' are different names).
 */
function allowedEdits(name: string): number {
  if (name.length >= 5) return 2;
  return name.length >= 3 ? 1 : 0;
}

/** The name that is nearly `wanted` (another case counts as nearest), or undefined. */
export function closeName(wanted: string, names: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    if (name === wanted) continue;
    const distance = name.toLowerCase() === wanted.toLowerCase() ? 0 : editDistance(name, wanted);
    if (distance > allowedEdits(wanted)) continue;
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}

/** How `actual` differs from `wanted`, as words that follow "which is": "'clock' with two letters swapped". */
export function spellingDifference(wanted: string, actual: string): string {
  const target = q(wanted);
  if (actual.toLowerCase() === wanted.toLowerCase()) return `${target} in other capitals (names are case-sensitive)`;
  if (actual.length === wanted.length) {
    const differ = [...actual].flatMap((ch, i) => (ch === wanted[i] ? [] : [i]));
    if (differ.length === 2 && differ[1] === differ[0]! + 1 && actual[differ[0]!] === wanted[differ[1]!] && actual[differ[1]!] === wanted[differ[0]!]) return `${target} with two letters swapped`;
    return `${target} with ${differ.length === 1 ? 'one letter' : `${differ.length} letters`} different`;
  }
  const extra = actual.length - wanted.length;
  if (extra > 0) return `${target} with ${extra === 1 ? 'a letter' : `${extra} letters`} too many`;
  return `${target} with ${extra === -1 ? 'a letter' : `${-extra} letters`} missing`;
}

/**
 * Compose prefixes what it creates with the project name: volume `redis-data` of project
 * `counter` is `counter_redis-data`. The project, when `actual` is `wanted` under a prefix.
 */
export function composePrefix(wanted: string, actual: string): string | undefined {
  if (!actual.endsWith(`_${wanted}`)) return undefined;
  return actual.slice(0, -wanted.length - 1) || undefined;
}

/**
 * For volumes and networks: "— there is 'dta', which is 'data' with ..." or the Compose prefix.
 * `noun` is "volume" or "network"; undefined when no name comes close.
 */
export function resourceNearMiss(noun: string, wanted: string, names: string[]): string | undefined {
  const prefixed = names.find((n) => composePrefix(wanted, n) !== undefined);
  if (prefixed) {
    return `there is ${q(prefixed)}, the ${noun} ${wanted} of Compose project ${q(composePrefix(wanted, prefixed)!)}: Compose puts the project's name in front of the ${noun}s it makes, and the step looks for the plain name, as docker ${noun} create ${wanted} makes it`;
  }
  // Lesson checks name Compose's volumes in full (counter_redis-data): the same one of another project.
  const underscore = wanted.indexOf('_');
  if (underscore > 0) {
    const suffix = wanted.slice(underscore);
    const other = names.find((n) => n.endsWith(suffix) && n.length > suffix.length);
    if (other) {
      const project = other.slice(0, -suffix.length);
      return `there is ${q(other)}, the same ${noun} of Compose project ${q(project)}: Compose names a project after the folder it is started in, and the step's belongs to project ${q(wanted.slice(0, underscore))}`;
    }
  }
  const close = closeName(wanted, names);
  if (close) return `there is a ${noun} named ${q(close)}, which is ${spellingDifference(wanted, close)}`;
  return undefined;
}
