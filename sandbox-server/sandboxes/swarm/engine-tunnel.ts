// A client of a swarm sandbox's own Docker Engine, with no socket file and no port on the node:
// each connection is an exec of `docker system dial-stdio` in the sandbox, made through the API
// of the node the sandbox runs on (only that node can exec into it). The exec's standard input
// and output carry the HTTP of the inner engine's API; the client speaks it as over any socket.
//
// Why an exec: a node's engine publishes nothing of its containers to the server, and the
// sandboxes of one node must not reach each other's sockets; the node's API, which the server
// holds anyway, is the one way in. A tunnel runs a docker CLI in the sandbox (about 30 MiB while
// it is open), so connections are kept for reuse and closed after a few idle seconds.
import http from 'node:http';
import type { Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import Docker from 'dockerode';

/** How long an idle tunnel is kept for the next request. */
const IDLE_MS = 5000;
/** The CLI inside the sandbox, not the docker-shim, which would wait for an engine it need not. */
const DIAL_STDIO = ['/usr/bin/docker', 'system', 'dial-stdio'];

/**
 * A stream over one exec: what is written goes to the exec's standard input, what is read is its
 * standard output (the engine multiplexes it with standard error, which is dropped here).
 */
class ExecStream extends Duplex {
  private readonly output = new PassThrough();

  constructor(
    private readonly raw: Socket,
    demux: (stream: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream) => void,
  ) {
    super();
    const stderr = new PassThrough();
    stderr.resume();
    demux(raw, this.output, stderr);
    this.output.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) raw.pause();
    });
    raw.on('end', () => this.push(null));
    raw.on('close', () => this.destroy());
    raw.on('error', (err) => this.destroy(err));
    raw.on('timeout', () => this.emit('timeout'));
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.raw.write(chunk, done);
  }

  // The client ending its side must not close the exec's input early: the inner engine would
  // cancel the request it is answering ("context canceled"). The tunnel ends with the stream.
  override _final(done: () => void): void {
    done();
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    this.raw.destroy();
    done(err);
  }

  // What http.Agent asks of a socket it keeps.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  // As net.Socket does: a listener comes with a timeout and goes with its clearing (0), so a
  // kept connection does not gather one per request.
  setTimeout(ms: number, listener?: () => void): this {
    if (listener) {
      if (ms === 0) this.removeListener('timeout', listener);
      else this.once('timeout', listener);
    }
    this.raw.setTimeout(ms);
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** Where a sandbox's container is: the client of its node's engine, and its id there. */
export interface TunnelTarget {
  node: Docker;
  containerId: string;
}

/** Opens tunnels into one sandbox's container, found anew for each (it may be found only later). */
class TunnelAgent extends http.Agent {
  constructor(private readonly target: () => Promise<TunnelTarget>) {
    super({ keepAlive: true, maxSockets: 4, maxFreeSockets: 1, timeout: IDLE_MS });
  }

  // Asynchronous: the agent waits for the callback (an exec takes a round trip to the node).
  override createConnection(_options: http.ClientRequestArgs, created?: (err: Error | null, stream: Duplex) => void): undefined {
    this.open().then(
      (stream) => created?.(null, stream),
      (err: Error) => created?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }

  private async open(): Promise<Duplex> {
    const { node, containerId } = await this.target();
    const exec = await node.getContainer(containerId).exec({ Cmd: DIAL_STDIO, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
    const raw = (await exec.start({ hijack: true, stdin: true })) as unknown as Socket;
    return new ExecStream(raw, (stream, stdout, stderr) => node.modem.demuxStream(stream, stdout, stderr));
  }
}

/**
 * A Docker client of the engine inside a sandbox's container, reached through the API of the
 * node running it; `find` is asked where that is each time a connection opens.
 */
export function tunnelledEngine(find: () => Promise<TunnelTarget>): Docker {
  // docker-modem takes an agent for its requests; dockerode's types do not list the option.
  const options: Docker.DockerOptions & { agent: http.Agent } = { protocol: 'http', host: 'sandbox-engine', port: 2375, agent: new TunnelAgent(find) };
  return new Docker(options);
}
