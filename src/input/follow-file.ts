import { open, stat, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { InputSource } from './open-input.js';

const FOLLOW_READ_BYTES = 1024 * 1024;
/** How often a file at its end is looked at again. */
export const FOLLOW_POLL_MS = 250;

async function openOrNull(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * A growing file's bytes, like `tail -F` from the first byte: what is there, then what is
 * appended. A rotation (the name now leads to another file) is followed once the old file is
 * read to its end; a truncation starts the file over; a file that is missing is waited for.
 * Ends when `signal` aborts, after the bytes already read are handed on.
 *
 * `waitForMore`: how long to wait before looking again, when the file is read to its end (or
 * missing), in ms; or a function that resolves when it is time to look again (tests change
 * the file there, each change made while nothing of the file is left unread).
 */
export async function* followFile(
  path: string, signal: AbortSignal, waitForMore: number | ((signal: AbortSignal) => Promise<void>) = FOLLOW_POLL_MS,
): AsyncGenerator<Buffer> {
  const wait = typeof waitForMore === 'number' ? (): Promise<void> => pause(waitForMore, signal) : (): Promise<void> => waitForMore(signal);
  let handle: FileHandle | null = null;
  let position = 0;
  const buffer = Buffer.alloc(FOLLOW_READ_BYTES);
  try {
    while (!signal.aborted) {
      if (handle === null) {
        handle = await openOrNull(path);
        position = 0;
        if (handle === null) {
          await wait();
          continue;
        }
      }
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield Buffer.from(buffer.subarray(0, bytesRead));
        continue;
      }
      // At the end: has the file been truncated, or the name given to a new file?
      const [current, named] = await Promise.all([handle.stat(), stat(path).catch(() => null)]);
      if (current.size < position) {
        position = 0;
        continue;
      }
      if (named !== null && (named.ino !== current.ino || named.dev !== current.dev)) {
        await handle.close();
        handle = null;
        continue;
      }
      await wait();
    }
  } finally {
    await handle?.close();
  }
}

/** A followed file as an input source (`watch FILE`). */
export function followedFileSource(path: string, signal: AbortSignal): InputSource {
  return { label: path, path: null, open: () => Readable.from(followFile(path, signal), { objectMode: false }) };
}
