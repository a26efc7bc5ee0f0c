// One server-sent event stream per lesson page, re-broadcast as window events so each island
// (step list, sandbox panel, sandbox notices, workshop bar) listens without opening a stream of its own. The
// events are the shared contract's (contract/learner-events.ts); one that does not fit it is
// dropped, and the next snapshot corrects the page.
import { LEARNER_EVENT_TYPES, LEARNER_EVENTS_PATH, learnerEvent, type LearnerEventType } from '../../contract/learner-events.js';

/** detail: the lesson's LessonProgressView. */
export const PROGRESS_EVENT = 'slipway:progress';
/** detail: a StepUpdate. */
export const STEP_EVENT = 'slipway:step';
export const SANDBOX_EVENT = 'slipway:sandbox';
/** Something happened to the sandbox that the learner did not ask for (detail: a SandboxNotice). */
export const NOTICE_EVENT = 'slipway:notice';
/** An instructor acted on this learner (detail: a ClassroomNotice, with the learner's state after it). */
export const CLASSROOM_EVENT = 'slipway:classroom';

const WINDOW_EVENT: Record<LearnerEventType, string> = { progress: PROGRESS_EVENT, step: STEP_EVENT, sandbox: SANDBOX_EVENT, notice: NOTICE_EVENT, classroom: CLASSROOM_EVENT };

let source: EventSource | undefined;

export function listenToSession(): void {
  if (source) return;
  source = new EventSource(LEARNER_EVENTS_PATH);
  for (const type of LEARNER_EVENT_TYPES) {
    source.addEventListener(type, (event) => {
      try {
        const parsed = learnerEvent.safeParse({ type, data: JSON.parse((event as MessageEvent<string>).data) });
        if (parsed.success) window.dispatchEvent(new CustomEvent(WINDOW_EVENT[type], { detail: parsed.data.data }));
      } catch {
        // Not JSON: changes nothing on the page.
      }
    });
  }
}
