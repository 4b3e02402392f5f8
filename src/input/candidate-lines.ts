import {
  LAST_FIELD, MAX_WRAPPED_LINES, NOT_AUDITD, PASTE_JOIN_BYTE, SECCOMP_RECORD_MARKERS, TEXT_RECORD_MARKERS, auditdRecordStartInBytes, isContinuationInBytes,
  isWrappedRecordStartInBytes,
} from '../formats/index.js';

/** The markers of every seccomp record form in the registry (src/formats/log-formats.ts). */
const ALL_MARKERS = SECCOMP_RECORD_MARKERS.map((text) => Buffer.from(text));
/** The markers of the text record forms, whose records a paste may wrap (src/formats/pasted-text.ts). */
const WRAPPABLE_MARKERS = TEXT_RECORD_MARKERS.map((text) => Buffer.from(text));
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

const CARRIAGE_RETURN = 0x0d;

/** A line's bytes without the CR a CRLF file ends it with. */
function withoutCarriageReturn(data: Buffer, start: number, end: number): Buffer {
  return data.subarray(start, end > start && data[end - 1] === CARRIAGE_RETURN ? end - 1 : end);
}

/**
 * A record wrapped over several lines (a paste), as one line for the record reader: each of
 * its lines after the join byte, then a newline (src/formats/pasted-text.ts). A record line
 * that nothing went on is passed on as it was.
 */
function joinedRecord(parts: readonly Buffer[]): Buffer {
  if (parts.length === 1) return Buffer.concat([parts[0] as Buffer, LINE_END]);
  const pieces: Buffer[] = [];
  for (const part of parts) pieces.push(JOIN, part);
  pieces.push(LINE_END);
  return Buffer.concat(pieces);
}

const JOIN = Buffer.from([PASTE_JOIN_BYTE]);
const LINE_END = Buffer.from([NEWLINE]);

/** A record line whose next lines may still be its continuation: its lines so far, copied. */
interface WrappedRecord {
  parts: Buffer[];
  /** Set when an overlong line came next: nothing after it goes on the record. */
  closed?: boolean;
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
  /** A wrapped record whose continuation may start the next lines scanned. */
  private wrapped: WrappedRecord | null = null;

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
        this.closeWrapped();
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
    let lines: Buffer | null = null;
    if (this.carry.length > 0) {
      const last = Buffer.concat([this.carry, Buffer.from('\n')]);
      this.carry = Buffer.alloc(0);
      lines = this.linesWithMarkers(last, last.length);
    }
    const wrapped = this.takeWrapped();
    if (!wrapped) return lines;
    return lines ? Buffer.concat([lines, wrapped]) : wrapped;
  }

  /** The wrapped record waiting for its continuation, as it stands, and no more waiting. */
  private takeWrapped(): Buffer | null {
    const wrapped = this.wrapped;
    this.wrapped = null;
    return wrapped ? joinedRecord(wrapped.parts) : null;
  }

  /** Whether the record line at `[start, stop)` (its newline included) lacks its last field. */
  private isIncompleteRecord(data: Buffer, start: number, stop: number): boolean {
    return stop - start - 1 <= this.maxLineBytes && isWrappedRecordStartInBytes(data, start, stop, WRAPPABLE_MARKERS);
  }

  /**
   * Whether the line at `[start, newline)` goes on a wrapped record: no longer than a line may
   * be, not of auditd's shape, holding no marker (`marked`, when the caller knows), and
   * reading as a continuation (src/formats/pasted-text.ts).
   */
  private continues(data: Buffer, start: number, newline: number, marked: boolean | null): boolean {
    if (newline - start > this.maxLineBytes || auditdRecordStartInBytes(data, start, newline) !== NOT_AUDITD) return false;
    if (!isContinuationInBytes(data, start, newline)) return false;
    return !(marked ?? containsMarker(data.subarray(start, newline), this.markers));
  }

  /**
   * Takes the continuation lines of a wrapped record from the start of \`data[0, end)\`, up to
   * MAX_WRAPPED_LINES in all. Returns where the lines not taken start; the record stays
   * waiting only when the lines ran out before it was complete.
   */
  private continueWrapped(wrapped: WrappedRecord, data: Buffer, end: number): { from: number; done: boolean } {
    let from = 0;
    if (wrapped.closed) return { from, done: true };
    while (wrapped.parts.length < MAX_WRAPPED_LINES && from < end) {
      const newline = data.indexOf(NEWLINE, from);
      if (!this.continues(data, from, newline, null)) return { from, done: true };
      wrapped.parts.push(Buffer.from(withoutCarriageReturn(data, from, newline)));
      this.counts.lines++;
      from = newline + 1;
      if ((wrapped.parts[wrapped.parts.length - 1] as Buffer).indexOf(LAST_FIELD) !== -1) return { from, done: true };
    }
    return { from, done: wrapped.parts.length >= MAX_WRAPPED_LINES };
  }

  private endDiscard(): void {
    this.discarding = false;
    this.counts.lines++;
    if (this.discardingHasMarker) this.counts.overlongRecords++;
    this.discardingHasMarker = false;
  }

  /** An overlong line ends any wrapped record: it is no continuation, and what follows it none either. */
  private closeWrapped(): void {
    if (this.wrapped) this.wrapped.closed = true;
  }

  private keepCarry(rest: Buffer): void {
    if (rest.length > this.maxLineBytes) {
      this.closeWrapped();
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
   * looked for. A wrapped record waiting from the lines before takes its continuation from
   * the first lines here, and comes first.
   */
  private linesWithMarkers(whole: Buffer, wholeEnd: number): Buffer | null {
    let data = whole;
    let end = wholeEnd;
    let before: Buffer | null = null;
    if (this.wrapped) {
      const { from, done } = this.continueWrapped(this.wrapped, whole, wholeEnd);
      if (!done) return null;
      before = this.takeWrapped();
      data = whole.subarray(from);
      end = wholeEnd - from;
    }
    const found = this.ownLines(data, end);
    if (!before) return found;
    return found ? Buffer.concat([before, found]) : before;
  }

  private ownLines(data: Buffer, end: number): Buffer | null {
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
    if (!auditdOnly) return this.collectMarkedLines(data, end, this.markers);
    // The last line may be a record whose continuation the next lines hold (a paste).
    const lastStart = records.length > 0 ? (records[records.length - 2] as number) : -1;
    if (lastStart !== -1 && records[records.length - 1] === end && this.isIncompleteRecord(data, lastStart, end)) {
      this.wrapped = { parts: [Buffer.from(withoutCarriageReturn(data, lastStart, end - 1))] };
      records.length -= 2;
    }
    return this.copyLines(data, records);
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
    const pieces: Buffer[] = [];
    let bounds: number[] = [];
    for (const [start, stop] of lines) {
      if (!this.isIncompleteRecord(data, start, stop)) {
        bounds.push(start, stop);
        continue;
      }
      // A record line without its last field: a paste may have wrapped it.
      const parts = [withoutCarriageReturn(data, start, stop - 1)];
      let next = stop;
      while (parts.length < MAX_WRAPPED_LINES && next < end) {
        const newline = data.indexOf(NEWLINE, next);
        if (!this.continues(data, next, newline, lineStarts.has(next))) break;
        parts.push(withoutCarriageReturn(data, next, newline));
        next = newline + 1;
        if ((parts[parts.length - 1] as Buffer).indexOf(LAST_FIELD) !== -1) break;
      }
      const complete = (parts[parts.length - 1] as Buffer).indexOf(LAST_FIELD) !== -1;
      if (next === end && !complete && parts.length < MAX_WRAPPED_LINES) {
        // The lines ran out: the next ones scanned may go on with it.
        this.wrapped = { parts: parts.map((part) => Buffer.from(part)) };
        break;
      }
      if (parts.length === 1) {
        bounds.push(start, stop);
        continue;
      }
      const copied = this.copyLines(data, bounds);
      if (copied) pieces.push(copied);
      bounds = [];
      pieces.push(joinedRecord(parts));
    }
    const copied = this.copyLines(data, bounds);
    if (copied) pieces.push(copied);
    if (pieces.length === 0) return null;
    return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
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
