// What a learner may type on the join page, and the words for what they typed wrong: the join
// code's alphabet and length, and the longest display name. The server's generator
// (sandbox-server/classroom/codes.ts), its validation (classroom-api.ts) and the join page all
// read these constants, and the messages are derived from them, so the rule stated to a learner
// is always the rule applied. No zod here: the join page loads this module as it is.

/** Characters that cannot be mistaken for one another when read from a projector: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V. */
export const CODE_ALPHABET = '34679ACDEFGHJKMNPQRTWXY';
export const CODE_LENGTH = 6;
/** The longest display name, in characters as a person counts them (code points). */
export const NAME_MAX = 40;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** "B, I and L" */
function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** One class of characters (letters, digits) in words: the shorter of "A–Z except …" and the plain list. */
function describeClass(all: string, range: string, noun: string, alphabet: string): string | undefined {
  const used = [...all].filter((c) => alphabet.includes(c));
  const unused = [...all].filter((c) => !alphabet.includes(c));
  if (used.length === 0) return undefined;
  if (unused.length === 0) return `the ${noun} ${range}`;
  return unused.length < used.length ? `the ${noun} ${range} except ${list(unused)}` : `the ${noun} ${list(used)}`;
}

/** The code's rule in words: "6 characters: the letters A–Z except B, I, L, O, S, U, V and Z, and the digits 3, 4, 6, 7 and 9". */
export function codeRule(alphabet = CODE_ALPHABET, length = CODE_LENGTH): string {
  const parts = [describeClass(LETTERS, 'A–Z', 'letters', alphabet), describeClass(DIGITS, '0–9', 'digits', alphabet)].filter((p): p is string => p !== undefined);
  return `${length} characters: ${parts.join(', and ')}`;
}

/** What the learner typed, as the stored code: upper case, spaces and dashes dropped. */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

/** Why a normalized code cannot be a join code, naming the characters codes never use; undefined when it fits. */
export function codeProblem(code: string, alphabet = CODE_ALPHABET, length = CODE_LENGTH): string | undefined {
  const foreign = [...new Set([...code].filter((c) => !alphabet.includes(c)))];
  const rule = `a join code is ${codeRule(alphabet, length)}`;
  if (foreign.length) {
    const shown = foreign.slice(0, 6).map((c) => `"${c}"`);
    return `${rule}; ${list(shown)}${foreign.length > shown.length ? ' (and more)' : ''} ${foreign.length === 1 ? 'is' : 'are'} never used in codes`;
  }
  const n = [...code].length;
  if (n !== length) return `${rule}; yours has ${n}`;
  return undefined;
}

/** Why a (trimmed) display name is refused, with the limit stated; undefined when it fits. */
export function nameProblem(name: string, max = NAME_MAX): string | undefined {
  const n = [...name].length;
  if (n === 0) return 'give a display name';
  if (n > max) return `a name is at most ${max} characters; yours has ${n}`;
  return undefined;
}
