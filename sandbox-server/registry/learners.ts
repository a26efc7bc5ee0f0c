// Whose namespace a sandbox may write to in the workshop registry: that of the learner whose
// session holds it now. A pooled or ended sandbox belongs to no one and writes nowhere.
import type { SessionRow } from '../store/sessions.js';
import type { SandboxRow } from '../store/sandboxes.js';
import { learnerNamespace } from './namespace.js';

export function learnerNamespaces(sandboxes: { get(id: string): SandboxRow | undefined }, sessions: { get(id: string): SessionRow | undefined }): (sandboxId: string) => string | undefined {
  return (sandboxId) => {
    const row = sandboxes.get(sandboxId);
    if (!row?.session_id || row.ended_at) return undefined;
    const session = sessions.get(row.session_id);
    return session && learnerNamespace(session);
  };
}
