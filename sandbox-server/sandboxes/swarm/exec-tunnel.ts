// Connections into a swarm sandbox made through the API of the node running it (only that node
// can exec into it): each is an exec of a command in the sandbox whose standard input and output
// carry the bytes, so an HTTP client speaks over it as over any socket. The sandbox's own engine
// (engine-tunnel.ts) and its published ports (preview-host.ts) are reached this way.
//
// Why an exec: a node's engine publishes nothing of its containers to the server, and the
// sandboxes of one node must not reach each other's sockets or ports; the node's API, which the
// server holds anyway, is the one way in.
import http from 'node:http';
import type { Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import type Docker from 'dockerode';

/**
 * A stream over one exec: what is written goes to the exec's standard input, what is read is its
 * standard output (the engine multiplexes it with standard error, which is dropped here).
 */
class ExecStream extends Duplex {
  private readonly output = new PassThrough();

  constructor(
    private readonly raw: Socket,
    demux: (stream: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream) => void,
    private readonly endCloses: boolean,
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

  // What the client ending its side means depends on the command. For the inner engine's API it
  // must not close the exec's input early: the engine would cancel the request it is answering
  // ("context canceled"), so that tunnel ends with the stream. For a relay to an app's port it is
  // how the app learns its client left (a WebSocket closed at the browser's end): the exec's
  // input ends, and with it the relay.
  override _final(done: () => void): void {
    if (this.endCloses) this.raw.end();
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

/**
 * Opens tunnels into one sandbox's container, found anew for each (it may be found only later):
 * each connection is an exec of `command`, asked with what the connection is for (its port).
 */
export class ExecTunnelAgent extends http.Agent {
  /** Whether the client ending its side ends the exec's input (see ExecStream._final). */
  private readonly endClosesInput: boolean;

  constructor(
    private readonly target: () => Promise<TunnelTarget>,
    private readonly command: (options: http.ClientRequestArgs) => string[],
    options: http.AgentOptions & { endClosesInput: boolean },
  ) {
    super(options);
    this.endClosesInput = options.endClosesInput;
  }

  // Asynchronous: the agent waits for the callback (an exec takes a round trip to the node).
  override createConnection(options: http.ClientRequestArgs, created?: (err: Error | null, stream: Duplex) => void): undefined {
    this.open(options).then(
      (stream) => created?.(null, stream),
      (err: Error) => created?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }

  private async open(options: http.ClientRequestArgs): Promise<Duplex> {
    const { node, containerId } = await this.target();
    const exec = await node.getContainer(containerId).exec({ Cmd: this.command(options), AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
    const raw = (await exec.start({ hijack: true, stdin: true })) as unknown as Socket;
    return new ExecStream(raw, (stream, stdout, stderr) => node.modem.demuxStream(stream, stdout, stderr), this.endClosesInput);
  }
}
