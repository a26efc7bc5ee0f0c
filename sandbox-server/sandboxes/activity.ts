// What happens in sandboxes, as events other parts react to: the terminal reports a shell
// prompt returning (a command finished); the check engine re-evaluates on it.
import { EventEmitter } from 'node:events';

export interface PromptEvent {
  sandboxId: string;
  /** The command line the learner just ran, as bash's history recorded it. */
  command: string;
  exitCode: number;
  at: number;
}

interface ActivityEvents {
  prompt: [PromptEvent];
}

export class SandboxActivity extends EventEmitter<ActivityEvents> {}
