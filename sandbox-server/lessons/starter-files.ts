// A lesson's starter files as a tar stream, for driver.copyIn. Owned by root in the archive
// (the learner's shell is root in the sandbox), whoever owns them on this machine.
import type { Readable } from 'node:stream';
import tar from 'tar-fs';

export function starterFilesTar(dir: string): Readable {
  return tar.pack(dir, {
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: 'root', gname: 'root' }),
  }) as unknown as Readable;
}
