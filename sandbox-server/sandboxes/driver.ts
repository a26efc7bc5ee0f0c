// The contract every sandbox backend fulfils. Kept small on purpose: a Kubernetes driver (one
// pod per sandbox) must be able to implement it with pod create/delete, exec and a port-forward
// to the inner engine.
import type http from 'node:http';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { DomainError } from '../errors.js';

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

export interface ShellSize {
  cols: number;
  rows: number;
}

/**
 * The learner's interactive shell in a sandbox: a login bash on a terminal (pty). Raw bytes both
 * ways; the terminal layer above adds viewers, flow control and replay.
 */
export interface Shell {
  /** Output of the terminal, in order. Register before the first await after openShell. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Fires once, when the shell has ended (exit, kill, or the sandbox went away). */
  onExit(listener: (exit: { code: number | null }) => void): void;
  /** Bytes typed by the learner. */
  write(data: Buffer): void;
  /** Input bytes accepted but not yet taken by the shell (backpressure indicator). */
  readonly pendingInput: number;
  resize(size: ShellSize): void;
  /** Stops reading output; the program writing it blocks once the terminal's buffers fill. */
  pause(): void;
  resume(): void;
  /**
   * Ends the shell and every process of its terminal session. Needed because closing the
   * stream of a docker exec does not end the exec. Resolves once it is gone (or given up on).
   */
  kill(): Promise<void>;
}

/** A sandbox's processes as the host counts them (its nested containers included). */
export interface PidsReading {
  current: number;
  /** The limit (Infinity when there is none). */
  max: number;
  /** Forks refused at the limit so far; only its growth means something. */
  refused: number;
}

/** What the host can read of a sandbox's health without entering it (see sandboxes/monitor.ts). */
export interface SandboxSignals {
  /** Undefined where the host cannot read the sandbox's cgroups. */
  pids: PidsReading | undefined;
  /** Changes each time the sandbox's inner engine starts; null while it has no socket. */
  engine: string | null;
}

export interface BackendSandbox {
  id: string;
  running: boolean;
}

/** Why a sandbox stopped (RestartRecovery.whyStopped). */
export interface StopReason {
  /** In plain words, for its learner: "it was killed", "the machine it ran on, node3, stopped answering". */
  words: string;
  /** It was asked to stop (as an engine shutting down asks every container): it may be revived. */
  asked: boolean;
  /** What holds it cannot be reached (a lost machine): it cannot be revived, only replaced, and waiting helps nobody. */
  unreachable?: boolean;
}

/**
 * What a backend restart means to its sandboxes (the Docker Engine stops every container when
 * it stops): the lifecycle's liveness task revives them instead of ending them.
 */
export interface RestartRecovery {
  /** Starts a stopped sandbox again (its volume kept) and resolves once its engine answers. */
  revive(id: string): Promise<void>;
  /**
   * Why a stopped sandbox stopped, in plain words (exit code, out of memory), and whether it
   * was asked to stop (as an engine shutting down asks every container); undefined while it runs.
   */
  whyStopped(id: string): Promise<StopReason | undefined>;
  /**
   * Whether the backend restarted since the last call (or since prepare); when it has, what
   * sandboxes share (network, firewall, mirror) is set up again before this resolves.
   */
  recoverRestart(): Promise<boolean>;
}

/** What the host can read and do from outside a sandbox (see sandboxes/monitor.ts). */
export interface HostSignals {
  /** Host-side readings of the sandbox's limits and engine: file reads, no exec; undefined when the sandbox is not running. */
  read(id: string): Promise<SandboxSignals | undefined>;
  /** Calls back with the sandbox's id each time the kernel kills a process in it for lack of memory. Returns a stop function. */
  watchOutOfMemory(listener: (sandboxId: string) => void): () => void;
  /**
   * Stops, from outside, the programs the learner's terminals started (not the shells): for a
   * sandbox held at its pids limit, where nothing new starts inside. Resolves with how many.
   */
  stopRunaway(id: string): Promise<number>;
}

/** What the workshop registry's gate needs of the backend (registry/workshop-registry.ts). */
export interface RegistryHost {
  /**
   * The sandbox a request came from, by the address it came from; when that is a relay's (a swarm
   * node's), by the sandbox address the relay says it speaks for. A host without relays ignores
   * `relayedFor`: anyone can write a header.
   */
  sandboxAt(address: string, relayedFor?: string): Promise<string | undefined>;
  /** Runs the listener each time what sandboxes share is set up (prepare, engine restart). */
  whenSharedReady(listener: (network: { gateway: string }) => Promise<void>): void;
  /** Puts a small file where the sandbox's shell reads it (not in the learner's workspace). */
  shareFile(id: string, name: string, text: string): void;
}

/** Where the server reaches the ports a sandbox publishes (the web preview, preview/). */
export interface PreviewHost {
  /** The sandbox's address as the server reaches it; undefined when it has none (gone, stopped). */
  address(id: string): Promise<string | undefined>;
  /** Ports of the sandbox itself (its engine's API) that no preview may reach. */
  readonly reservedPorts: readonly number[];
  /**
   * Present when the server cannot connect to that address itself (a swarm node's bridge is not
   * routed from the server's machine): the agent whose connections to the sandbox's ports go
   * through the machine it runs on. Absent: connections go to the address.
   */
  agent?(id: string, options: http.AgentOptions): http.Agent;
}

/**
 * Sandboxes whose own engine starts after their prompt (the docker driver): a shell works as soon
 * as the sandbox runs, and the engine waits until it is asked to start (by the server, a few at
 * a time, or by the learner's first `docker` command inside).
 */
export interface DeferredEngine {
  /** Asks the sandbox's engine to start, if it has not, and resolves once it answers; throws if it does not in time. */
  start(id: string): Promise<void>;
  /** Whether a command in the sandbox waits for the engine (its learner typed `docker`): it should start next. Cheap (no call into the sandbox). */
  wanted(id: string): boolean;
}

/** A machine that runs sandboxes, as its engine advertises it. */
export interface Machine {
  name: string;
  cpus: number;
  memoryBytes: number;
}

/** What a driver can do beyond the required core; a part that needs one asks for it, never for a driver kind. */
export interface DriverCapabilities {
  restart?: RestartRecovery;
  /** Absent: the engine answers as soon as create resolves. */
  deferredEngine?: DeferredEngine;
  signals?: HostSignals;
  registry?: RegistryHost;
  preview?: PreviewHost;
  /** Host folders whose file systems fill up as sandboxes grow (checked before creating one). */
  storagePaths?(): string[];
  /**
   * The machines sandboxes are spread over, when they are other than this one (a swarm's nodes
   * that take sandboxes now, as last seen): the capacity is theirs, not this machine's.
   */
  machines?(): Machine[];
  /** The machine a sandbox runs on as last seen, when there are several (a swarm node's name); cheap, asks no engine. */
  machineOf?(id: string): string | undefined;
}

/** The driver's part of /healthz. */
export interface DriverDescription {
  driver: string;
  isolated: boolean;
  [detail: string]: unknown;
}

export interface SandboxDriver {
  readonly kind: 'docker' | 'local' | 'fake' | 'swarm';
  /** False for drivers where the learner's shell runs on the host itself. */
  readonly isolated: boolean;
  /** Workspace folder inside the sandbox, where lesson files go and the shell starts. */
  readonly workspace: string;
  /** What it can do beyond the core below. */
  readonly capabilities: DriverCapabilities;
  /** What /healthz says of it (kind, isolation, images...). */
  describe(): DriverDescription;
  /** Gets images, networks and the mirror ready. Idempotent; reports progress lines. */
  prepare(progress: (line: string) => void): Promise<void>;
  /**
   * Gets these Debian packages into the package cache sandboxes' apt reaches, ahead of class;
   * only drivers whose sandboxes have such a cache implement it. Reports through `progress`,
   * never fails the start.
   */
  warmPackages?(packages: string[], progress: (line: string) => void): Promise<void>;
  /**
   * Creates a sandbox and resolves once a shell can start in it; with a deferred engine
   * (capabilities.deferredEngine) that is before its Docker Engine answers.
   */
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
  /**
   * A tar stream of one absolute path in the sandbox (a file, or a folder with what it holds),
   * as the Engine API's archive endpoint gives it; a symbolic link comes as the link itself.
   */
  copyOut(id: string, path: string): Promise<Readable>;
  /** The absolute path of this sandbox's workspace, as its commands see it. */
  workspaceOf(id: string): string;
  /**
   * Starts an interactive login shell (bash with completion, TERM=xterm-256color, in the
   * workspace, with the shell integration that reports finished commands) on a new terminal.
   */
  openShell(id: string, size: ShellSize): Promise<Shell>;
}

export type SandboxErrorCode = 'capacity' | 'not_found' | 'create_failed' | 'engine_unavailable' | 'disk_full';

/** A sandbox could not be had or used; the code (contract/errors.ts) is shown to API clients next to the message. */
export class SandboxError extends DomainError<SandboxErrorCode> {
  constructor(message: string, code: SandboxErrorCode) {
    super(code, message);
  }
}
