// A tiny pure-Python wheel, written byte for byte as the wheel specification says (a zip, its
// files stored, a .dist-info with METADATA, WHEEL and a RECORD of SHA-256 digests), so the
// Python index's test needs no build tool and no network. The same inputs give the same bytes.
import crypto from 'node:crypto';
import zlib from 'node:zlib';

/** The DOS date and time of 2026-01-01 00:00, for every entry (a fixed time: the same bytes each run). */
const DOS_TIME = 0;
const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1;

/** A zip of `files`, each stored uncompressed. */
export function storedZip(files: Array<{ name: string; content: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, content } of files) {
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(content.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(content.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, content);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + content.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const digest = (content: Buffer) => `sha256=${crypto.createHash('sha256').update(content).digest('base64url')}`;

/**
 * The wheel of a one-module project: its file name (NAME-VERSION-py3-none-any.whl, the name's
 * dashes as underscores) and its bytes. `module` is the module's source.
 */
export function pureWheel(project: string, version: string, module: string): { filename: string; content: Buffer } {
  const escaped = project.replace(/[-_.]+/g, '_').toLowerCase();
  const info = `${escaped}-${version}.dist-info`;
  const files = [
    { name: `${escaped}/__init__.py`, content: Buffer.from(module) },
    { name: `${info}/METADATA`, content: Buffer.from(`Metadata-Version: 2.1\nName: ${project}\nVersion: ${version}\nSummary: A wheel built by Slipway's tests\n`) },
    { name: `${info}/WHEEL`, content: Buffer.from('Wheel-Version: 1.0\nGenerator: slipway-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n') },
  ];
  const record = [...files.map((f) => `${f.name},${digest(f.content)},${f.content.length}`), `${info}/RECORD,,`].join('\n') + '\n';
  return { filename: `${escaped}-${version}-py3-none-any.whl`, content: storedZip([...files, { name: `${info}/RECORD`, content: Buffer.from(record) }]) };
}
