// Runs one command in a container through the Engine API and collects its output.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecOptions, ExecResult } from '../driver.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT = 1024 * 1024;

export async function execInContainer(container: Docker.Container, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  // The Engine API cannot kill an exec; coreutils timeout inside the container can.
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const exec = await container.exec({
    Cmd: ['timeout', '--kill-after=2', `${seconds}`, ...command],
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: options.stdin !== undefined,
    Env: options.env,
    WorkingDir: options.workdir,
    Tty: false,
  });
  const startedAt = Date.now();
  const stream = await exec.start({ hijack: true, stdin: options.stdin !== undefined });
  const stdout = collector(maxBytes);
  const stderr = collector(maxBytes);
  container.modem.demuxStream(stream, stdout.sink, stderr.sink);
  if (options.stdin !== undefined) stream.end(options.stdin);

  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
    // Safety net should the engine never close the stream.
    timer = setTimeout(() => { stream.destroy(); resolve(); }, timeoutMs + 5000);
  });
  try {
    await finished;
  } finally {
    clearTimeout(timer);
  }
  const inspected = await exec.inspect();
  const exitCode = inspected.ExitCode ?? -1;
  return {
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    // 124: timeout sent TERM; 137 after the deadline: it had to KILL.
    timedOut: exitCode === 124 || (exitCode === 137 && Date.now() - startedAt >= timeoutMs) || inspected.Running === true,
    truncated: stdout.truncated() || stderr.truncated(),
  };
}

function collector(maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = false;
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    if (size >= maxBytes) { dropped = true; return; }
    const room = maxBytes - size;
    if (chunk.length > room) { chunk = chunk.subarray(0, room); dropped = true; }
    chunks.push(chunk);
    size += chunk.length;
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8'), truncated: () => dropped };
}
