// Sandbox notices on the wire: what happened to a learner's sandbox that they did not ask for
// (a limit hit, its engine restarted, its disk filling up, the sandbox removed, a lesson's or
// step's setup that failed there), as the lesson page, the session API and the instructor's
// dashboard receive it. The words themselves are written on the server
// (sandbox-server/sandboxes/notices.ts).
import { z } from 'zod';

export const noticeKind = z.enum(['pids_limit', 'runaway_stopped', 'out_of_memory', 'disk_warning', 'engine_down', 'engine_restarted', 'sandbox_restarted', 'ended', 'setup_failed']);
export type NoticeKind = z.infer<typeof noticeKind>;

export const sandboxNotice = z.object({
  kind: noticeKind,
  sandbox: z.string(),
  /** When it was noticed (ms since the epoch). */
  at: z.number(),
  /** 'warning': the sandbox still works; 'error': it does not (or is gone) until the learner acts. */
  severity: z.enum(['warning', 'error']),
  /** A few words, for a badge. */
  title: z.string(),
  /** What happened, what it means, what to do. */
  message: z.string(),
});
export type SandboxNotice = z.infer<typeof sandboxNotice>;
