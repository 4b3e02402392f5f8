import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { SECCOMP_RECORD_MARKERS, formatsReadBy, markersOf, type LogFormatReader } from '../formats/index.js';
import { CandidateLineScanner, type CandidateLineCounts } from './candidate-lines.js';
import { DocumentFramer, documentFormOf } from './document-framer.js';
import { InputError, readInputBytes, type InputSource } from './open-input.js';
import { PARALLEL_SCAN_MIN_BYTES, parallelScanThreads, scanFileInParallel } from './parallel-file-scan.js';
import { plainFileSize } from './plain-file-size.js';

export { fileSource, stdinSource, isGzip, InputError, type InputSource } from './open-input.js';
export { commandSource } from './command-source.js';
export { followFile, followedFileSource } from './follow-file.js';
export type { CandidateLineCounts } from './candidate-lines.js';
export { plainFileSize } from './plain-file-size.js';
export { DocumentFramer, documentFormOf, type DocumentForm } from './document-framer.js';

/** Longest line read; longer lines are skipped (and counted when they held a record marker). */
export const MAX_LINE_BYTES = 64 * 1024;

const CARRIAGE_RETURN = 0x0d;

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
  /**
   * Readers whose forms' lines are candidates too, by their markers in the registry
   * (src/formats/log-formats.ts); the seccomp record forms' lines always are.
   */
  extraReaders?: readonly LogFormatReader[];
}

/** The markers of the forms `readers` read, beside the seccomp record forms' own. */
function extraMarkersFor(readers: readonly LogFormatReader[] | undefined): readonly string[] | undefined {
  if (!readers) return undefined;
  return markersOf(readers.filter((reader) => reader !== 'seccomp-record').flatMap((reader) => formatsReadBy(reader)));
}

/** Longest multi-line document (json-pretty, a search hit, an export entry) read, compacted. */
export const MAX_DOCUMENT_BYTES = MAX_LINE_BYTES;

/** The first bytes of a file, or none when it cannot be read (the reader says why). */
function startOfFile(path: string, length: number): Buffer {
  try {
    const file = openSync(path, 'r');
    try {
      const head = Buffer.alloc(length);
      return head.subarray(0, readSync(file, head, 0, length, 0));
    } finally {
      closeSync(file);
    }
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * The size of a regular, uncompressed file of lines worth scanning in parallel, else null (a
 * file of multi-line documents is read in order, src/input/document-framer.ts).
 */
function parallelScanSize(path: string): number | null {
  if (parallelScanThreads() < 2) return null;
  const size = plainFileSize(path);
  if (size === null || size < PARALLEL_SCAN_MIN_BYTES) return null;
  return documentFormOf(startOfFile(path, 4096), true) === 'lines' ? size : null;
}

async function* candidateBytes(source: InputSource, scanner: CandidateLineScanner, options: ReadOptions, extraMarkers: readonly string[] | undefined): AsyncGenerator<Buffer> {
  const parallelSize = source.path === null || source.open ? null : parallelScanSize(source.path);
  if (source.path !== null && parallelSize !== null) {
    try {
      yield* scanFileInParallel(source.path, parallelSize, { maxLineBytes: MAX_LINE_BYTES, extraMarkers }, scanner.counts, options.onProgress);
    } catch (error) {
      throw error instanceof InputError ? error : new InputError(source, (error as Error).message);
    }
    return;
  }
  const framer = new DocumentFramer({
    maxDocumentBytes: MAX_DOCUMENT_BYTES,
    markers: [...SECCOMP_RECORD_MARKERS, ...(extraMarkers ?? [])].map((marker) => Buffer.from(marker)),
    onOverlong: () => { scanner.counts.overlongRecords++; },
  });
  const finish = (): Buffer | null => {
    const framed = framer.finish();
    const lines = framed ? scanner.scan(framed) : null;
    const last = scanner.finish();
    return lines && last ? Buffer.concat([lines, last]) : lines ?? last;
  };
  try {
    for await (const chunk of readInputBytes(source, options.stdin)) {
      const framed = framer.frame(chunk);
      const lines = framed ? scanner.scan(framed) : null;
      if (lines) yield lines;
    }
  } catch (error) {
    // Reading failed part way: the lines read before the failure are kept.
    const last = finish();
    if (last) yield last;
    throw error;
  }
  const last = finish();
  if (last) yield last;
}

/**
 * The lines of chunks that each end on a line boundary (as the scanner's do), one array per
 * chunk, without their newline and a CR before it. Each chunk is decoded as a whole: no
 * UTF-8 sequence spans two.
 */
async function* linesOfChunks(chunks: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  for await (const chunk of chunks) {
    const text = chunk.toString('utf8');
    const lines: string[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const end = newline > start && text.charCodeAt(newline - 1) === CARRIAGE_RETURN ? newline - 1 : newline;
      lines.push(text.slice(start, end));
      start = newline + 1;
    }
    if (start < text.length) lines.push(text.slice(start));
    if (lines.length > 0) yield lines;
  }
}

/**
 * Reads a source and yields only the lines that may hold a seccomp record: the scanner
 * drops every other line in the raw bytes and hands on whole lines, which are then split.
 */
export function readCandidateLines(source: InputSource, options: ReadOptions = {}): CandidateLines {
  const extraMarkers = extraMarkersFor(options.extraReaders);
  const scanner = new CandidateLineScanner({ maxLineBytes: MAX_LINE_BYTES, onProgress: options.onProgress, extraMarkers });
  return { batches: linesOfChunks(candidateBytes(source, scanner, options, extraMarkers)), counts: scanner.counts };
}
