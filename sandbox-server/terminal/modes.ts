// Follows the few private terminal modes (DECSET/DECRST, `ESC [ ? n h|l`) that change how the
// screen or the keyboard behave, so that a replay which had to drop its beginning can first put
// the client's terminal in the state it was in at the replay's first byte: inside vim's
// alternate screen, with bracketed paste or application cursor keys on, and so on.
const TRACKED = new Set([
  1, // application cursor keys
  25, // cursor visible (on by default)
  47, 1047, 1049, // alternate screen
  1000, 1002, 1003, 1004, 1006, // mouse and focus reporting
  2004, // bracketed paste
]);
const DEFAULT_ON = new Set([25]);
const CSI_PRIVATE = Buffer.from('\x1b[?');
/** Longest `ESC [ ? 1;2;3 h` worth carrying over a chunk boundary. */
const MAX_SEQUENCE = 32;

interface Change {
  seq: number;
  mode: number;
  on: boolean;
}

export class TerminalModes {
  /** Mode states at `baseSeq` (only those that differ from the default). */
  private base = new Map<number, boolean>();
  private changes: Change[] = [];
  /** An unfinished sequence at the end of the previous chunk, and its sequence number. */
  private carry: Buffer | undefined;
  private carrySeq = 0;

  /** Reads `chunk`, whose first byte has sequence number `seq`. Never changes the bytes. */
  scan(chunk: Buffer, seq: number): void {
    let data = chunk;
    let dataSeq = seq;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      dataSeq = this.carrySeq;
      this.carry = undefined;
    }
    let at = data.indexOf(CSI_PRIVATE);
    while (at >= 0) {
      let i = at + CSI_PRIVATE.length;
      const params: number[] = [];
      let current = -1;
      let final = 0;
      for (; i < data.length && i - at < MAX_SEQUENCE; i++) {
        const byte = data[i]!;
        if (byte >= 0x30 && byte <= 0x39) current = (current < 0 ? 0 : current * 10) + (byte - 0x30);
        else if (byte === 0x3b) { params.push(current); current = -1; }
        else { final = byte; break; }
      }
      if (final === 0) {
        if (i >= data.length) {
          this.keep(data.subarray(at), dataSeq + at);
          break;
        }
        at = data.indexOf(CSI_PRIVATE, at + 1); // too long to be one of ours
        continue;
      }
      params.push(current);
      if (final === 0x68 || final === 0x6c) {
        for (const mode of params) if (TRACKED.has(mode)) this.changes.push({ seq: dataSeq + at, mode, on: final === 0x68 });
      }
      at = data.indexOf(CSI_PRIVATE, i + 1);
    }
    if (!this.carry) {
      // A chunk may end with the start of the marker itself: ESC or ESC [.
      const tail = data.subarray(Math.max(0, data.length - 2));
      const k = tail.lastIndexOf(0x1b);
      if (k >= 0 && CSI_PRIVATE.subarray(0, tail.length - k).equals(tail.subarray(k))) {
        this.keep(tail.subarray(k), dataSeq + data.length - tail.length + k);
      }
    }
  }

  /** Folds changes older than `seq` into the base state; called as the replay buffer drops bytes. */
  forget(seq: number): void {
    let n = 0;
    while (n < this.changes.length && this.changes[n]!.seq < seq) {
      const { mode, on } = this.changes[n]!;
      this.setIn(this.base, mode, on);
      n++;
    }
    if (n) this.changes.splice(0, n);
  }

  /** Escape sequences that put a fresh terminal in the modes in force just before `seq`. */
  preambleAt(seq: number): string {
    const state = new Map(this.base);
    for (const change of this.changes) {
      if (change.seq >= seq) break;
      this.setIn(state, change.mode, change.on);
    }
    return [...state].map(([mode, on]) => `\x1b[?${mode}${on ? 'h' : 'l'}`).join('');
  }

  /** Whether a full-screen program (alternate screen) is showing now. */
  get alternateScreen(): boolean {
    const state = new Map(this.base);
    for (const change of this.changes) this.setIn(state, change.mode, change.on);
    return state.get(1049) === true || state.get(1047) === true || state.get(47) === true;
  }

  private keep(bytes: Buffer, seq: number): void {
    this.carry = Buffer.from(bytes);
    this.carrySeq = seq;
  }

  private setIn(state: Map<number, boolean>, mode: number, on: boolean): void {
    if (on === DEFAULT_ON.has(mode)) state.delete(mode);
    else state.set(mode, on);
  }
}
