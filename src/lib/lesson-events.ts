// One server-sent event stream per lesson page, re-broadcast as window events so each island
// (step list, sandbox panel, sandbox notices, workshop bar) listens without opening a stream of its own. The
// events are the shared contract's (contract/learner-events.ts). The page does not parse them
// against `learnerEvent` (zod would take a twentieth of the page's JavaScript budget): the server
// checks each event against it before writing it to the stream (http/events-route.ts drops and
// logs one that does not fit), and the page comes from that same server. Data that is not JSON
// is dropped, and the next snapshot corrects the page.
import { LEARNER_EVENTS_PATH } from '../../contract/learner-paths.js';
import type { LearnerEvent, LearnerEventType } from '../../contract/learner-events.js';

/** detail: the lesson's LessonProgressView. */
export const PROGRESS_EVENT = 'slipway:progress';
/** detail: a StepUpdate. */
export const STEP_EVENT = 'slipway:step';
export const SANDBOX_EVENT = 'slipway:sandbox';
/** Something happened to the sandbox that the learner did not ask for (detail: a SandboxNotice). */
export const NOTICE_EVENT = 'slipway:notice';
/** An instructor acted on this learner (detail: a ClassroomNotice, with the learner's state after it). */
export const CLASSROOM_EVENT = 'slipway:classroom';

// Every event type of the contract, no other (the Record's type says so): the stream's names.
const WINDOW_EVENT: Record<LearnerEventType, string> = { progress: PROGRESS_EVENT, step: STEP_EVENT, sandbox: SANDBOX_EVENT, notice: NOTICE_EVENT, classroom: CLASSROOM_EVENT };
const LEARNER_EVENT_TYPES = Object.keys(WINDOW_EVENT) as LearnerEventType[];

let source: EventSource | undefined;

export function listenToSession(): void {
  if (source) return;
  source = new EventSource(LEARNER_EVENTS_PATH);
  for (const type of LEARNER_EVENT_TYPES) {
    source.addEventListener(type, (event) => {
      try {
        const data = JSON.parse((event as MessageEvent<string>).data) as LearnerEvent['data'];
        window.dispatchEvent(new CustomEvent(WINDOW_EVENT[type], { detail: data }));
      } catch {
        // Not JSON: changes nothing on the page.
      }
    });
  }
}
