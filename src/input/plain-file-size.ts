import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isGzip } from './open-input.js';

/**
 * The size of a regular, uncompressed file (gzip told by its first bytes), else null: the
 * total its bytes read can be measured against. Only a regular file is opened: opening a
 * FIFO would take bytes the real reader needs. Null too when it cannot be read; the reader
 * says why.
 */
export function plainFileSize(path: string): number | null {
  try {
    const status = statSync(path);
    if (!status.isFile()) return null;
    const file = openSync(path, 'r');
    try {
      const head = Buffer.alloc(2);
      readSync(file, head, 0, 2, 0);
      return isGzip(head) ? null : status.size;
    } finally {
      closeSync(file);
    }
  } catch {
    return null;
  }
}
