import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { UNIT_FILE_SIZE_LIMIT, type FileSkipReason, type UnitPathKind } from '../systemd/index.js';

export { UNIT_FILE_SIZE_LIMIT };

const KIND_WORDS: Record<Exclude<UnitPathKind, 'file' | 'missing'>, string> = {
  directory: 'a directory',
  fifo: 'a FIFO',
  'character-device': 'a character device',
  'block-device': 'a block device',
  socket: 'a socket',
  'symbolic-link': 'a symbolic link',
  other: 'not a regular file',
};

/** Why a file was not read, in words fit for `cannot read PATH: WHY` or `skipped PATH: WHY`. */
export function skipReasonWords(reason: FileSkipReason): string {
  switch (reason.code) {
    case 'not-regular': return `${KIND_WORDS[reason.kind]}, not a regular file`;
    case 'too-large': return `larger than ${reason.limit / 1024 / 1024} MiB, more than any unit file`;
    case 'missing': return 'no such file';
    case 'permission-denied': return 'permission denied';
    case 'error': return reason.message;
  }
}

/** A file that was not read, and why. */
export class FileNotRead extends Error {
  override name = 'FileNotRead';
  readonly why: string;

  constructor(readonly path: string, readonly reason: FileSkipReason) {
    const why = skipReasonWords(reason);
    super(`${path}: ${why}`);
    this.why = why;
  }
}

/** What `status` names (from lstat, fstat or stat). */
export function pathKindOf(status: Stats): UnitPathKind {
  if (status.isFile()) return 'file';
  if (status.isDirectory()) return 'directory';
  if (status.isFIFO()) return 'fifo';
  if (status.isCharacterDevice()) return 'character-device';
  if (status.isBlockDevice()) return 'block-device';
  if (status.isSocket()) return 'socket';
  if (status.isSymbolicLink()) return 'symbolic-link';
  return 'other';
}

function notRegular(path: string, status: Stats): FileNotRead {
  return new FileNotRead(path, { code: 'not-regular', kind: pathKindOf(status) as Exclude<UnitPathKind, 'file' | 'missing'> });
}

function tooLarge(path: string): FileNotRead {
  return new FileNotRead(path, { code: 'too-large', limit: UNIT_FILE_SIZE_LIMIT });
}

function errorReason(error: unknown): FileSkipReason {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { code: 'missing' };
  if (code === 'EACCES' || code === 'EPERM') return { code: 'permission-denied' };
  if (code === 'ELOOP') return { code: 'not-regular', kind: 'symbolic-link' };
  return { code: 'error', message: (error as Error).message };
}

/**
 * Reads a regular file of at most UNIT_FILE_SIZE_LIMIT bytes as UTF-8, or throws FileNotRead.
 * A FIFO, device or socket is never read from: the path is checked with stat before it is
 * opened (opening a device can have effects of its own), opened non-blocking (a FIFO swapped in
 * meanwhile cannot hang the open) and checked again with fstat on what was opened. With
 * `followLinks: false` a final symbolic link is refused (O_NOFOLLOW): for paths already resolved
 * inside an image. The read stops one byte past the limit, whatever the file's size says.
 */
export function readRegularFile(path: string, options: { followLinks: boolean }): string {
  let status: Stats;
  try {
    status = options.followLinks ? statSync(path) : lstatSync(path);
  } catch (error) {
    throw new FileNotRead(path, errorReason(error));
  }
  if (!status.isFile()) throw notRegular(path, status);
  if (status.size > UNIT_FILE_SIZE_LIMIT) throw tooLarge(path);
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.followLinks ? 0 : constants.O_NOFOLLOW));
  } catch (error) {
    throw new FileNotRead(path, errorReason(error));
  }
  try {
    const opened = fstatSync(descriptor);
    if (!opened.isFile()) throw notRegular(path, opened);
    let buffer = Buffer.alloc(Math.min(opened.size, UNIT_FILE_SIZE_LIMIT) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > UNIT_FILE_SIZE_LIMIT) throw tooLarge(path);
        const grown = Buffer.alloc(Math.min(buffer.length * 2, UNIT_FILE_SIZE_LIMIT + 1));
        buffer.copy(grown);
        buffer = grown;
      }
      const read = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (read === 0) return buffer.toString('utf8', 0, length);
      length += read;
    }
  } catch (error) {
    if (error instanceof FileNotRead) throw error;
    throw new FileNotRead(path, errorReason(error));
  } finally {
    closeSync(descriptor);
  }
}
