// Capabilities for the web preview, signed with a key of the server's own: a link (short-lived,
// carried once in a URL) and a grant (kept by the browser as a cookie of the preview's origin).
// Both name the sandbox, its port and the preview they are good for (its port, or its host's
// label in subdomain mode), so that neither opens another learner's app, nor this learner's app
// on a preview port given to someone else since.
import crypto from 'node:crypto';

export type GrantKind = 'link' | 'grant';

export interface PreviewTarget {
  sandboxId: string;
  port: number;
  /** The preview (an origin of its own) the capability is good for: its port, or its host's label. */
  key: string;
}

interface Payload extends PreviewTarget {
  kind: GrantKind;
  expiresAt: number;
}

// v2: the preview is named by a string key (v1 named a preview port by its number).
const VERSION = 'v2';

export class PreviewGrants {
  constructor(private readonly key: string) {}

  issue(kind: GrantKind, target: PreviewTarget, ttlMs: number, now = Date.now()): { token: string; expiresAt: number } {
    const payload: Payload = { kind, ...target, expiresAt: now + ttlMs };
    const body = Buffer.from(JSON.stringify([payload.kind, payload.sandboxId, payload.port, payload.key, payload.expiresAt])).toString('base64url');
    return { token: `${VERSION}.${body}.${this.sign(body)}`, expiresAt: payload.expiresAt };
  }

  /** Why the token does not open `target` as a `kind`, or undefined when it does. */
  refusal(token: string, kind: GrantKind, target: PreviewTarget, now = Date.now()): 'invalid' | 'expired' | 'elsewhere' | undefined {
    const payload = this.read(token);
    if (!payload || payload.kind !== kind) return 'invalid';
    if (payload.sandboxId !== target.sandboxId || payload.port !== target.port || payload.key !== target.key) return 'elsewhere';
    if (payload.expiresAt <= now) return 'expired';
    return undefined;
  }

  private read(token: string): Payload | undefined {
    const [version, body, signature] = token.split('.');
    if (version !== VERSION || !body || !signature || token.length > 1000) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return undefined;
    try {
      const [kind, sandboxId, port, key, expiresAt] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
      if ((kind !== 'link' && kind !== 'grant') || typeof sandboxId !== 'string' || typeof port !== 'number' || typeof key !== 'string' || typeof expiresAt !== 'number') return undefined;
      return { kind, sandboxId, port, key, expiresAt };
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return crypto.createHmac('sha256', this.key).update(`preview:${body}`).digest('base64url');
  }
}
