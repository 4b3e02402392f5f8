import { closeSync, constants, lstatSync, mkdirSync, openSync, readSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import { WRITTEN_BY, isValidUnitName } from '../systemd/index.js';
import { UsageError } from './usage-error.js';
import { replaceFile } from './file-replacement.js';
import { resolveInRoot } from './unit-tree.js';

/** Where units' drop-ins are written, inside the root. */
export const SYSTEM_UNIT_DIRECTORY = '/etc/systemd/system';

export interface DropInWrite {
  path: string;
  /** True when an earlier drop-in of ours was replaced. */
  replaced: boolean;
}

/**
 * A drop-in that was not written: refused (not ours, a link, an invalid name) or failed (a file
 * system error). A usage error (one line, exit 2) that says where it would have gone, so that the
 * caller can still print the drop-in's text for the user to apply by hand.
 */
export class DropInNotWritten extends UsageError {
  override name = 'DropInNotWritten';

  constructor(readonly path: string, message: string) {
    super(message);
  }
}

const WHY_BY_CODE: Readonly<Record<string, string>> = {
  EACCES: 'permission denied (run as root?)',
  EPERM: 'permission denied (run as root?)',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  EIO: 'input/output error',
};

function failure(error: unknown, path: string, doing: 'read' | 'write', target: string): DropInNotWritten {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) throw error;
  return new DropInNotWritten(target, `cannot ${doing} ${path}: ${WHY_BY_CODE[code] ?? (error as Error).message}`);
}

function lstatOrNull(path: string, target: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw failure(error, path, 'write', target);
  }
}

function startsWithOurMark(path: string): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    throw failure(error, path, 'read', path);
  }
  try {
    const head = Buffer.alloc(WRITTEN_BY.length);
    const read = readSync(descriptor, head, 0, head.length, 0);
    return head.subarray(0, read).toString('latin1') === WRITTEN_BY;
  } catch (error) {
    throw failure(error, path, 'read', path);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Writes a unit's drop-in `/etc/systemd/system/UNIT.d/NAME` under `root` atomically (a
 * temporary file in the same directory, synced, renamed over the target), mode 0644. Refuses
 * an invalid unit name, a drop-in directory or target that is a symbolic link, and a target
 * seccomp-explain did not write. `/etc/systemd/system` is resolved inside the root, so an
 * image's links cannot lead the write out of it.
 */
export function writeDropIn(root: string, unit: string, name: string, text: string): DropInWrite {
  const intended = posix.join(root, SYSTEM_UNIT_DIRECTORY, `${unit}.d`, name);
  if (!isValidUnitName(unit)) throw new DropInNotWritten(intended, `${unit}: not a valid unit name; not writing a drop-in for it`);
  if (!/^[A-Za-z0-9_.-]+\.conf$/.test(name) || name.startsWith('.')) throw new DropInNotWritten(intended, `${name}: not a drop-in file name`);
  let unitDirectory: string | null;
  try {
    unitDirectory = resolveInRoot(root, SYSTEM_UNIT_DIRECTORY);
  } catch (error) {
    throw failure(error, posix.join(root, SYSTEM_UNIT_DIRECTORY), 'read', intended);
  }
  if (unitDirectory === null) throw new DropInNotWritten(intended, `${posix.join(root, SYSTEM_UNIT_DIRECTORY)} does not exist: is ${root} a systemd root?`);
  const directory = posix.join(root, unitDirectory, `${unit}.d`);
  const path = posix.join(directory, name);
  const directoryStatus = lstatOrNull(directory, path);
  if (directoryStatus?.isSymbolicLink()) throw new DropInNotWritten(path, `${directory} is a symbolic link: not writing through it`);
  if (directoryStatus && !directoryStatus.isDirectory()) throw new DropInNotWritten(path, `${directory} is not a directory`);
  try {
    if (!directoryStatus) mkdirSync(directory, { mode: 0o755 });
  } catch (error) {
    throw failure(error, directory, 'write', path);
  }
  const target = lstatOrNull(path, path);
  if (target?.isSymbolicLink()) throw new DropInNotWritten(path, `${path} is a symbolic link: not replacing it`);
  if (target && !target.isFile()) throw new DropInNotWritten(path, `${path} is not a regular file: not replacing it`);
  if (target && !startsWithOurMark(path)) throw new DropInNotWritten(path, `${path} was not written by seccomp-explain: not replacing it (move it away, or merge the lines by hand)`);

  try {
    replaceFile(path, text, { mode: 0o644, exactMode: true, durable: true });
  } catch (error) {
    throw failure(error, path, 'write', path);
  }
  return { path, replaced: target !== null };
}
