import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import split2 from 'split2';
import { CandidateLineScanner, type CandidateLineCounts } from './candidate-lines.js';
import { InputError, isGzip, readInputBytes, type InputSource } from './open-input.js';
import { PARALLEL_SCAN_MIN_BYTES, parallelScanThreads, scanFileInParallel } from './parallel-file-scan.js';

export { fileSource, stdinSource, isGzip, InputError, type InputSource } from './open-input.js';
export { commandSource } from './command-source.js';
export { followFile, followedFileSource } from './follow-file.js';
export type { CandidateLineCounts } from './candidate-lines.js';

/** Longest line read; longer lines are skipped (and counted when they held a record marker). */
export const MAX_LINE_BYTES = 64 * 1024;

export interface CandidateLines {
  /**
   * The lines that may be seccomp records, in input order, without their newline: as many at
   * a time as are framed, so that a caller waits once per chunk read, not once per line.
   */
  batches: AsyncIterable<string[]>;
  /** What the prefilter saw; complete once `batches` is exhausted. */
  counts: CandidateLineCounts;
}

export interface ReadOptions {
  stdin?: Readable;
  /** Told the running byte count after every chunk read. */
  onProgress?: (bytes: number) => void;
  /** More markers that make a line a candidate (CandidateLineOptions.extraMarkers). */
  extraMarkers?: readonly string[];
}

/**
 * The size of a regular, uncompressed file worth scanning in parallel, else null. Only a
 * regular file is opened here: opening a FIFO would take bytes the real reader needs.
 */
async function parallelScanSize(path: string): Promise<number | null> {
  if (parallelScanThreads() < 2) return null;
  try {
    const status = await stat(path);
    if (!status.isFile() || status.size < PARALLEL_SCAN_MIN_BYTES) return null;
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(2);
      await handle.read(head, 0, 2, 0);
      return isGzip(head) ? null : status.size;
    } finally {
      await handle.close();
    }
  } catch {
    return null; // The sequential reader reports why the file cannot be read.
  }
}

async function* candidateBytes(source: InputSource, scanner: CandidateLineScanner, options: ReadOptions): AsyncGenerator<Buffer> {
  const parallelSize = source.path === null || source.open ? null : await parallelScanSize(source.path);
  if (source.path !== null && parallelSize !== null) {
    try {
      yield* scanFileInParallel(source.path, parallelSize, { maxLineBytes: MAX_LINE_BYTES, extraMarkers: options.extraMarkers }, scanner.counts, options.onProgress);
    } catch (error) {
      throw error instanceof InputError ? error : new InputError(source, (error as Error).message);
    }
    return;
  }
  for await (const chunk of readInputBytes(source, options.stdin)) {
    const lines = scanner.scan(chunk);
    if (lines) yield lines;
  }
  const last = scanner.finish();
  if (last) yield last;
}

/**
 * What an object stream has ready, in one array per wait: every object it buffered since the
 * last. Ends with the stream, throws its error, and destroys it when the caller stops early.
 */
async function* readyBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  let wake: (() => void) | null = null;
  let ended = false;
  let failure: { error: Error } | null = null;
  const signal = (): void => {
    wake?.();
    wake = null;
  };
  const onEnd = (): void => {
    ended = true;
    signal();
  };
  const onError = (error: Error): void => {
    failure = { error };
    signal();
  };
  stream.on('readable', signal);
  stream.on('end', onEnd);
  stream.on('error', onError);
  try {
    for (;;) {
      const batch: T[] = [];
      for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) batch.push(item);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failure !== null) throw (failure as { error: Error }).error;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.off('readable', signal);
    stream.off('end', onEnd);
    stream.off('error', onError);
    if (!ended) stream.destroy();
  }
}

/**
 * Reads a source and yields only the lines that may hold a seccomp record: the scanner
 * drops every other line in the raw bytes, and split2 frames what remains into lines.
 */
export function readCandidateLines(source: InputSource, options: ReadOptions = {}): CandidateLines {
  const scanner = new CandidateLineScanner({ maxLineBytes: MAX_LINE_BYTES, onProgress: options.onProgress, extraMarkers: options.extraMarkers });
  const bytes = Readable.from(candidateBytes(source, scanner, options), { objectMode: false });
  const lines = bytes.pipe(split2());
  bytes.on('error', (error) => lines.destroy(error));
  return { batches: readyBatches<string>(lines), counts: scanner.counts };
}
