// The prompts channel: the terminal reports each shell prompt returning (a command finished);
// the check engine re-evaluates on it and records the command.
import { EventEmitter } from 'node:events';

export interface PromptEvent {
  sandboxId: string;
  /** The command line the learner just ran, as bash's history recorded it. */
  command: string;
  exitCode: number;
  at: number;
}

interface PromptEvents {
  prompt: [PromptEvent];
}

export class PromptChannel extends EventEmitter<PromptEvents> {}
