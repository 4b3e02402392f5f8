import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** The most a unit file, drop-in, saved `systemctl cat` or saved group table may hold: real ones are a few KiB. */
export const UNIT_FILE_SIZE_LIMIT = 1024 * 1024;

/** A file that was not read, and why, in words fit for `cannot read PATH: WHY` or `skipped PATH: WHY`. */
export class FileNotRead extends Error {
  override name = 'FileNotRead';

  constructor(readonly path: string, readonly why: string) {
    super(`${path}: ${why}`);
  }
}

function kindOf(status: Stats): string {
  if (status.isDirectory()) return 'a directory';
  if (status.isFIFO()) return 'a FIFO';
  if (status.isCharacterDevice()) return 'a character device';
  if (status.isBlockDevice()) return 'a block device';
  if (status.isSocket()) return 'a socket';
  if (status.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function notRegular(path: string, status: Stats): FileNotRead {
  return new FileNotRead(path, `${kindOf(status)}, not a regular file`);
}

function tooLarge(path: string): FileNotRead {
  return new FileNotRead(path, `larger than ${UNIT_FILE_SIZE_LIMIT / 1024 / 1024} MiB, more than any unit file`);
}

function errorWhy(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'a symbolic link';
  return (error as Error).message;
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
    throw new FileNotRead(path, errorWhy(error));
  }
  if (!status.isFile()) throw notRegular(path, status);
  if (status.size > UNIT_FILE_SIZE_LIMIT) throw tooLarge(path);
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.followLinks ? 0 : constants.O_NOFOLLOW));
  } catch (error) {
    throw new FileNotRead(path, errorWhy(error));
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
    throw new FileNotRead(path, errorWhy(error));
  } finally {
    closeSync(descriptor);
  }
}
