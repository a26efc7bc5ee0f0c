// Each learner's own namespace in the workshop registry (registry.workshop:5000/<namespace>/...):
// derived from their session, so it stays the same across sandbox resets and server restarts,
// and it is a valid first path component of an image name.
import crypto from 'node:crypto';

/** What a namespace is made of: lowercase letters and digits, in parts joined by single dashes. */
const NAMESPACE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Leaves room for the repository and tag in a name a learner types. */
const NAME_PART_MAX = 20;
/** Hex digits of the session's fingerprint: 8 keeps two learners from sharing one by chance. */
const SHORT_ID_DIGITS = 8;

export function isNamespace(text: string): boolean {
  return text.length <= 64 && NAMESPACE.test(text);
}

/**
 * `ada-lovelace-1f2e3d4c` for a session named "Ada Lovelace", `learner-1f2e3d4c` for one with
 * no name. The digits are a fingerprint of the session id, which stays secret (it is the
 * session's cookie): other learners see namespaces when they pull each other's images.
 */
export function learnerNamespace(session: { id: string; display_name: string | null }): string {
  const short = crypto.createHash('sha256').update(session.id).digest('hex').slice(0, SHORT_ID_DIGITS);
  const name = slug(session.display_name ?? '');
  return `${name || 'learner'}-${short}`;
}

/** "Zoë O'Brien" → "zoe-o-brien": ASCII letters and digits, dashes between words. */
function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, NAME_PART_MAX)
    .replace(/-+$/, '');
}
