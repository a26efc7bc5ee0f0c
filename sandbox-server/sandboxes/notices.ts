// Sandbox notices: what happened to a learner's sandbox that they did not ask for (a limit hit,
// its engine restarted, its disk filling up, the sandbox removed), said in plain words: what
// happened, what it means, what to do. The monitor (monitor.ts) finds these; the board keeps
// the latest per sandbox for the lesson page and the instructor's dashboard, and publishes each
// on its learner's channel of the feed as it comes. A notice's shape on the wire is the shared contract's
// (contract/notices.ts).
import type { SandboxNotice } from '../../contract/notices.js';
import { formatSize } from '../config/units.js';
import type { LearnerChannel } from '../feed/index.js';

export type NoticeText = Pick<SandboxNotice, 'severity' | 'title' | 'message'>;

/** The words of each notice. Kept together so they read as one voice. */
export const noticeText = {
  pidsLimit: (limit: number): NoticeText => ({
    severity: 'warning',
    title: 'Too many processes',
    message:
      `A program in your sandbox tried to start more than ${limit} processes (a fork bomb does this) and was held at the limit. ` +
      'Nobody else is affected. Press Ctrl-C in the terminal to stop it; if it keeps going, Slipway stops the programs started from your terminal within seconds. ' +
      'If it runs inside a container and goes on, use Reset sandbox (your finished steps stay finished).',
  }),
  runawayStopped: (limit: number, stopped: number): NoticeText => ({
    severity: 'warning',
    title: 'Runaway programs stopped',
    message:
      `Programs started from your terminal kept your sandbox at its limit of ${limit} processes (a fork bomb does this), so Slipway stopped them (${stopped} processes). ` +
      'Your shell, files, images and containers are untouched: press Enter for a fresh prompt.',
  }),
  outOfMemory: (limitBytes: number): NoticeText => ({
    severity: 'warning',
    title: 'Out of memory',
    message:
      `A program in your sandbox used all of its ${formatSize(limitBytes)} of memory, so the system stopped it (you may see "Killed" or exit code 137). ` +
      'Nobody else is affected and your sandbox still works. Run fewer or smaller programs at once: docker stats shows what uses memory, docker stop NAME stops a container.',
  }),
  diskWarning: (usedBytes: number, limitBytes: number): NoticeText => ({
    severity: 'warning',
    title: 'Disk nearly full',
    message:
      `Your sandbox uses ${formatSize(usedBytes)} of its ${formatSize(limitBytes)} disk allowance. Past it, the sandbox is removed to protect the other learners. ` +
      'Free space now: docker system df shows what uses it; docker system prune -a removes stopped containers and unused images.',
  }),
  engineDown: (): NoticeText => ({
    severity: 'error',
    title: 'Docker Engine not answering',
    message:
      "Your sandbox's Docker Engine has stopped, so docker commands fail for now. It starts again by itself within a few seconds; " +
      'if docker ps still fails after half a minute, use Reset sandbox (your finished steps stay finished).',
  }),
  engineNotStarted: (): NoticeText => ({
    severity: 'error',
    title: 'Docker Engine did not start',
    message:
      "Your sandbox's Docker Engine did not start, so docker commands fail. Use Reset sandbox to get a fresh one (your finished steps stay finished); " +
      'if that fails too, tell your instructor.',
  }),
  engineRestarted: (): NoticeText => ({
    severity: 'warning',
    title: 'Docker Engine restarted',
    message:
      "Your sandbox's Docker Engine stopped (it was killed, or it crashed) and has started again. Your images, volumes and files are still there, " +
      'but containers that were running have stopped: start them again with docker start NAME, or docker compose up -d.',
  }),
  sandboxRestarted: (): NoticeText => ({
    severity: 'warning',
    title: 'Sandbox restarted',
    message:
      "The server's Docker Engine restarted, which stops every sandbox, so yours was started again. Your files, images and volumes are still there, " +
      'but containers that were running have stopped: start them again with docker start NAME, or docker compose up -d. Press a key in the terminal for a new shell.',
  }),
  ended: (title: string, message: string): NoticeText => ({ severity: 'error', title, message }),
  /** `what`: 'This step' or 'This lesson', with its title; `why`: the command and what it said. */
  setupFailed: (what: string, why: string): NoticeText => ({
    severity: 'warning',
    title: 'Not prepared',
    message:
      `${what} could not be prepared: ${why}. The rest of your sandbox works, but what the step starts from may be missing. ` +
      'Use Reset sandbox to try again (your finished steps stay finished), or ask the instructor.',
  }),
};

/** Sandboxes remembered at most; the oldest are forgotten first (memory stays bounded). */
const KEPT_SANDBOXES = 1000;
/** Notices kept per sandbox: the latest of each kind. */
const KEPT_PER_SANDBOX = 6;

/** The latest notices of each sandbox, newest first; each new one goes out on the feed. */
export class NoticeBoard {
  private readonly bySandbox = new Map<string, SandboxNotice[]>();

  constructor(private readonly learners: LearnerChannel) {}

  /** Keeps the notice (replacing an older one of its kind) and tells the sandbox's learner, if it has one. */
  publish(notice: SandboxNotice, sessionId: string | null): void {
    const kept = (this.bySandbox.get(notice.sandbox) ?? []).filter((n) => n.kind !== notice.kind);
    this.bySandbox.delete(notice.sandbox);
    this.bySandbox.set(notice.sandbox, [notice, ...kept].slice(0, KEPT_PER_SANDBOX));
    for (const oldest of this.bySandbox.keys()) {
      if (this.bySandbox.size <= KEPT_SANDBOXES) break;
      this.bySandbox.delete(oldest);
    }
    if (sessionId) this.learners.publish(sessionId, { type: 'notice', data: notice });
  }

  /** The sandbox's notices, newest first. */
  of(sandboxId: string | null | undefined): SandboxNotice[] {
    return sandboxId ? [...(this.bySandbox.get(sandboxId) ?? [])] : [];
  }

  latest(sandboxId: string | null | undefined): SandboxNotice | null {
    return this.of(sandboxId)[0] ?? null;
  }
}
