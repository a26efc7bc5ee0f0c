// The last N bytes a terminal printed, addressed by sequence number (the count of bytes printed
// since the shell started). A viewer that reconnects asks for what followed the last byte it
// saw; a new viewer gets everything still held. Memory is bounded by the capacity and starts
// small: the ring grows by doubling only as far as the terminal actually prints.
const INITIAL_BYTES = 16 * 1024;
const NEWLINE = 0x0a;

export class ReplayBuffer {
  private ring: Buffer;
  /** Bytes ever appended: the sequence number of the next byte. */
  private end = 0;
  /** Bytes held (at most the ring's size). */
  private stored = 0;

  constructor(readonly capacity: number) {
    if (capacity < 1024) throw new Error('A replay buffer needs at least 1 KiB.');
    this.ring = Buffer.allocUnsafe(Math.min(INITIAL_BYTES, capacity));
  }

  /** Sequence number of the next byte to be appended. */
  get head(): number {
    return this.end;
  }

  /** Sequence number of the oldest byte still held. */
  get start(): number {
    return this.end - this.stored;
  }

  /** Memory held, in bytes. */
  get allocated(): number {
    return this.ring.length;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.grow(Math.min(this.capacity, this.stored + chunk.length));
    const size = this.ring.length;
    if (chunk.length >= size) {
      // Only the tail survives; place it so that ring offsets stay seq % size.
      const tailStart = this.end + chunk.length - size;
      this.end += chunk.length;
      this.stored = size;
      this.writeAt(tailStart, chunk.subarray(chunk.length - size));
      return;
    }
    this.writeAt(this.end, chunk);
    this.end += chunk.length;
    this.stored = Math.min(size, this.stored + chunk.length);
  }

  /** A copy of the bytes [from, to). Both must lie within [start, head]. */
  slice(from: number, to: number): Buffer {
    if (from < this.start || to > this.end || from > to) throw new RangeError(`replay range ${from}..${to} is outside ${this.start}..${this.end}`);
    const size = this.ring.length;
    const a = from % size;
    const length = to - from;
    if (a + length <= size) return Buffer.from(this.ring.subarray(a, a + length));
    return Buffer.concat([this.ring.subarray(a), this.ring.subarray(0, length - (size - a))], length);
  }

  /**
   * The sequence number just after the first newline at or after `from`, so that a replay that
   * had to drop its beginning starts on a line of its own, not inside an escape sequence or a
   * UTF-8 character. `from` itself when no newline follows within a reasonable distance.
   */
  lineStart(from: number, within = 4096): number {
    const size = this.ring.length;
    const limit = Math.min(this.end, from + within);
    for (let seq = from; seq < limit; seq++) {
      if (this.ring[seq % size] === NEWLINE) return seq + 1;
    }
    return from;
  }

  private writeAt(seq: number, bytes: Buffer): void {
    const size = this.ring.length;
    const at = seq % size;
    const first = Math.min(bytes.length, size - at);
    bytes.copy(this.ring, at, 0, first);
    if (first < bytes.length) bytes.copy(this.ring, 0, first);
  }

  private grow(needed: number): void {
    if (needed <= this.ring.length) return;
    let size = this.ring.length;
    while (size < needed) size = Math.min(this.capacity, size * 2);
    const held = this.slice(this.start, this.end);
    this.ring = Buffer.allocUnsafe(size);
    this.writeAt(this.end - held.length, held);
  }
}
