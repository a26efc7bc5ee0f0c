// New join codes, drawn from the shared alphabet (contract/join-rules.ts, which also words the
// rule for learners): short, read aloud and typed from a projector, so only characters that
// cannot be mistaken for one another.
import crypto from 'node:crypto';
import { CODE_ALPHABET, CODE_LENGTH } from '../../contract/join-rules.js';

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  return code;
}
