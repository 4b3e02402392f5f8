import type { Readable } from 'node:stream';
import { EventDeduplicator, denialPredicate, type DenialFilter, type ExplainStats } from '../analysis/index.js';
import { decodeRecord, type DecodeOptions, type Denial } from '../decode/index.js';
import { InputError, readCandidateLines, type InputSource } from '../input/index.js';
import { isMalformed, parseRecordLine, parseUnitExitLine, type UnitExitRecord } from '../records/index.js';

export interface ReadDenialsOptions {
  decode: DecodeOptions;
  filter: DenialFilter;
  now: number;
  stdin?: Readable;
  /** Told the running byte count of the current source, for a progress line. */
  onBytes?: (source: InputSource, bytes: number) => void;
  /** Told of each source as its reading starts: every denial yielded after it, until the next, is of that source. */
  onSource?: (source: InputSource) => void;
  /** Told of a source that cannot be read; reading goes on with the next one. */
  onInputError: (error: InputError) => void;
  /** When given, told of every journal entry that reports a unit's process dying of SIGSYS. */
  onUnitExit?: (exit: UnitExitRecord) => void;
}

/**
 * Wires the stages for one run: bytes → candidate lines → records → denials, once per event,
 * narrowed by the filter, in batches as the lines arrive. Counts go into `stats` as they happen.
 */
export async function* readDenialBatches(sources: InputSource[], options: ReadDenialsOptions, stats: ExplainStats): AsyncGenerator<Denial[]> {
  const deduplicator = new EventDeduplicator();
  const keep = denialPredicate(options.filter);
  const context = { now: options.now };
  for (const source of sources) {
    options.onSource?.(source);
    const onBytes = options.onBytes;
    const candidates = readCandidateLines(source, {
      stdin: options.stdin,
      onProgress: onBytes ? (bytes) => onBytes(source, bytes) : undefined,
      extraReaders: options.onUnitExit ? ['unit-exit'] : undefined,
    });
    try {
      for await (const lines of candidates.batches) {
        const denials: Denial[] = [];
        for (const line of lines) {
          const reading = parseRecordLine(line, context);
          if (reading === null) {
            const exit = options.onUnitExit ? parseUnitExitLine(line, options.now) : null;
            if (exit) options.onUnitExit?.(exit);
            continue;
          }
          if (isMalformed(reading)) {
            stats.malformed++;
            continue;
          }
          const decoded = decodeRecord(reading, options.decode);
          if ('malformed' in decoded) {
            stats.malformed++;
            continue;
          }
          stats.records++;
          if (deduplicator.isRepeat(decoded.denial)) {
            stats.duplicates++;
            continue;
          }
          if (!keep(decoded.denial)) {
            stats.filtered++;
            continue;
          }
          denials.push(decoded.denial);
        }
        if (denials.length > 0) yield denials;
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      options.onInputError(error);
    } finally {
      stats.lines += candidates.counts.lines;
      stats.malformed += candidates.counts.overlongRecords;
    }
  }
}

/** readDenialBatches, one denial at a time. */
export async function* readDenials(sources: InputSource[], options: ReadDenialsOptions, stats: ExplainStats): AsyncGenerator<Denial> {
  for await (const denials of readDenialBatches(sources, options, stats)) yield* denials;
}
