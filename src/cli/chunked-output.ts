import { once } from 'node:events';

const WRITE_SIZE = 1 << 20;

/**
 * Writes rendered text that comes in chunks, about a megabyte per write, waiting while the
 * stream is full: the output of a hundred thousand denials is never all in memory at once.
 */
export async function writeChunks(chunks: Iterable<string>, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  let pending = '';
  for (const chunk of chunks) {
    pending += chunk;
    if (pending.length < WRITE_SIZE) continue;
    const full = !stream.write(pending);
    pending = '';
    if (full) await once(stream, 'drain');
  }
  if (pending !== '') stream.write(pending);
}
