// Join codes: short, read aloud and typed from a projector, so only characters that cannot be
// mistaken for one another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V).
import crypto from 'node:crypto';

export const CODE_ALPHABET = '34679ACDEFGHJKMNPQRTWXY';
export const CODE_LENGTH = 6;

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What a learner typed, as the stored code: upper case, spaces and dashes dropped. */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}
