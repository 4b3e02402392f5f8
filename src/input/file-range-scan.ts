import { closeSync, openSync, readSync } from 'node:fs';
import { CandidateLineScanner, NEWLINE, type CandidateLineCounts, type CandidateLineOptions } from './candidate-lines.js';

/** A byte range of a file whose lines one scanner owns: the lines that start inside it. */
export interface FileRange {
  path: string;
  start: number;
  end: number;
}

/** How a range's lines are scanned: the scanner's options a worker thread can be sent. */
export type ScanSettings = Pick<CandidateLineOptions, 'maxLineBytes' | 'extraMarkers'>;

const RANGE_READ_BYTES = 1024 * 1024;

/** What scanning one chunk of a range found. */
export interface RangeChunkResult {
  /** The chunk's candidate lines, copied, or null. */
  lines: Buffer | null;
  /** Bytes of the range scanned so far. */
  bytesRead: number;
}

/**
 * Scans the lines that start in `[start, end)` of a file: skips the tail of the line that
 * straddles `start` (the previous range owns it) and reads past `end` to finish the last
 * line. Yields after every chunk; returns the counts. Synchronous, for a worker thread or
 * for the reader's own share of the file.
 */
export function* scanFileRange(range: FileRange, scan: ScanSettings): Generator<RangeChunkResult, CandidateLineCounts> {
  const scanner = new CandidateLineScanner(scan);
  if (range.start >= range.end) return scanner.counts;
  const file = openSync(range.path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(RANGE_READ_BYTES);
    // Starting one byte early tells whether `start` is itself a line start.
    let position = range.start === 0 ? 0 : range.start - 1;
    let skipping = range.start !== 0;
    for (;;) {
      const bytesRead = readSync(file, buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      let chunk = buffer.subarray(0, bytesRead);
      const chunkStart = position;
      position += bytesRead;
      if (skipping) {
        const newline = chunk.indexOf(NEWLINE);
        if (newline === -1) continue;
        skipping = false;
        chunk = chunk.subarray(newline + 1);
        if (chunkStart + newline + 1 >= range.end) break;
      }
      const chunkOffset = position - chunk.length;
      let last = false;
      if (position >= range.end) {
        // The range's last line ends at the first newline at or after end - 1.
        const from = Math.max(0, range.end - 1 - chunkOffset);
        const newline = chunk.indexOf(NEWLINE, from);
        if (newline !== -1) {
          chunk = chunk.subarray(0, newline + 1);
          last = true;
        }
      }
      yield { lines: scanner.scan(chunk), bytesRead: scanner.counts.bytes };
      if (last) break;
    }
    yield { lines: scanner.finish(), bytesRead: scanner.counts.bytes };
    return scanner.counts;
  } finally {
    closeSync(file);
  }
}
