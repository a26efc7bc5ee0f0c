// A FAKE sandbox driver, for the fast tests only (the co-located *.spec.ts files): sandboxes are
// entries in a map, shells are in-memory pipes, and there is no Docker Engine behind any of it.
// The server never uses it for learners: createDriver() cannot make one and SLIPWAY_DRIVER has
// no value for it; a spec hands it to createSlipwayServer({ driver }) itself. What the real
// drivers do slowly, fail at or lose (a slow or failing create, a sandbox that stops or
// vanishes, an engine restart) a spec makes happen here on purpose, and every call is counted.
// Over 300 lines on purpose: a whole driver in memory, in one file, so a spec's reader finds
// every behaviour the fake can be told to show in one place.
import path from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import type { BackendSandbox, DriverCapabilities, DriverDescription, ExecOptions, ExecResult, SandboxDriver, Shell, ShellSize, StopReason } from '../driver.js';

/** The driver's methods whose calls are counted. */
export type FakeCall = 'prepare' | 'create' | 'destroy' | 'list' | 'adopt' | 'revive' | 'whyStopped' | 'recoverRestart' | 'exec' | 'copyIn' | 'copyOut' | 'openShell';

/** Why a fake sandbox stopped, as whyStopped() reports it. */
export type FakeStop = StopReason;

export interface FakeSandbox {
  id: string;
  running: boolean;
  /** Set while it is stopped. */
  stop: FakeStop | undefined;
  /** Bytes unpacked into it by copyIn(), per destination. */
  copied: Map<string, number>;
  /** The regular files copyIn() unpacked, by absolute path: what copyOut() gives back. */
  files: Map<string, { content: Buffer; mode: number }>;
  shells: Set<FakeShell>;
}

export interface FakeDriverOptions {
  /** False to play a driver whose shells run on the host (as the local driver's do). */
  isolated?: boolean;
  /** Every create() takes this long before it resolves (or fails). */
  createDelayMs?: number;
  /**
   * Sandboxes whose engines start only when asked, as the docker driver's do
   * (capabilities.deferredEngine): a test holds and releases the starts, and says which
   * sandboxes' learners "typed docker".
   */
  deferredEngines?: boolean;
}

const NO_ENGINE = 'the fake driver has no Docker Engine: a test that needs one is an engine test (tests/), not a fast spec';

/** A shell that echoes nothing by itself: a test reads what was typed and writes what the "shell" prints. */
export class FakeShell implements Shell {
  private readonly dataListeners: Array<(chunk: Buffer) => void> = [];
  private readonly exitListeners: Array<(exit: { code: number | null }) => void> = [];
  /** Everything written to it, in order. */
  readonly typed: Buffer[] = [];
  size: ShellSize;
  paused = false;
  exited = false;
  readonly pendingInput = 0;

  constructor(size: ShellSize) {
    this.size = size;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onExit(listener: (exit: { code: number | null }) => void): void {
    this.exitListeners.push(listener);
  }

  write(data: Buffer): void {
    this.typed.push(data);
  }

  resize(size: ShellSize): void {
    this.size = size;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async kill(): Promise<void> {
    this.end(null);
  }

  /** Output of the "shell", as the learner's terminal would get it. */
  print(text: string | Buffer): void {
    const chunk = typeof text === 'string' ? Buffer.from(text) : text;
    for (const listener of this.dataListeners) listener(chunk);
  }

  /** The shell ends by itself (exit, or killed with its sandbox). */
  end(code: number | null): void {
    if (this.exited) return;
    this.exited = true;
    for (const listener of this.exitListeners) listener({ code });
  }
}

export class FakeSandboxDriver implements SandboxDriver {
  readonly kind = 'fake' as const;
  readonly isolated: boolean;
  readonly workspace = '/workspace';
  /** What the "backend" holds, by sandbox id: what list() reports. */
  readonly sandboxes = new Map<string, FakeSandbox>();
  /** How many times each method was called (failed calls included). */
  readonly calls = new Map<FakeCall, number>();
  /** Every create() takes this long; change it at any time. */
  createDelayMs: number;
  /** While true, list() throws as an engine that does not answer does. */
  engineDown = false;
  /** Answers exec(); by default every command succeeds and prints nothing. */
  execHandler: (id: string, command: string[], options: ExecOptions) => ExecResult | Promise<ExecResult> = () => ({ exitCode: 0, stdout: '', stderr: '', timedOut: false, truncated: false });
  /**
   * Restart recovery as a capability object: the fake plays an engine that stops its sandboxes
   * when it restarts, and starts them again on request.
   */
  readonly capabilities: DriverCapabilities = {
    restart: {
      revive: (id: string) => this.revive(id),
      whyStopped: (id: string) => this.whyStopped(id),
      recoverRestart: () => this.recoverRestart(),
    },
  };
  /** With deferredEngines: sandboxes where a command waits for the engine (what wanted() reports). */
  readonly engineWanted = new Set<string>();
  /** With deferredEngines: the sandboxes whose engine starts began, in order. */
  readonly engineStarts: string[] = [];
  private failures: Error[] = [];
  private heldEngines: Array<() => void> | undefined;
  private held: Array<() => void> | undefined;
  private restarted = false;
  private reviveFails = false;

  constructor(options: FakeDriverOptions = {}) {
    this.isolated = options.isolated ?? true;
    this.createDelayMs = options.createDelayMs ?? 0;
    if (options.deferredEngines) {
      this.capabilities.deferredEngine = { start: (id) => this.startEngine(id), wanted: (id) => this.engineWanted.has(id) };
    }
  }

  // --- what a test scripts -------------------------------------------------------------------

  /** How many times `method` was called. */
  count(method: FakeCall): number {
    return this.calls.get(method) ?? 0;
  }

  /** The next `times` creates fail with this message (after their delay), then creates work again. */
  failCreates(times: number, message = 'the fake engine refused to create a sandbox'): void {
    for (let i = 0; i < times; i++) this.failures.push(new Error(message));
  }

  /** Creates started from now on wait until the returned function is called (then each goes on). */
  holdCreates(): () => void {
    const waiting: Array<() => void> = [];
    this.held = waiting;
    return () => {
      if (this.held === waiting) this.held = undefined;
      for (const release of waiting.splice(0)) release();
    };
  }

  /**
   * Engine starts from now on wait until released: the returned function lets the oldest
   * waiting one finish; with 'all', every waiting one, and the hold ends.
   */
  holdEngines(): (all?: 'all') => void {
    const waiting: Array<() => void> = [];
    this.heldEngines = waiting;
    return (all) => {
      if (all && this.heldEngines === waiting) this.heldEngines = undefined;
      for (const release of waiting.splice(0, all ? waiting.length : 1)) release();
    };
  }

  /** The sandbox stops (killed, crashed, or asked to): list() shows it stopped; its shells end. */
  stopSandbox(id: string, why: FakeStop = { words: 'it was killed', asked: false }): void {
    const sandbox = this.must(id);
    sandbox.running = false;
    sandbox.stop = why;
    this.endShells(sandbox, 137);
  }

  /** The sandbox disappears from the backend (its container removed by hand). */
  vanish(id: string): void {
    const sandbox = this.must(id);
    this.endShells(sandbox, null);
    this.sandboxes.delete(id);
  }

  /**
   * The engine restarts: every sandbox stops as asked to, and the next recoverRestart() says the
   * backend restarted. With `reviveFails`, starting them again fails.
   */
  restartEngine(options: { reviveFails?: boolean } = {}): void {
    for (const sandbox of this.sandboxes.values()) {
      sandbox.running = false;
      sandbox.stop = { words: 'it was stopped', asked: true };
      this.endShells(sandbox, 0);
    }
    this.restarted = true;
    this.reviveFails = options.reviveFails ?? false;
  }

  /** Ids of the sandboxes the backend holds, running or not. */
  ids(): string[] {
    return [...this.sandboxes.keys()];
  }

  // --- the driver ----------------------------------------------------------------------------

  describe(): DriverDescription {
    return { driver: this.kind, isolated: this.isolated, fake: true };
  }

  async prepare(progress: (line: string) => void): Promise<void> {
    this.called('prepare');
    progress('sandboxes: FAKE driver (in memory, for the fast tests only)');
  }

  async create(id: string): Promise<void> {
    this.called('create');
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    if (this.createDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.createDelayMs));
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sandboxes.set(id, { id, running: true, stop: undefined, copied: new Map(), files: new Map(), shells: new Set() });
  }

  async destroy(id: string): Promise<void> {
    this.called('destroy');
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    this.sandboxes.delete(id);
    this.endShells(sandbox, null);
  }

  async list(): Promise<BackendSandbox[]> {
    this.called('list');
    if (this.engineDown) throw new Error('connect ENOENT (the fake engine is down)');
    return [...this.sandboxes.values()].map(({ id, running }) => ({ id, running }));
  }

  async adopt(id: string): Promise<void> {
    this.called('adopt');
    const sandbox = this.must(id);
    if (!sandbox.running) throw new Error(`fake sandbox ${id} is not running`);
  }

  // The restart capability's parts (capabilities.restart), public so that a test can also act
  // as a person would (a `docker start` by hand).

  async revive(id: string): Promise<void> {
    this.called('revive');
    const sandbox = this.must(id);
    if (this.reviveFails) throw new Error(`fake sandbox ${id} could not be started again`);
    sandbox.running = true;
    sandbox.stop = undefined;
  }

  async whyStopped(id: string): Promise<FakeStop | undefined> {
    this.called('whyStopped');
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return { words: 'its container was removed', asked: false };
    return sandbox.running ? undefined : sandbox.stop;
  }

  async recoverRestart(): Promise<boolean> {
    this.called('recoverRestart');
    const restarted = this.restarted;
    this.restarted = false;
    return restarted;
  }

  async exec(id: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.called('exec');
    if (!this.sandboxes.get(id)?.running) throw new Error(`fake sandbox ${id} is not running`);
    return this.execHandler(id, command, options);
  }

  engine(_id: string): Docker {
    throw new Error(NO_ENGINE);
  }

  async copyIn(id: string, tar: Readable, destination = this.workspace): Promise<void> {
    this.called('copyIn');
    const sandbox = this.must(id);
    let bytes = 0;
    const extract = tarStream.extract();
    tar.on('data', (chunk: Buffer) => (bytes += chunk.length));
    tar.pipe(extract);
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type === 'file') sandbox.files.set(path.posix.join(destination, entry.header.name), { content: Buffer.concat(chunks), mode: entry.header.mode ?? 0o644 });
    }
    sandbox.copied.set(destination, (sandbox.copied.get(destination) ?? 0) + bytes);
  }

  /** One file copyIn() unpacked, as a tar stream; any other path is missing, as on an engine. */
  async copyOut(id: string, file: string): Promise<Readable> {
    this.called('copyOut');
    const sandbox = this.must(id);
    const found = sandbox.files.get(file);
    if (!found) throw Object.assign(new Error(`(HTTP code 404) no such container - Could not find the file ${file} in container ${id}`), { statusCode: 404 });
    const pack = tarStream.pack();
    pack.entry({ name: path.posix.basename(file), mode: found.mode, size: found.content.length, mtime: new Date() }, found.content);
    pack.finalize();
    return pack as unknown as Readable;
  }

  workspaceOf(_id: string): string {
    return this.workspace;
  }

  async openShell(id: string, size: ShellSize): Promise<FakeShell> {
    this.called('openShell');
    const sandbox = this.must(id);
    if (!sandbox.running) throw new Error(`fake sandbox ${id} is not running`);
    const shell = new FakeShell(size);
    sandbox.shells.add(shell);
    shell.onExit(() => sandbox.shells.delete(shell));
    return shell;
  }

  private async startEngine(id: string): Promise<void> {
    this.must(id);
    this.engineStarts.push(id);
    const held = this.heldEngines;
    if (held) await new Promise<void>((resolve) => held.push(resolve));
    if (!this.sandboxes.get(id)?.running) throw new Error(`fake sandbox ${id} is gone or stopped: its engine cannot start`);
  }

  private must(id: string): FakeSandbox {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw new Error(`no fake sandbox ${id}`);
    return sandbox;
  }

  private endShells(sandbox: FakeSandbox, code: number | null): void {
    for (const shell of [...sandbox.shells]) shell.end(code);
  }

  private called(method: FakeCall): void {
    this.calls.set(method, this.count(method) + 1);
  }
}
