// What the editor may show of a file's bytes: text or binary, and the version a save is based on.
import crypto from 'node:crypto';

const SNIFF_BYTES = 8192;

/**
 * Binary when the first bytes hold a NUL (no text file does) or the bytes are not UTF-8: an
 * editor that decoded them would write back something else on save.
 */
export function isBinary(bytes: Buffer, complete: boolean): boolean {
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return true;
  // A file cut short may end inside a character: judge only what is surely whole.
  const judged = complete ? bytes : bytes.subarray(0, Math.max(0, bytes.length - 4));
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(judged);
    return false;
  } catch {
    return true;
  }
}

/** The version of a file's bytes: changes whenever they do, whatever the clock says. */
export function versionOf(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
}

/** The version of a file too large to read whole: its size and modification time. */
export function versionOfLarge(size: number, mtime: Date | undefined): string {
  return `large-${size}-${mtime?.getTime() ?? 0}`;
}

/** A size in plain words (1.2 MB, 340 KB, 12 bytes). */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
