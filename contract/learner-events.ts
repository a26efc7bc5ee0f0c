// The learner's live event stream (server-sent events on LEARNER_EVENTS_PATH): each event's
// name is its `type` and its JSON data is `data`. On connect the stream sends the last opened
// lesson's progress; then steps whose result changes, sandbox changes, sandbox notices and what
// an instructor did to this learner.
import { z } from 'zod';
import { classroomNotice } from './classroom-events.js';
import { sandboxNotice } from './notices.js';
import { lessonProgressView, stepUpdate } from './progress.js';

export { LEARNER_EVENTS_PATH } from './learner-paths.js';

export const learnerEvent = z.discriminatedUnion('type', [
  /** The whole lesson's progress: on connect, and when a lesson is opened or checked. */
  z.object({ type: z.literal('progress'), data: lessonProgressView }),
  /** One step's result changed. */
  z.object({ type: z.literal('step'), data: stepUpdate }),
  /** The sandbox's engine changed (a container started, an image was built...): the page refreshes its sandbox panel. */
  z.object({ type: z.literal('sandbox'), data: z.object({ sandbox: z.string(), at: z.number() }) }),
  /** Something happened to the sandbox that the learner did not ask for: the page shows it. */
  z.object({ type: z.literal('notice'), data: sandboxNotice }),
  /** An instructor reset, extended, removed or re-admitted this learner, or ended the workshop: the page says so and follows. */
  z.object({ type: z.literal('classroom'), data: classroomNotice }),
]);

export type LearnerEvent = z.infer<typeof learnerEvent>;
export type LearnerEventType = LearnerEvent['type'];
export const LEARNER_EVENT_TYPES: readonly LearnerEventType[] = learnerEvent.options.map((option) => option.shape.type.value);
