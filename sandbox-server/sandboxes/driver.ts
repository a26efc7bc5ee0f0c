// The contract every sandbox backend fulfils. Kept small on purpose: a Kubernetes driver (one
// pod per sandbox) must be able to implement it with pod create/delete, exec and a port-forward
// to the inner engine.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

export interface ExecOptions {
  /** Killed after this long; the result then says timedOut. Default 30 s. */
  timeoutMs?: number;
  /** Piped to the command's standard input, then closed. */
  stdin?: string | Buffer;
  env?: string[];
  workdir?: string;
  /** Output beyond this many bytes per stream is dropped (the result says truncated). */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  truncated: boolean;
}

export interface BackendSandbox {
  id: string;
  running: boolean;
}

export interface SandboxDriver {
  readonly kind: 'docker' | 'local';
  /** False for drivers where the learner's shell runs on the host itself. */
  readonly isolated: boolean;
  /** Workspace folder inside the sandbox, where lesson files go and the shell starts. */
  readonly workspace: string;
  /** Gets images, networks and the mirror ready. Idempotent; reports progress lines. */
  prepare(progress: (line: string) => void): Promise<void>;
  /** Creates a sandbox and resolves once its Docker Engine answers. */
  create(id: string): Promise<void>;
  /** Removes the sandbox and everything made for it. Safe to call for a sandbox already gone. */
  destroy(id: string): Promise<void>;
  /** Every sandbox of this installation the backend holds, including half-created leftovers. */
  list(): Promise<BackendSandbox[]>;
  /** Resolves once the sandbox's engine answers again (after a server restart), or throws. */
  adopt(id: string): Promise<void>;
  /** Runs a command inside the sandbox (not through the learner's shell). */
  exec(id: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  /** A client for the sandbox's own Docker Engine, for state reads without spawning CLIs. */
  engine(id: string): Docker;
  /** Unpacks a tar stream into a folder of the sandbox (default: the workspace). */
  copyIn(id: string, tar: Readable, destination?: string): Promise<void>;
}

export class SandboxError extends Error {
  constructor(
    message: string,
    /** Machine-readable cause, shown to API clients next to the message. */
    readonly code: 'capacity' | 'not_found' | 'create_failed' | 'engine_unavailable' | 'disk_full',
  ) {
    super(message);
  }
}
