// The prompts channel: the terminal reports each shell prompt returning (a command finished),
// the workspace each file the editor saved; the check engine re-evaluates on both and records
// the command.
import { EventEmitter } from 'node:events';

export interface PromptEvent {
  sandboxId: string;
  /** The command line the learner just ran, as bash's history recorded it. */
  command: string;
  exitCode: number;
  at: number;
}

/** The editor saved a file in a sandbox's workspace: the checks look again, as after a prompt. */
export interface SaveEvent {
  sandboxId: string;
  /** Relative to the workspace. */
  path: string;
  at: number;
}

interface PromptEvents {
  prompt: [PromptEvent];
  saved: [SaveEvent];
}

export class PromptChannel extends EventEmitter<PromptEvents> {}
