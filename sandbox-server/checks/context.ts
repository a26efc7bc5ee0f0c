// What a check may look at: the sandbox's own engine (one reused client per sandbox), commands
// run inside the sandbox, and the learner's command history. One context per evaluation, so
// that several checks of a step share one `docker ps` worth of reads.
import type Docker from 'dockerode';
import type { EngineState } from '../feed/sandboxes.js';
import type { ExecOptions, ExecResult, SandboxDriver } from '../sandboxes/driver.js';
import type { CommandHistory, ShellCommand } from '../store/commands.js';

export interface CheckContext {
  sandboxId: string;
  engine: Docker;
  /** Where the engine was when the evaluation began: a check that cannot reach it says "starting" rather than failing. */
  engineState: EngineState;
  exec(command: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Commands the learner ran in this sandbox since the lesson was opened, oldest first. */
  commands(): ShellCommand[];
  /** Reads once per evaluation: later calls with the same key get the same promise. */
  memo<T>(key: string, read: () => Promise<T>): Promise<T>;
  now: number;
}

export interface ContextSource {
  driver: Pick<SandboxDriver, 'engine' | 'exec'>;
  history: CommandHistory;
  /** Where the sandbox's engine is (sandboxes/lifecycle/engines.ts); none: ready. */
  engineState?: (sandboxId: string) => EngineState;
}

export function createContext(source: ContextSource, sandboxId: string, commandsSince: number): CheckContext {
  const cache = new Map<string, Promise<unknown>>();
  return {
    sandboxId,
    engine: source.driver.engine(sandboxId),
    engineState: source.engineState?.(sandboxId) ?? 'ready',
    exec: (command, options) => source.driver.exec(sandboxId, command, options),
    commands: () => source.history.since(sandboxId, commandsSince),
    memo<T>(key: string, read: () => Promise<T>): Promise<T> {
      let value = cache.get(key) as Promise<T> | undefined;
      if (!value) {
        value = read();
        cache.set(key, value);
      }
      return value;
    },
    now: Date.now(),
  };
}
