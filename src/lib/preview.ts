// Opens the web preview of a sandbox's port in a new tab: asks the server for a short-lived
// link, then sends a tab opened on the click itself there. Used by the sandbox panel's port
// chips, the lessons' "Open preview" buttons and the instructor's dashboard.
//
// The tab is opened before the request, while the click still counts as the person's own
// gesture: a tab opened after an await is what popup blockers stop. Its opener is cut at once,
// so the previewed app (learner-written code, treated as hostile) gets no handle on this page.
import { LEARNER_PREVIEW_PATH } from '../../contract/learner-paths.js';
import type { PreviewLink } from '../../contract/preview-api.js';
import { explain, send } from './api.js';

export interface PreviewRequest {
  port: number;
  /** Where in the app to land (the link opens `/` otherwise). */
  path?: string;
  /** The API that makes the link: the learner's own sandbox unless given (the instructor's). */
  endpoint?: string;
  /** Where to say, in plain words, why the preview did not open. */
  status: HTMLElement;
}

/** Call from the click handler itself, not after an await. */
export function openPreview({ port, path, endpoint = LEARNER_PREVIEW_PATH, status }: PreviewRequest): void {
  say(status, null);
  const tab = window.open('', '_blank');
  if (tab) {
    tab.opener = null;
    tab.document.title = `Port ${port} · Slipway preview`;
    if (tab.document.body) tab.document.body.textContent = `Opening the preview of port ${port}…`;
  }
  send<PreviewLink>(endpoint, 'POST', { port }).then(
    ({ body }) => {
      const url = new URL(body.url);
      if (path) url.pathname = path;
      if (tab && !tab.closed) tab.location.href = url.href;
      // The browser blocked the tab: a link the person can click themselves (a click is a gesture).
      else say(status, `Your browser blocked the new tab. Open port ${port}:`, url.href);
    },
    (err: unknown) => {
      tab?.close();
      say(status, explain(err));
    },
  );
}

/** Shows a refusal (and, when the tab was blocked, a link) next to the button; null clears it. */
function say(status: HTMLElement, message: string | null, href?: string): void {
  status.hidden = message === null;
  status.replaceChildren(message ?? '');
  if (!href) return;
  const link = document.createElement('a');
  link.href = href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.textContent = 'open it here';
  status.append(' ', link);
}

/**
 * Handles clicks on every `selector` button under `root` (the panel's chips, the lessons'
 * buttons), now and added later: one listener, nothing to wire per button. A button says its
 * port in `data-preview-port` (and a path in `data-preview-path`); its `.preview-status`
 * sibling shows what went wrong.
 */
export function handlePreviewButtons(root: ParentNode, selector: string): void {
  root.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLElement>(selector);
    const status = button?.parentElement?.querySelector<HTMLElement>('.preview-status');
    if (!button?.dataset.previewPort || !status) return;
    event.preventDefault();
    openPreview({ port: Number(button.dataset.previewPort), path: button.dataset.previewPath, status });
  });
}
