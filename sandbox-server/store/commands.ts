// The commands learners ran, as their shell reported them on returning to the prompt. `command`
// checks read them; they are kept per sandbox and bounded, since a `while true` loop of short
// commands must not grow the store without end.
import type { Db } from './database.js';

export interface ShellCommand {
  command: string;
  exitCode: number;
  at: number;
}

/** Newest commands kept per sandbox; older ones are dropped as new ones arrive. */
export const COMMANDS_KEPT = 500;
/** Longest command line stored; a pasted script longer than this is cut. */
const MAX_COMMAND_LENGTH = 4000;

export interface CommandHistory {
  /** Commands run in the sandbox at or after `since`, oldest first. */
  since(sandboxId: string, since: number): ShellCommand[];
}

export class CommandStore implements CommandHistory {
  private added = 0;

  constructor(private readonly db: Db) {}

  add(sandboxId: string, entry: ShellCommand): void {
    this.db
      .prepare(`INSERT INTO shell_commands (sandbox_id, at, command, exit_code) VALUES (?, ?, ?, ?)`)
      .run(sandboxId, entry.at, entry.command.slice(0, MAX_COMMAND_LENGTH), entry.exitCode);
    // Pruning on every insert would double the write cost; every 50th keeps the bound loose
    // but real.
    if (++this.added % 50 === 0) this.prune(sandboxId);
  }

  since(sandboxId: string, since: number): ShellCommand[] {
    const rows = this.db
      .prepare(`SELECT command, exit_code AS exitCode, at FROM shell_commands WHERE sandbox_id = ? AND at >= ? ORDER BY id DESC LIMIT ?`)
      .all(sandboxId, since, COMMANDS_KEPT) as ShellCommand[];
    return rows.reverse();
  }

  prune(sandboxId: string): void {
    this.db
      .prepare(`DELETE FROM shell_commands WHERE sandbox_id = ? AND id <= (SELECT id FROM shell_commands WHERE sandbox_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`)
      .run(sandboxId, sandboxId, COMMANDS_KEPT);
  }
}
