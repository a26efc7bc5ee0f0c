// Finds the shell integration's private OSC sequences (`ESC ] 6973 ; ... BEL`, see
// images/sandbox/shell-integration.bash) in terminal output, hands their payload over, and
// removes them from what viewers see. Works across chunk boundaries: a sequence may be split
// anywhere, even inside its marker.
const MARKER = Buffer.from('\x1b]6973;');
const BEL = 0x07;
const ESC = 0x1b;
const BACKSLASH = 0x5c;
/** A payload longer than this is not ours (or is abuse): it is dropped, still unseen. */
const MAX_PAYLOAD = 256 * 1024;

export class IntegrationParser {
  /** Bytes that might be the beginning of the marker, held until the next chunk decides. */
  private held: Buffer | undefined;
  private inside = false;
  /** Inside a sequence, the previous chunk ended with ESC (maybe the start of ESC \). */
  private pendingEsc = false;
  private payload: Buffer[] = [];
  private payloadSize = 0;
  private overflow = false;

  constructor(private readonly onSignal: (payload: string) => void) {}

  /** True while bytes are held back waiting for the next chunk. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Returns the bytes of `chunk` that viewers should see (possibly several pieces). */
  push(chunk: Buffer): Buffer[] {
    let data = chunk;
    if (this.held) {
      data = Buffer.concat([this.held, chunk]);
      this.held = undefined;
    }
    const visible: Buffer[] = [];
    let pos = 0;
    if (this.pendingEsc && data.length > 0) {
      // The previous chunk ended inside a sequence with ESC: ST (ESC \) or the sequence was cut
      // short and that ESC starts ordinary output.
      this.pendingEsc = false;
      if (data[0] === BACKSLASH) pos = this.finish(1);
      else {
        this.abandon();
        data = Buffer.concat([Buffer.from([ESC]), data]);
      }
    }
    while (pos < data.length) {
      if (this.inside) {
        pos = this.consumePayload(data, pos);
        continue;
      }
      const at = data.indexOf(MARKER, pos);
      if (at < 0) {
        const partial = this.partialMarkerAt(data, pos);
        if (partial < data.length) this.held = Buffer.from(data.subarray(partial));
        if (partial > pos) visible.push(data.subarray(pos, partial));
        break;
      }
      if (at > pos) visible.push(data.subarray(pos, at));
      this.inside = true;
      pos = at + MARKER.length;
    }
    return visible;
  }

  /** Gives up waiting: the held bytes were not a marker after all (or the stream paused). */
  flush(): Buffer | undefined {
    const held = this.held;
    this.held = undefined;
    return held;
  }

  /** Reads payload bytes from `pos`; returns where ordinary output resumes. */
  private consumePayload(data: Buffer, pos: number): number {
    for (let i = pos; i < data.length; i++) {
      const byte = data[i]!;
      if (byte === BEL) {
        this.collect(data.subarray(pos, i));
        return this.finish(i + 1);
      }
      if (byte === ESC) {
        this.collect(data.subarray(pos, i));
        if (i + 1 >= data.length) {
          this.pendingEsc = true;
          return data.length;
        }
        if (data[i + 1] === BACKSLASH) return this.finish(i + 2);
        this.abandon();
        return i;
      }
    }
    this.collect(data.subarray(pos));
    return data.length;
  }

  private collect(bytes: Buffer): void {
    if (this.overflow || bytes.length === 0) return;
    this.payloadSize += bytes.length;
    if (this.payloadSize > MAX_PAYLOAD) {
      this.overflow = true;
      this.payload = [];
      return;
    }
    this.payload.push(Buffer.from(bytes));
  }

  private finish(next: number): number {
    const payload = this.overflow ? undefined : Buffer.concat(this.payload).toString('latin1');
    this.abandon();
    if (payload !== undefined) this.onSignal(payload);
    return next;
  }

  private abandon(): void {
    this.inside = false;
    this.payload = [];
    this.payloadSize = 0;
    this.overflow = false;
  }

  /**
   * Where a possible beginning of the marker starts at the end of `data` (from `pos` on), or
   * data.length when the tail cannot be one.
   */
  private partialMarkerAt(data: Buffer, pos: number): number {
    const from = Math.max(pos, data.length - (MARKER.length - 1));
    for (let k = data.indexOf(ESC, from); k >= 0; k = data.indexOf(ESC, k + 1)) {
      if (MARKER.subarray(0, data.length - k).equals(data.subarray(k))) return k;
    }
    return data.length;
  }
}
