import { resolve } from 'node:path';
import { replaceFile } from './file-replacement.js';
import { sudoInvoker } from './invoking-user.js';
import { UsageError } from './usage-error.js';

/**
 * Writes a report file (`run --json`, `--junit`) as root may be asked to in a directory others
 * can write: a new file beside the target, then renamed over it, so that a link planted at the
 * target is replaced, never followed. Through sudo, the file is the invoking user's.
 */
export function writeReportFile(path: string, text: string): void {
  try {
    replaceFile(resolve(path), text, { mode: 0o644, owner: process.getuid?.() === 0 ? sudoInvoker() : null });
  } catch (error) {
    throw new UsageError(`could not write ${path}: ${(error as Error).message}`);
  }
}
