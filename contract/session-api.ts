// The learner's session API (/api/session...): the body that creates a session, the session
// view every call answers with (its sandbox, disk use and notices), and what the sandbox's
// engine holds for the lesson page's sandbox panel.
import { z } from 'zod';
import { sandboxNotice } from './notices.js';

/** POST /api/session */
export const createSessionBody = z.object({ displayName: z.string().trim().min(1).max(60).optional() }).strict();
export type CreateSessionBody = z.infer<typeof createSessionBody>;

/** The sandbox's last disk measurement, so the page can warn before the allowance runs out. */
export const diskUsage = z.object({
  usedBytes: z.number(),
  limitBytes: z.number(),
  level: z.enum(['ok', 'warning', 'over']),
  measuredAt: z.number(),
});
export type DiskUsage = z.infer<typeof diskUsage>;

export const sandboxView = z.object({
  id: z.string(),
  state: z.string(),
  expiresAt: z.number().nullable(),
  /** False with the local driver: the learner's commands run on the host itself. */
  isolated: z.boolean(),
  disk: diskUsage.nullable(),
});
export type SandboxView = z.infer<typeof sandboxView>;

/** GET/POST /api/session, POST /api/session/sandbox, POST /api/session/sandbox/reset */
export const sessionView = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  sandbox: sandboxView.nullable(),
  /** Why the previous sandbox ended, when it ended without the learner asking. */
  notice: z.string().nullable(),
  /** What happened to the current (or last) sandbox without the learner asking, newest first. */
  notices: z.array(sandboxNotice),
});
export type SessionView = z.infer<typeof sessionView>;

const port = z.object({ host: z.number().int(), container: z.number().int(), protocol: z.string() });

/** GET /api/session/sandbox/inventory: the view Docker Desktop gives, read from the sandbox's engine. */
export const inventory = z.object({
  containers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      image: z.string(),
      state: z.string(),
      status: z.string(),
      ports: z.array(port),
      compose: z.object({ project: z.string(), service: z.string() }).optional(),
    }),
  ),
  images: z.array(z.object({ id: z.string(), tags: z.array(z.string()), sizeBytes: z.number(), created: z.number() })),
  volumes: z.array(z.object({ name: z.string(), compose: z.string().optional() })),
  networks: z.array(z.object({ name: z.string(), driver: z.string(), builtIn: z.boolean() })),
  /**
   * Set while the sandbox's engine is not up yet (it starts after the prompt): `starting`, or
   * `on-use` when it starts with the learner's first docker command. The lists are empty then.
   */
  engine: z.enum(['starting', 'on-use']).optional(),
});
export type Inventory = z.infer<typeof inventory>;
