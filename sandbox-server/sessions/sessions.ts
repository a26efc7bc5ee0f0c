// A learner session and the sandbox it currently holds. Resetting replaces the sandbox but
// keeps the session, so the learner keeps their identity.
import crypto from 'node:crypto';
import type { SandboxNotice } from '../../contract/notices.js';
import type { SessionView } from '../../contract/session-api.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { NoticeBoard } from '../sandboxes/notices.js';
import type { SandboxRow, SandboxStore } from '../store/sandboxes.js';
import type { SessionRow, SessionStore } from '../store/sessions.js';

export class Sessions {
  /** One acquire at a time per session, so a double click cannot take two sandboxes. */
  private readonly pending = new Map<string, Promise<SandboxRow>>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly sandboxes: SandboxStore,
    private readonly manager: SandboxManager,
    private readonly isolated: boolean,
    private readonly board?: NoticeBoard,
  ) {}

  create(displayName: string | null = null): SessionRow {
    return this.sessions.create(crypto.randomBytes(16).toString('base64url'), displayName);
  }

  get(id: string): SessionRow | undefined {
    return this.sessions.get(id);
  }

  /** The session's live sandbox, if any. */
  liveSandbox(session: SessionRow): SandboxRow | undefined {
    if (!session.sandbox_id) return undefined;
    const row = this.sandboxes.get(session.sandbox_id);
    return row && ['assigned', 'active'].includes(row.state) ? row : undefined;
  }

  /** The session's sandbox, taking one from the pool when it has none. */
  async ensureSandbox(session: SessionRow): Promise<SandboxRow> {
    const live = this.liveSandbox(session);
    if (live) return live;
    let pending = this.pending.get(session.id);
    if (!pending) {
      pending = this.manager.acquire(session.id).then((row) => {
        this.sessions.setSandbox(session.id, row.id);
        return row;
      });
      this.pending.set(session.id, pending);
      void pending.finally(() => this.pending.delete(session.id)).catch(() => undefined);
    }
    return pending;
  }

  async reset(session: SessionRow): Promise<SandboxRow> {
    const live = this.liveSandbox(session);
    if (live) await this.manager.destroy(live.id, 'reset');
    return this.ensureSandbox({ ...session, sandbox_id: null });
  }

  view(session: SessionRow): SessionView {
    const live = this.liveSandbox(session);
    const previous = !live && session.sandbox_id ? this.sandboxes.get(session.sandbox_id) : undefined;
    return {
      id: session.id,
      displayName: session.display_name,
      sandbox: live ? { id: live.id, state: live.state, expiresAt: live.expires_at, isolated: this.isolated, disk: this.manager.diskUsage(live.id) ?? null } : null,
      notice: previous && previous.end_reason ? previous.end_reason : null,
      notices: this.board?.of(session.sandbox_id) ?? [],
    };
  }

  /** The latest notice about the session's current (or last) sandbox, for the instructor's dashboard. */
  latestNotice(sessionId: string): SandboxNotice | null {
    return this.board?.latest(this.sessions.get(sessionId)?.sandbox_id) ?? null;
  }
}
