// The event feed: every event that travels between the server's parts, on typed channels.
// - prompts: terminal → checks (a command finished);
// - sandboxes: lifecycle → monitor, classroom, terminal, workshop registry;
// - learners (by session): checks, notices and the classroom (what an instructor did to the
//   learner) → the learner's event stream and the classroom;
// - workshops (by workshop): classroom → the instructor's dashboard stream;
// - workspaces (by sandbox): the workspace (file opened in the editor, or saved) → the
//   instructor's read-only view of that file.
// The HTTP layer streams the keyed channels as server-sent events (http/event-stream.ts).
import type { DashboardEvent } from '../../contract/dashboard.js';
import type { LearnerEvent } from '../../contract/learner-events.js';
import type { WorkspaceEvent } from '../../contract/workspace-view.js';
import type { Logger } from '../log.js';
import { KeyedChannel } from './keyed-channel.js';
import { PromptChannel } from './prompts.js';
import { SandboxChannel } from './sandboxes.js';

/** A dashboard's live events after its snapshot. */
export type WorkshopEvent = Exclude<DashboardEvent, { type: 'snapshot' }>;

export type LearnerChannel = KeyedChannel<LearnerEvent>;
export type WorkshopChannel = KeyedChannel<WorkshopEvent>;
export type WorkspaceChannel = KeyedChannel<WorkspaceEvent>;

export interface Feed {
  prompts: PromptChannel;
  sandboxes: SandboxChannel;
  learners: LearnerChannel;
  workshops: WorkshopChannel;
  /** By sandbox: the file open in its editor changed, or was saved. */
  workspaces: WorkspaceChannel;
  /** Ends every subscription of the keyed channels (the event streams), when the server stops. */
  close(): void;
}

export function createFeed(log: Logger): Feed {
  const learners = new KeyedChannel<LearnerEvent>('learners', log);
  const workshops = new KeyedChannel<WorkshopEvent>('workshops', log);
  const workspaces = new KeyedChannel<WorkspaceEvent>('workspaces', log);
  return {
    prompts: new PromptChannel(),
    sandboxes: new SandboxChannel(),
    learners,
    workshops,
    workspaces,
    close() {
      learners.close();
      workshops.close();
      workspaces.close();
    },
  };
}
