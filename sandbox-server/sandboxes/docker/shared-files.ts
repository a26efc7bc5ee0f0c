// Reading what a sandbox writes into the folder it shares with the server (its socket folder:
// the engine's state, a command's ask for the engine). Root in the sandbox may put anything
// there, so a file is read only if it is a small regular file: a symbolic link (to a host file,
// read as the server), a FIFO that never answers or an endless file are refused, not followed.
import fs from 'node:fs';

/** Bytes read at most: the files are one short word. */
const MOST_BYTES = 64;

/** The first line of the file, trimmed; undefined when it is missing, empty or not a regular file. */
export function readShortFile(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) return undefined;
    const buffer = Buffer.alloc(MOST_BYTES);
    const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, length).toString('utf8').split('\n')[0]!.trim() || undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Whether the file is there as a regular file (a link or anything else does not count). */
export function hasPlainFile(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false })?.isFile() === true;
}
