// Lesson and step names as they appear in URLs, lesson files and API bodies: lowercase letters,
// digits and dashes, starting with a letter or digit, at most 63 characters. The lesson schema,
// the server's routes and the instructor's API all use this one rule.
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isSlug(text: string): boolean {
  return SLUG_PATTERN.test(text);
}
