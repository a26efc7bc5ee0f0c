// One server-sent event stream per lesson page, re-broadcast as window events so each island
// (step list, sandbox panel, sandbox notices) listens without opening a stream of its own.

export const PROGRESS_EVENT = 'slipway:progress';
export const STEP_EVENT = 'slipway:step';
export const SANDBOX_EVENT = 'slipway:sandbox';
/** Something happened to the sandbox that the learner did not ask for (detail: a SandboxNotice). */
export const NOTICE_EVENT = 'slipway:notice';

let source: EventSource | undefined;

export function listenToSession(): void {
  if (source) return;
  source = new EventSource('/api/session/events');
  for (const [type, name] of [['progress', PROGRESS_EVENT], ['step', STEP_EVENT], ['sandbox', SANDBOX_EVENT], ['notice', NOTICE_EVENT]] as const) {
    source.addEventListener(type, (event) => {
      try {
        window.dispatchEvent(new CustomEvent(name, { detail: JSON.parse((event as MessageEvent<string>).data) }));
      } catch {
        // A malformed event changes nothing on the page; the next snapshot corrects it.
      }
    });
  }
}
