// The web preview's API: asking for a link to a port of a sandbox (the learner's own, or, for an
// instructor, a learner's), and the link's shape. The link opens the app on an origin of its
// own (another port of this host, or a host of its own under SLIPWAY_PREVIEW_DOMAIN), never on
// Slipway's.
import { z } from 'zod';

/** POST /api/session/preview and POST /api/instructor/workshops/:id/learners/:learner/preview */
export const previewBody = z
  .object({
    port: z.number({ invalid_type_error: 'port: a number from 1 to 65535' }).int('port: a whole number').min(1, 'port: from 1 to 65535').max(65535, 'port: from 1 to 65535'),
  })
  .strict();
export type PreviewBody = z.infer<typeof previewBody>;

export { LEARNER_PREVIEW_PATH } from './learner-paths.js';

export interface PreviewLink {
  /** Opens the app; carries a capability that is good for a short while only (open it at once). */
  url: string;
  /** The sandbox's port the link shows. */
  port: number;
  /** When the link stops opening (the preview it opened keeps working for the sandbox's life). */
  expiresAt: number;
}

/** The query parameter that carries a link's capability to the preview origin. */
export const PREVIEW_TOKEN_PARAM = 'slipway-preview';
