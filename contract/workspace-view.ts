// The instructor's read-only view of the file open in a learner's editor: where to read it, what
// the answer holds, and the events that say when to read it again. Apart from workspace-api.ts so
// that the dashboard's bundle and the lesson page's editor share no module (the lesson page's
// JavaScript budget).
import { z } from 'zod';
import type { WorkspaceFile } from './workspace-api.js';

/** GET: the learner's open file and what it holds now, read-only (instructors only). */
export function instructorFilePath(workshopId: string, learnerId: string): string {
  return `/api/instructor/workshops/${encodeURIComponent(workshopId)}/learners/${encodeURIComponent(learnerId)}/file`;
}

/** GET: server-sent events (workspaceEvent) saying when the learner opens another file or saves the one open. */
export function instructorFileEventsPath(workshopId: string, learnerId: string): string {
  return `${instructorFilePath(workshopId, learnerId)}/events`;
}

/** The answer of instructorFilePath. */
export interface OpenFileView {
  /** The file open in the learner's editor, or null when none is. */
  path: string | null;
  /** What it holds now (as a read gives it to the learner); null when nothing is open or it cannot be read. */
  file: WorkspaceFile | null;
  /** Why it cannot be shown (deleted since, a folder...), in plain words. */
  problem?: string;
}

export const workspaceEvent = z.discriminatedUnion('type', [
  /** The learner opened a file (path; null: closed it), or saved the one open: read it again. On connect: the one open now. */
  z.object({ type: z.literal('file'), data: z.object({ path: z.string().nullable(), reason: z.enum(['opened', 'saved']), at: z.number() }) }),
]);
export type WorkspaceEvent = z.infer<typeof workspaceEvent>;
