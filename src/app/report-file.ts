import { closeSync, fchownSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

/**
 * Writes a report file (`run --json`, `--junit`) as root may be asked to in a directory others
 * can write: a new file beside the target, then renamed over it, so that a link planted at the
 * target is replaced, never followed. Through sudo, the file is the invoking user's.
 */
export function writeReportFile(path: string, text: string): void {
  const target = resolve(path);
  const temporary = posix.join(posix.dirname(target), `.${posix.basename(target)}.${process.pid}.tmp`);
  try {
    const descriptor = openSync(temporary, 'wx', 0o644);
    try {
      writeSync(descriptor, text);
      const uid = process.env.SUDO_UID;
      const gid = process.env.SUDO_GID;
      if (process.getuid?.() === 0 && uid !== undefined && gid !== undefined && /^\d+$/.test(uid) && /^\d+$/.test(gid)) fchownSync(descriptor, Number(uid), Number(gid));
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Not made, or already renamed.
    }
    throw new UsageError(`could not write ${path}: ${(error as Error).message}`);
  }
}
