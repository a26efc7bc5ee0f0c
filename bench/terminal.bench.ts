// The terminal's cost over a bare `docker exec`: keystroke → echo latency and output
// throughput through the WebSocket bridge (with flow control and acks, as a browser would),
// against the same measurements on a dockerode exec stream with nothing in between. Also the
// measurement behind the choice of a replay buffer over a headless-xterm snapshot for resume
// (docs/terminal-protocol.md).
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import WebSocket from 'ws';
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';
import { names } from '../sandbox-server/labels.js';
import { ReplayBuffer } from '../sandbox-server/terminal/replay-buffer.js';
import { DEFAULT_TERMINAL_OPTIONS } from '../sandbox-server/terminal/hub.js';
import { percentile, round, startBenchServer, type Bench, type Figures } from './support.js';

const KEYSTROKES = 1200;
const FLOOD_MB = 100;
/** Scrollback of the browser terminal (src/components/Terminal.astro). */
const SCROLLBACK = 5000;

/** A byte pipe to a shell: ours (WebSocket) or the baseline (raw exec stream). */
interface Pipe {
  send(bytes: Buffer): void;
  onData(listener: (chunk: Buffer) => void): void;
  close(): void;
}

async function wsPipe(url: string, cookie: string, tab = 1): Promise<Pipe> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + `/api/session/terminal?tab=${tab}`, { headers: { cookie, origin: url }, perMessageDeflate: false });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const listeners: Array<(chunk: Buffer) => void> = [];
  let seq = 0;
  let acked = 0;
  let ackTimer: NodeJS.Timeout | undefined;
  // The browser client's policy (src/components/TerminalConnection.ts): ack once 4 KiB are
  // drawn, or 20 ms after the last unacknowledged bytes.
  const ack = () => {
    clearTimeout(ackTimer);
    ackTimer = undefined;
    if (seq === acked || ws.readyState !== ws.OPEN) return;
    acked = seq;
    ws.send(`{"type":"ack","seq":${seq}}`);
  };
  const hello = new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer, binary) => {
      if (!binary) {
        const message = JSON.parse(data.toString());
        if (message.type === 'hello') {
          seq = acked = message.seq;
          resolve();
        }
        return;
      }
      seq += data.length;
      for (const listener of listeners) listener(data);
      // A browser acknowledges after drawing; this client "draws" at once.
      if (seq - acked >= 4096) ack();
      else ackTimer ??= setTimeout(ack, 20);
    });
  });
  ws.send(JSON.stringify({ type: 'hello', cols: 120, rows: 40 }));
  await hello;
  return { send: (bytes) => ws.send(bytes, { binary: true }), onData: (l) => listeners.push(l), close: () => (clearTimeout(ackTimer), ws.close()) };
}

async function execPipe(container: Docker.Container): Promise<Pipe> {
  const exec = await container.exec({ Cmd: ['bash', '-l'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Env: ['TERM=xterm-256color'], WorkingDir: '/root/workshop' });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  await exec.resize({ w: 120, h: 40 });
  const listeners: Array<(chunk: Buffer) => void> = [];
  stream.on('data', (chunk: Buffer) => listeners.forEach((l) => l(chunk)));
  return { send: (bytes) => stream.write(bytes), onData: (l) => listeners.push(l), close: () => stream.destroy() };
}

/** Resolves when `needle` appears in the output after this call. */
function waitFor(pipe: Pipe, needle: string, timeoutMs = 120_000): { done: Promise<void>; received: () => number } {
  let text = '';
  let received = 0;
  let settle: (() => void) | undefined;
  let active = true;
  pipe.onData((chunk) => {
    if (!active) return;
    received += chunk.length;
    text = (text + chunk.toString('latin1')).slice(-256);
    if (text.includes(needle)) {
      active = false;
      settle?.();
    }
  });
  const done = new Promise<void>((resolve, reject) => {
    settle = resolve;
    setTimeout(() => active && reject(new Error(`no "${needle}" within ${timeoutMs} ms`)), timeoutMs).unref();
  });
  return { done, received: () => received };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keystroke → echo round trips on a shell prompt, one key at a time. */
async function echoLatencies(pipe: Pipe): Promise<number[]> {
  const ready = waitFor(pipe, 'ready-42');
  pipe.send(Buffer.from('echo ready-$((6*7))\r'));
  await ready.done;
  await sleep(200);
  const samples: number[] = [];
  let expected = '';
  let started = 0;
  let resolveEcho: (() => void) | undefined;
  pipe.onData((chunk) => {
    if (expected && chunk.includes(expected)) {
      samples.push(performance.now() - started);
      expected = '';
      resolveEcho?.();
    }
  });
  for (let i = 0; i < KEYSTROKES; i++) {
    if (i % 40 === 39) {
      pipe.send(Buffer.from('\x15')); // Ctrl-U keeps the line short
      await sleep(5);
    }
    const key = String.fromCharCode(97 + (i % 26));
    const echoed = new Promise<void>((resolve) => (resolveEcho = resolve));
    expected = key;
    started = performance.now();
    pipe.send(Buffer.from(key));
    await echoed;
  }
  pipe.send(Buffer.from('\x15'));
  await sleep(50);
  return samples;
}

/** MB/s of a flood of output, measured where it arrives. */
async function throughput(pipe: Pipe): Promise<number> {
  const end = waitFor(pipe, 'FLOOD-END-42', 300_000);
  const started = performance.now();
  pipe.send(Buffer.from(`yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c ${FLOOD_MB}M; echo FLOOD-END-$((6*7))\r`));
  await end.done;
  const seconds = (performance.now() - started) / 1000;
  return end.received() / 1e6 / seconds;
}

/**
 * Echo on terminal 1 while terminal 2 of the same sandbox floods its output (`yes`): the tab
 * not in use is paced (sandbox-server/terminal/output-pace.ts), so a flood in one must not slow
 * typing in the other. Also the MB/s the flooding tab got meanwhile.
 */
async function echoWithFloodInOtherTab(url: string, cookie: string): Promise<{ echo: number[]; floodMbps: number }> {
  const flood = await wsPipe(url, cookie, 2);
  const typing = await wsPipe(url, cookie, 1);
  try {
    const flooding = waitFor(flood, 'y\r\ny\r\ny');
    flood.send(Buffer.from('yes\r'));
    await flooding.done;
    let flooded = 0;
    flood.onData((chunk) => (flooded += chunk.length));
    const started = performance.now();
    const echo = await echoLatencies(typing);
    return { echo, floodMbps: flooded / 1e6 / ((performance.now() - started) / 1000) };
  } finally {
    flood.send(Buffer.from('\x03'));
    await sleep(200);
    typing.close();
    flood.close();
  }
}

interface PipeFigures {
  echo: number[];
  mbps: number;
}

async function measurePipe(open: () => Promise<Pipe>): Promise<PipeFigures> {
  const pipe = await open();
  try {
    const echo = await echoLatencies(pipe);
    const mbps = await throughput(pipe);
    return { echo, mbps };
  } finally {
    pipe.close();
  }
}

/** Output recorded from the sandbox: colours, long listings, prompts, like a workshop session. */
async function recordSession(url: string, cookie: string): Promise<Buffer> {
  const pipe = await wsPipe(url, cookie);
  const chunks: Buffer[] = [];
  pipe.onData((c) => chunks.push(c));
  const end = waitFor(pipe, 'REC-END-42');
  pipe.send(Buffer.from('for i in 1 2 3; do ls -la --color=always /usr/bin /usr/lib/x86_64-linux-gnu | head -c 600000; docker version; done; echo REC-END-$((6*7))\r'));
  await end.done;
  pipe.close();
  return Buffer.concat(chunks);
}

let gcFunction: (() => void) | undefined;
function gc(): void {
  if (!gcFunction) {
    v8.setFlagsFromString('--expose-gc');
    gcFunction = vm.runInNewContext('gc') as () => void;
  }
  gcFunction();
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

function write(term: headless.Terminal, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

/** Replay buffer against a server-side headless xterm with serialize, on the same output. */
async function compareResume(session: Buffer): Promise<Figures> {
  const copies = 8;
  const options = { cols: 120, rows: 40, scrollback: SCROLLBACK, allowProposedApi: true };

  // Memory: several terminals of each kind holding the same session.
  let before = heapUsed();
  const buffers = Array.from({ length: copies }, () => {
    const buffer = new ReplayBuffer(DEFAULT_TERMINAL_OPTIONS.replayBytes);
    for (let at = 0; at < session.length; at += 4096) buffer.append(session.subarray(at, at + 4096));
    return buffer;
  });
  const replayBytes = (heapUsed() - before) / copies;

  before = heapUsed();
  const snapshots: Array<{ term: headless.Terminal; addon: serialize.SerializeAddon }> = [];
  let parseMs = 0;
  for (let i = 0; i < copies; i++) {
    const term = new headless.Terminal(options);
    const addon = new serialize.SerializeAddon();
    term.loadAddon(addon as never);
    const started = performance.now();
    // As output arrives: many writes, one wait for the last to be parsed.
    for (let at = 0; at + 4096 < session.length; at += 4096) term.write(session.subarray(at, at + 4096));
    await write(term, session.subarray(Math.floor((session.length - 1) / 4096) * 4096));
    parseMs += performance.now() - started;
    snapshots.push({ term, addon });
  }
  const snapshotBytes = (heapUsed() - before) / copies;

  // Restore: what a reconnecting browser must parse, and what the server must do to produce it.
  const replay = buffers[0]!.slice(buffers[0]!.start, buffers[0]!.head);
  let started = performance.now();
  const replayClient = new headless.Terminal(options);
  await write(replayClient, replay);
  const replayRestoreMs = performance.now() - started;

  started = performance.now();
  const serialized = snapshots[0]!.addon.serialize({ scrollback: SCROLLBACK });
  const serializeMs = performance.now() - started;
  const snapshotClient = new headless.Terminal(options);
  await write(snapshotClient, serialized);
  const snapshotRestoreMs = performance.now() - started;

  started = performance.now();
  const appender = new ReplayBuffer(DEFAULT_TERMINAL_OPTIONS.replayBytes);
  for (let round = 0; round < 20; round++) for (let at = 0; at < session.length; at += 4096) appender.append(session.subarray(at, at + 4096));
  const appendMbps = (20 * session.length) / 1e6 / ((performance.now() - started) / 1000);

  for (const { term } of snapshots) term.dispose();
  replayClient.dispose();
  snapshotClient.dispose();
  return {
    'terminal.resume.session_kib': round(session.length / 1024, 0),
    'terminal.resume.replay_kib_per_terminal': round(replayBytes / 1024, 0),
    'terminal.resume.snapshot_kib_per_terminal': round(snapshotBytes / 1024, 0),
    'terminal.resume.replay_restore_ms': round(replayRestoreMs, 1),
    'terminal.resume.replay_restore_kib': round(replay.length / 1024, 0),
    'terminal.resume.snapshot_restore_ms': round(snapshotRestoreMs, 1),
    'terminal.resume.snapshot_serialize_ms': round(serializeMs, 1),
    'terminal.resume.snapshot_restore_kib': round(Buffer.byteLength(serialized) / 1024, 0),
    // Every byte of output costs this much server CPU with a snapshot, a copy with a replay buffer.
    'terminal.resume.snapshot_parse_mb_s': round(session.length / 1e6 / (parseMs / copies / 1000), 1),
    'terminal.resume.replay_append_mb_s': round(appendMbps, 0),
  };
}

const bench: Bench = {
  name: 'terminal: WebSocket bridge vs bare docker exec; replay vs snapshot',
  async run() {
    const server = await startBenchServer();
    try {
      const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
      const view = (await (await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie } })).json()) as { sandbox: { id: string } };
      const container = new Docker().getContainer(names.sandboxContainer(server.config.instance, view.sandbox.id));

      // Alternate, so that neither side gets a warmer sandbox.
      const baseline = await measurePipe(() => execPipe(container));
      const ours = await measurePipe(() => wsPipe(server.url, cookie));
      const baseline2 = await measurePipe(() => execPipe(container));
      const ours2 = await measurePipe(() => wsPipe(server.url, cookie));
      const oursEcho = [...ours.echo, ...ours2.echo];
      const baseEcho = [...baseline.echo, ...baseline2.echo];
      const oursMbps = (ours.mbps + ours2.mbps) / 2;
      const baseMbps = (baseline.mbps + baseline2.mbps) / 2;

      const withFlood = await echoWithFloodInOtherTab(server.url, cookie);
      const resume = await compareResume(await recordSession(server.url, cookie));
      return {
        'terminal.echo_ms.p50': round(percentile(oursEcho, 50), 2),
        'terminal.echo_ms.p99': round(percentile(oursEcho, 99), 2),
        'terminal.throughput_mb_s': round(oursMbps, 1),
        'terminal.baseline_echo_ms.p50': round(percentile(baseEcho, 50), 2),
        'terminal.baseline_echo_ms.p99': round(percentile(baseEcho, 99), 2),
        'terminal.baseline_throughput_mb_s': round(baseMbps, 1),
        'terminal.echo_ratio': round(percentile(oursEcho, 50) / percentile(baseEcho, 50), 2),
        'terminal.throughput_ratio': round(oursMbps / baseMbps, 2),
        'terminal.keystrokes': oursEcho.length,
        'terminal.echo_ms.p50_with_flood_in_other_tab': round(percentile(withFlood.echo, 50), 2),
        'terminal.echo_ms.p99_with_flood_in_other_tab': round(percentile(withFlood.echo, 99), 2),
        'terminal.flood_in_other_tab_mb_s': round(withFlood.floodMbps, 2),
        ...resume,
      };
    } finally {
      await server.dispose();
    }
  },
};

export default bench;
