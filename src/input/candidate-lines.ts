import { NOT_AUDITD, SECCOMP_RECORD_MARKERS, auditdRecordStartInBytes } from '../formats/index.js';

/** The markers of every seccomp record form in the registry (src/formats/log-formats.ts). */
const ALL_MARKERS = SECCOMP_RECORD_MARKERS.map((text) => Buffer.from(text));
export const NEWLINE = 0x0a;

export interface CandidateLineCounts {
  bytes: number;
  lines: number;
  /** Lines longer than the bound that held a record marker: skipped, reported. */
  overlongRecords: number;
}

export interface CandidateLineOptions {
  /** Longest line read, in bytes; longer lines are skipped. */
  maxLineBytes: number;
  /** Told the running byte count after every chunk. */
  onProgress?: (bytes: number) => void;
  /**
   * More byte strings that make a line a candidate in logs other than auditd's (which hold
   * only audit records): the markers of the registry's other forms, such as systemd's
   * `status=31/SYS` exit messages, for finding the unit.
   */
  extraMarkers?: readonly string[];
}

function containsMarker(data: Buffer, markers: readonly Buffer[]): boolean {
  return markers.some((marker) => data.indexOf(marker) !== -1);
}

/**
 * The byte-level prefilter: takes raw chunks, returns only the whole lines that hold a
 * record marker (each ending in a newline, copied), and counts what it saw. Looking for the
 * markers in the raw bytes before any string is made is what keeps a 1 GiB audit.log fast:
 * most lines are never framed, decoded or parsed. It keeps no reference to a chunk it was
 * given, so the reader may reuse its buffer.
 */
export class CandidateLineScanner {
  readonly counts: CandidateLineCounts = { bytes: 0, lines: 0, overlongRecords: 0 };
  private readonly maxLineBytes: number;
  private readonly onProgress: ((bytes: number) => void) | undefined;
  private readonly markers: readonly Buffer[];
  private carry: Buffer = Buffer.alloc(0);
  /** True while the rest of an overlong line is being thrown away. */
  private discarding = false;
  private discardingHasMarker = false;

  constructor(options: CandidateLineOptions) {
    this.maxLineBytes = options.maxLineBytes;
    this.onProgress = options.onProgress;
    const extra = options.extraMarkers ?? [];
    this.markers = extra.length > 0 ? [...ALL_MARKERS, ...extra.map((text) => Buffer.from(text))] : ALL_MARKERS;
  }

  /** Scans the next chunk; returns its candidate lines, or null when it has none. */
  scan(chunk: Buffer): Buffer | null {
    this.counts.bytes += chunk.length;
    this.onProgress?.(this.counts.bytes);
    let data = chunk;
    if (this.discarding) {
      const newline = data.indexOf(NEWLINE);
      const dropped = newline === -1 ? data : data.subarray(0, newline);
      this.discardingHasMarker ||= containsMarker(dropped, this.markers);
      if (newline === -1) return null;
      this.endDiscard();
      data = data.subarray(newline + 1);
    }
    const lastNewline = data.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      this.keepCarry(this.carry.length > 0 ? Buffer.concat([this.carry, data]) : data);
      return null;
    }
    const found: Buffer[] = [];
    let bodyStart = 0;
    if (this.carry.length > 0) {
      // The line the last chunk ended in: completed alone, so the chunk itself is never copied.
      const firstNewline = data.indexOf(NEWLINE);
      const completed = Buffer.concat([this.carry, data.subarray(0, firstNewline + 1)]);
      this.carry = Buffer.alloc(0);
      if (completed.length - 1 > this.maxLineBytes) {
        this.counts.lines++;
        if (containsMarker(completed, this.markers)) this.counts.overlongRecords++;
      } else {
        const lines = this.linesWithMarkers(completed, completed.length);
        if (lines) found.push(lines);
      }
      bodyStart = firstNewline + 1;
    }
    const lines = this.linesWithMarkers(data.subarray(bodyStart, lastNewline + 1), lastNewline + 1 - bodyStart);
    if (lines) found.push(lines);
    this.keepCarry(data.subarray(lastNewline + 1));
    if (found.length === 0) return null;
    return found.length === 1 ? (found[0] as Buffer) : Buffer.concat(found);
  }

  /** Ends the input: the last line, if it had no newline, is scanned too. */
  finish(): Buffer | null {
    if (this.discarding) this.endDiscard();
    if (this.carry.length === 0) return null;
    const last = Buffer.concat([this.carry, Buffer.from('\n')]);
    this.carry = Buffer.alloc(0);
    return this.linesWithMarkers(last, last.length);
  }

  private endDiscard(): void {
    this.discarding = false;
    this.counts.lines++;
    if (this.discardingHasMarker) this.counts.overlongRecords++;
    this.discardingHasMarker = false;
  }

  private keepCarry(rest: Buffer): void {
    if (rest.length > this.maxLineBytes) {
      this.discarding = true;
      this.discardingHasMarker = containsMarker(rest, this.markers);
      this.carry = Buffer.alloc(0);
      return;
    }
    this.carry = rest.length === 0 ? Buffer.alloc(0) : Buffer.from(rest);
  }

  /**
   * The candidate lines of `data[0, end)`, which ends on a line boundary, copied. One pass
   * over the line starts counts the lines, tells whether they all have auditd's shape, and
   * notes the ones that are seccomp records (src/formats/auditd-line-shape.ts). When every
   * line has that shape, those are all the records there are, as every form in the registry
   * declares (`auditdShape`), and no marker search is needed; otherwise the markers are
   * looked for.
   */
  private linesWithMarkers(data: Buffer, end: number): Buffer | null {
    let auditdOnly = true;
    let lines = 0;
    const records: number[] = [];
    for (let start = 0; start < end; lines++) {
      const newline = data.indexOf(NEWLINE, start);
      if (auditdOnly && newline > start) {
        const recordStart = auditdRecordStartInBytes(data, start, newline);
        if (recordStart >= 0) records.push(start, newline + 1);
        else if (recordStart === NOT_AUDITD) auditdOnly = false;
      }
      start = newline + 1;
    }
    this.counts.lines += lines;
    if (auditdOnly) return this.copyLines(data, records);
    return this.collectMarkedLines(data, end, this.markers);
  }

  private collectMarkedLines(data: Buffer, end: number, markers: readonly Buffer[]): Buffer | null {
    const lineStarts = new Set<number>();
    const lines: [number, number][] = [];
    for (const marker of markers) {
      let at = data.indexOf(marker);
      while (at !== -1 && at < end) {
        const start = data.lastIndexOf(NEWLINE, at) + 1;
        const stop = data.indexOf(NEWLINE, at);
        if (!lineStarts.has(start)) {
          lineStarts.add(start);
          lines.push([start, stop + 1]);
        }
        at = data.indexOf(marker, stop + 1);
      }
    }
    lines.sort((a, b) => a[0] - b[0]);
    return this.copyLines(data, lines.flat());
  }

  /**
   * Copies out the lines whose starts and ends `bounds` holds in pairs, in order, skipping
   * (and counting) those over the bound. Lines next to each other are copied as one.
   */
  private copyLines(data: Buffer, bounds: readonly number[]): Buffer | null {
    let size = 0;
    for (let index = 0; index < bounds.length; index += 2) {
      const length = (bounds[index + 1] as number) - (bounds[index] as number);
      if (length - 1 > this.maxLineBytes) this.counts.overlongRecords++;
      else size += length;
    }
    if (size === 0) return null;
    const copy = Buffer.allocUnsafe(size);
    let offset = 0;
    let runStart = -1;
    let runEnd = -1;
    for (let index = 0; index < bounds.length; index += 2) {
      const start = bounds[index] as number;
      const stop = bounds[index + 1] as number;
      if (stop - start - 1 > this.maxLineBytes) continue;
      if (start !== runEnd) {
        if (runStart !== -1) offset += data.copy(copy, offset, runStart, runEnd);
        runStart = start;
      }
      runEnd = stop;
    }
    data.copy(copy, offset, runStart, runEnd);
    return copy;
  }
}
