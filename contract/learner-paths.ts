// Paths of the learner's API that the lesson page calls, apart from the zod schemas of their
// payloads (learner-events.ts and preview-api.ts re-export them): the page imports these and
// only types from those modules, so it does not ship zod (its JavaScript budget).

/** GET: the learner's live event stream (server-sent events, contract/learner-events.ts). */
export const LEARNER_EVENTS_PATH = '/api/session/events';

/** POST: a link to a port of the learner's sandbox (contract/preview-api.ts). */
export const LEARNER_PREVIEW_PATH = '/api/session/preview';
