// Environment variables that are nearly right: the name in another case (`greeting=Ahoy` for
// GREETING: names are case-sensitive) or spelled a letter or two off, and values that differ
// only by quotes kept from an env file, by spaces, or by capitals. Used for containers and images.
import { q } from '../describe.js';
import { closeName } from './spelling.js';

/** The variable is missing: is there one with nearly its name? `prefix` is "" or "ENV " (images). */
export function missingVariable(key: string, expected: string, env: Map<string, string>, prefix = ''): string | undefined {
  const close = closeName(key, env.keys());
  if (close === undefined) return undefined;
  const value = env.get(close) ?? '';
  if (close.toLowerCase() === key.toLowerCase()) {
    return `it has ${prefix}${close}=${value}, and variable names are case-sensitive: the step looks for ${key}${value === expected ? ` (${key}=${expected})` : ''}`;
  }
  return `it has ${prefix}${close}=${value}, which is nearly the name the step looks for: ${key}`;
}

/** The value differs: "GREETING is 'hello', expected 'bye'", and why, when the reason is plain. */
export function wrongValue(key: string, actual: string, expected: string, prefix = ''): string {
  const base = `${prefix}${key} is ${q(actual)}, expected ${q(expected)}`;
  const unquoted = /^(["'])(.*)\1$/s.exec(actual)?.[2];
  if (unquoted === expected) return `${base}: the quotes became part of the value (an --env-file takes everything after the = as it is, so write ${key}=${expected} there)`;
  if (actual.trim() === expected) return `${base}: it has spaces around it`;
  if (actual.toLowerCase() === expected.toLowerCase()) return `${base}: only the capitals differ, and values are compared as written`;
  return base;
}
