import { Readable } from 'node:stream';
import split2 from 'split2';
import { CandidateLineFilter, type CandidateLineCounts } from './candidate-lines.js';
import { readInputBytes, type InputSource } from './open-input.js';

export { fileSource, stdinSource, InputError, type InputSource } from './open-input.js';
export { commandSource } from './command-source.js';
export type { CandidateLineCounts } from './candidate-lines.js';

/** Longest line read; longer lines are skipped (and counted when they held a record marker). */
export const MAX_LINE_BYTES = 64 * 1024;

export interface CandidateLines {
  /** The lines that may be seccomp records, in input order, without their newline. */
  lines: AsyncIterable<string>;
  /** What the prefilter saw; complete once `lines` is exhausted. */
  counts: CandidateLineCounts;
}

/** Reads a source and yields only the lines that may hold a seccomp record. */
export function readCandidateLines(
  source: InputSource,
  options: { stdin?: Readable; onProgress?: (bytes: number) => void } = {},
): CandidateLines {
  const filter = new CandidateLineFilter({ maxLineBytes: MAX_LINE_BYTES, onProgress: options.onProgress });
  const stdin = options.stdin;
  const bytes = Readable.from(readInputBytes(source, stdin), { objectMode: false });
  bytes.on('error', (error) => filter.destroy(error));
  const lines = bytes.pipe(filter).pipe(split2());
  filter.on('error', (error) => lines.destroy(error));
  return { lines: lines as AsyncIterable<string>, counts: filter.counts };
}
