// One file in and out of a sandbox as a tar stream (the driver's copyIn and copyOut): the only
// way the editor's bytes travel, so no path or content ever goes through a command line.
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';

export interface ArchivedEntry {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  mode: number;
  mtime: Date | undefined;
  uid: number;
  gid: number;
  /** The bytes read (at most `limit`). */
  bytes: Buffer;
  /** Whether `bytes` is the whole file. */
  complete: boolean;
}

/**
 * Reads the first entry of an archive: its header, and up to `limit` bytes of it. The rest of
 * the stream is dropped unread (a huge log stops flowing once its first bytes are in).
 */
export async function readFirstEntry(archive: Readable, limit: number): Promise<ArchivedEntry> {
  const extract = tarStream.extract();
  archive.on('error', (err) => extract.destroy(err));
  archive.pipe(extract);
  try {
    for await (const entry of extract) {
      const { header } = entry;
      const type = header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'directory' ? 'directory' : header.type === 'symlink' ? 'symlink' : 'other';
      const chunks: Buffer[] = [];
      let read = 0;
      if (type === 'file') {
        for await (const chunk of entry) {
          const piece = chunk as Buffer;
          chunks.push(piece.subarray(0, Math.max(0, limit - read)));
          read += piece.length;
          if (read >= limit) break;
        }
      }
      const bytes = Buffer.concat(chunks);
      return {
        type,
        size: header.size ?? 0,
        mode: header.mode ?? 0o644,
        mtime: header.mtime,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        bytes,
        complete: type === 'file' && bytes.length === (header.size ?? 0),
      };
    }
    throw new Error('the sandbox sent an empty archive');
  } finally {
    archive.unpipe(extract);
    archive.destroy();
    extract.destroy();
  }
}

export interface NewEntry {
  /** Relative to where copyIn unpacks it. */
  name: string;
  type: 'file' | 'directory';
  content?: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

/** An archive of one file or folder, ready for copyIn. */
export function packEntry(entry: NewEntry): Readable {
  const pack = tarStream.pack();
  const content = entry.type === 'file' ? (entry.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
  pack.entry({ name: entry.name, type: entry.type, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: new Date(), size: content.length }, content);
  pack.finalize();
  return pack as unknown as Readable;
}
