import { closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import { WRITTEN_BY, isValidUnitName } from '../systemd/index.js';
import { UsageError } from './exit-code.js';
import { resolveInRoot } from './unit-tree.js';

/** Where units' drop-ins are written, inside the root. */
export const SYSTEM_UNIT_DIRECTORY = '/etc/systemd/system';

export interface DropInWrite {
  path: string;
  /** True when an earlier drop-in of ours was replaced. */
  replaced: boolean;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function startsWithOurMark(path: string): boolean {
  const descriptor = openSync(path, 'r');
  try {
    const head = Buffer.alloc(WRITTEN_BY.length);
    const read = readSync(descriptor, head, 0, head.length, 0);
    return head.subarray(0, read).toString('latin1') === WRITTEN_BY;
  } finally {
    closeSync(descriptor);
  }
}

function failure(error: unknown, path: string): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied (run as root?)' : code === 'EROFS' ? 'read-only file system' : (error as Error).message;
  return new UsageError(`cannot write ${path}: ${why}`);
}

/**
 * Writes a unit's drop-in `/etc/systemd/system/UNIT.d/NAME` under `root` atomically (a
 * temporary file in the same directory, synced, renamed over the target), mode 0644. Refuses
 * an invalid unit name, a drop-in directory or target that is a symbolic link, and a target
 * seccomp-explain did not write. `/etc/systemd/system` is resolved inside the root, so an
 * image's links cannot lead the write out of it.
 */
export function writeDropIn(root: string, unit: string, name: string, text: string): DropInWrite {
  if (!isValidUnitName(unit)) throw new UsageError(`${unit}: not a valid unit name; not writing a drop-in for it`);
  if (!/^[A-Za-z0-9_.-]+\.conf$/.test(name) || name.startsWith('.')) throw new UsageError(`${name}: not a drop-in file name`);
  const unitDirectory = resolveInRoot(root, SYSTEM_UNIT_DIRECTORY);
  if (unitDirectory === null) throw new UsageError(`${posix.join(root, SYSTEM_UNIT_DIRECTORY)} does not exist: is ${root} a systemd root?`);
  const directory = posix.join(root, unitDirectory, `${unit}.d`);
  const path = posix.join(directory, name);
  const directoryStatus = lstatOrNull(directory);
  if (directoryStatus?.isSymbolicLink()) throw new UsageError(`${directory} is a symbolic link: not writing through it`);
  if (directoryStatus && !directoryStatus.isDirectory()) throw new UsageError(`${directory} is not a directory`);
  try {
    if (!directoryStatus) mkdirSync(directory, { mode: 0o755 });
  } catch (error) {
    throw failure(error, directory);
  }
  const target = lstatOrNull(path);
  if (target?.isSymbolicLink()) throw new UsageError(`${path} is a symbolic link: not replacing it`);
  if (target && !target.isFile()) throw new UsageError(`${path} is not a regular file: not replacing it`);
  if (target && !startsWithOurMark(path)) throw new UsageError(`${path} was not written by seccomp-explain: not replacing it (move it away, or merge the lines by hand)`);

  const temporary = posix.join(directory, `.${name}.${process.pid}.tmp`);
  try {
    const descriptor = openSync(temporary, 'wx', 0o644);
    try {
      fchmodSync(descriptor, 0o644); // whatever the umask
      writeSync(descriptor, text);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already gone, or never made.
    }
    throw failure(error, path);
  }
  try {
    const directoryDescriptor = openSync(directory, 'r');
    try {
      fsyncSync(directoryDescriptor);
    } finally {
      closeSync(directoryDescriptor);
    }
  } catch {
    // The rename is done; syncing the directory entry is best effort.
  }
  return { path, replaced: target !== null };
}
