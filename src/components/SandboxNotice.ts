// The sandbox notice banner (SandboxNotice.astro): the events the lesson page sends it, and the
// script that fills it, which the page runs with its own. It shows what happened to the
// sandbox without the learner asking (event stream 'notice', or the session's notices when the
// page opens) and what an instructor did to them ('classroom'), which stays when the page
// clears the notices of a sandbox that is gone.
import type { ClassroomNotice } from '../../contract/classroom-events.js';
import type { SandboxNotice } from '../lib/api.js';
import { CLASSROOM_EVENT, NOTICE_EVENT } from '../lib/lesson-events.js';

/** detail: the session's notices, newest first (from the session view when the page opens). */
export const NOTICE_SHOW_EVENT = 'slipway:notices-known';
/** The sandbox ended or was replaced: what the banner says is about a sandbox that is gone. */
export const NOTICE_CLEAR_EVENT = 'slipway:notices-clear';

/** A notice older than this is news no more when a page opens. */
const FRESH_MS = 15 * 60_000;

type Shown = Pick<SandboxNotice, 'title' | 'message' | 'at'> & { severity: 'info' | SandboxNotice['severity']; kind: string; key: string; classroom?: boolean };

/** Fills the banner `box` from the page's events. */
export function sandboxNotices(box: HTMLElement): void {
  const title = box.querySelector<HTMLElement>('.notice-title')!;
  const time = box.querySelector<HTMLElement>('.notice-time')!;
  const message = box.querySelector<HTMLElement>('.notice-message')!;
  const dismissed = new Set<string>(JSON.parse(sessionStorage.getItem('slipway:dismissed-notices') ?? '[]') as string[]);
  let shown: Shown | undefined;

  function show(notice: Shown, fromPageLoad = false): void {
    if (notice.kind === 'ended') return clear();
    if (dismissed.has(notice.key) || (fromPageLoad && Date.now() - notice.at > FRESH_MS)) return;
    shown = notice;
    // Something that stops the learner's work is announced at once; the rest politely.
    box.setAttribute('role', notice.severity === 'error' ? 'alert' : 'status');
    box.setAttribute('aria-live', notice.severity === 'error' ? 'assertive' : 'polite');
    box.dataset.severity = notice.severity;
    box.dataset.kind = notice.kind;
    title.textContent = notice.title;
    time.textContent = new Date(notice.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    message.textContent = notice.message;
    box.hidden = false;
  }

  /** `sandboxGone`: only a notice about the sandbox goes, not what the instructor did. */
  function clear(sandboxGone = false): void {
    if (sandboxGone && shown?.classroom) return;
    shown = undefined;
    box.hidden = true;
  }

  const sandboxNotice = (notice: SandboxNotice): Shown => ({ ...notice, key: `${notice.sandbox}:${notice.kind}:${notice.at}` });
  window.addEventListener(NOTICE_EVENT, (event) => show(sandboxNotice((event as CustomEvent<SandboxNotice>).detail)));
  window.addEventListener(NOTICE_SHOW_EVENT, (event) => {
    const latest = (event as CustomEvent<SandboxNotice[]>).detail[0];
    if (latest) show(sandboxNotice(latest), true);
  });
  window.addEventListener(NOTICE_CLEAR_EVENT, () => clear(true));
  window.addEventListener(CLASSROOM_EVENT, (event) => {
    const { action, at, title, message } = (event as CustomEvent<ClassroomNotice>).detail;
    const severity = action === 'removed' || action === 'ended' ? 'error' : action === 'resetting' ? 'warning' : 'info';
    show({ kind: `classroom-${action}`, key: `classroom:${action}:${at}`, severity, title, message, at, classroom: true });
  });
  box.querySelector('.notice-dismiss')!.addEventListener('click', () => {
    if (shown) {
      dismissed.add(shown.key);
      sessionStorage.setItem('slipway:dismissed-notices', JSON.stringify([...dismissed].slice(-50)));
    }
    clear();
  });
}
