import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOG_FORMATS, auditdTypeStartInText, formatsReadBy, markersOf, type LogFormat, type LogFormatReader } from '../src/formats/index.js';
import { CandidateLineScanner } from '../src/input/candidate-lines.js';
import { isMalformed, parseRecordLine, parseUnitExitLine } from '../src/records/index.js';
import { FIXTURE_NOW, fixture, formatFixtureInputs } from './support/run.js';
import { scanInPieces } from './support/scan-in-pieces.js';

/**
 * The byte prefilter must pass on every line the record parser reads as a record (or as a
 * damaged one), whatever lines share its chunk: above all in chunks of auditd lines, where
 * the prefilter looks at line starts only.
 */
const context = { now: FIXTURE_NOW };
const MAX_LINE_BYTES = 64 * 1024;

function fixtureLines(path: string): string[] {
  return readFileSync(path, 'latin1').split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line !== '');
}

const allLines = formatFixtureInputs().filter((path) => !path.endsWith('.gz')).flatMap(fixtureLines);
const recordLines = allLines.filter((line) => parseRecordLine(line, context) !== null);
/** What follows a record's prefix: from its header (or `SECCOMP auid=`) to the end. */
const RECORD_STARTS = ['type=1326 audit(', 'type=1701 audit(', 'type=SECCOMP msg=audit(', 'SECCOMP auid='];
const recordCores = [...new Set(recordLines.filter((line) => !line.startsWith('{')).flatMap((line) =>
  RECORD_STARTS.filter((start) => line.includes(start)).map((start) => line.slice(line.indexOf(start)))))];
const journalJsonLines = recordLines.filter((line) => line.startsWith('{'));
/** Lines auditd writes around its seccomp records. */
const auditdLines = fixtureLines(fixture('formats', 'auditd-realistic', 'audit.log')).filter((line) => parseRecordLine(line, context) === null);

const hostName = fc.constantFrom('tower', 'nas01', 'web1', 'type', 'time', 'node', 'n', 't', '-', '----', 'time->', 'type=SYSCALL', 'node=web1', 'node=', 'localhost');
const stamp = fc.constantFrom(
  'Mar 16 14:12:30', 'Mar  6 14:12:30.266', '2023-03-16T14:12:30+0000', '2023-03-16T14:12:30.266Z', '1678972350.266000',
  'Thu 2023-03-16 13:12:30 UTC', '<14>1 2023-03-16T14:12:30.266+01:00', '[  188.335115]', '[Thu Mar 16 14:12:30 2023]',
);
const identifier = fc.oneof(
  fc.constantFrom('audit:', 'kernel:', 'audispd:', 'audit', '-', 'audit 2999066 - -'),
  fc.tuple(fc.constantFrom('audit', 'kernel', 'systemd', 'x'), fc.nat(99999)).map(([name, pid]) => `${name}[${pid}]:`),
);
const junk = fc.string({ maxLength: 12 }).filter((text) => !text.includes('\n'));
const prefixWord = fc.oneof(hostName, stamp, identifier, junk);
const separator = fc.constantFrom(' ', ' ', ' ', '', ': ', '\t');

/** A record line: a real record from a fixture, as it is or behind made-up prefix words. */
const recordLine = fc.oneof(
  fc.constantFrom(...recordLines),
  fc.tuple(fc.array(fc.tuple(prefixWord, separator), { maxLength: 4 }), fc.constantFrom(...recordCores))
    .map(([words, core]) => `${words.map(([word, space]) => `${word}${space}`).join('')}${core}`),
  fc.tuple(fc.constantFrom(...journalJsonLines), fc.boolean()).map(([line, recordSeparator]) => (recordSeparator ? `\x1e${line}` : line)),
);

interface Case {
  line: string;
  carriageReturn: boolean;
  before: string[];
  after: string[];
  pieceSize: number;
}

function candidateCase(others: fc.Arbitrary<string>): fc.Arbitrary<Case> {
  return fc.record({
    line: recordLine,
    carriageReturn: fc.boolean(),
    before: fc.array(others, { maxLength: 6 }),
    after: fc.array(others, { maxLength: 6 }),
    pieceSize: fc.oneof(fc.constant(1 << 22), fc.integer({ min: 1, max: 4096 })),
  });
}

/**
 * The lines the prefilter passes on from the case's input, cut into pieces of pieceSize, when
 * it is asked for the lines of `reader`'s forms too (as src/input/index.ts asks it).
 */
function passedLines({ line, carriageReturn, before, after, pieceSize }: Case, reader: LogFormatReader = 'seccomp-record'): string[] {
  const input = Buffer.from(`${[...before, `${line}${carriageReturn ? '\r' : ''}`, ...after].join('\n')}\n`, 'latin1');
  const extraMarkers = reader === 'seccomp-record' ? undefined : markersOf(formatsReadBy(reader));
  return scanInPieces(new CandidateLineScanner({ maxLineBytes: MAX_LINE_BYTES, extraMarkers }), input, pieceSize).toString('latin1').split('\n').map((each) => each.replace(/\r$/, ''));
}

/**
 * Whether the prefilter passed the line on: as it is, or as the first line of a record it
 * joined with the lines after it (a paste's wrapped record, src/formats/pasted-text.ts), which
 * the reader reads as a record, or as that line, at least.
 */
function passesOn(passed: readonly string[], line: string): boolean {
  if (passed.includes(line)) return true;
  const joined = passed.find((each) => each.startsWith(`\x1f${line}\x1f`));
  return joined !== undefined && parseRecordLine(joined, context) !== null;
}

function agrees(testCase: Case): boolean {
  fc.pre(parseRecordLine(testCase.line, context) !== null);
  return passesOn(passedLines(testCase), testCase.line);
}

describe('the prefilter passes on every line the record parser reads', () => {
  it('has fixtures to build lines from', () => {
    expect(recordCores.length).toBeGreaterThan(10);
    expect(journalJsonLines.length).toBeGreaterThan(0);
    expect(auditdLines.length).toBeGreaterThan(100);
  });

  it('syslog lines with a host name and no stamp, among auditd lines', () => {
    const body = 'auid=4294967295 uid=0 gid=0 ses=4294967295 pid=2012 comm="deny" exe="/tmp/sc/deny" sig=31 arch=c000003e syscall=160 compat=0 ip=0x7f7cdf7e5829 code=0x80000000';
    for (const line of [`tower audit[5]: SECCOMP ${body}`, `nas01 kernel: audit: type=1326 audit(1795436866.178:2): ${body}`]) {
      expect(parseRecordLine(line, context)).toMatchObject({ fields: { syscall: '160' } });
      expect(passedLines({ line, carriageReturn: false, before: auditdLines.slice(0, 3), after: auditdLines.slice(3, 5), pieceSize: 1 << 22 })).toContain(line);
    }
  });

  it('in chunks of auditd lines (the fast path)', () => {
    fc.assert(fc.property(candidateCase(fc.constantFrom(...auditdLines)), agrees), { numRuns: 2000 });
  });

  it('in chunks of any log lines and junk', () => {
    fc.assert(fc.property(candidateCase(fc.oneof(fc.constantFrom(...allLines), junk)), agrees), { numRuns: 1000 });
  });

  it('reads a seccomp record quoted inside another auditd line as no record, as the prefilter does', () => {
    const kernel = recordCores.find((core) => core.startsWith('type=1326 audit(')) as string;
    const journal = recordCores.find((core) => core.startsWith('SECCOMP auid=')) as string;
    for (const line of [`type=USER msg=audit(1.000:1): ${kernel}`, `node=web1 type=USER msg=audit(1.000:1): msg='${journal}`, `time->${kernel}`, `---- ${kernel}`]) {
      expect(parseRecordLine(line, context), line).toBeNull();
    }
    expect(parseRecordLine(`{"MESSAGE":"Started x"`, context)).toBeNull();
  });
});

/** Whether the reader of a form reads the line: as a record or a damaged one, or as a unit exit. */
function readBy(reader: LogFormatReader, line: string): boolean {
  return reader === 'seccomp-record' ? parseRecordLine(line, context) !== null : parseUnitExitLine(line, FIXTURE_NOW) !== null;
}

/**
 * A line of a registered form: one of its samples, with or without a leading RS; for a form
 * told by a header, also its samples from the header on behind made-up prefix words.
 */
function formatLine(format: LogFormat): fc.Arbitrary<string> {
  const samples = fc.tuple(fc.constantFrom(...format.samples), fc.boolean()).map(([line, recordSeparator]) => (recordSeparator ? `\x1e${line}` : line));
  const cores = format.samples.flatMap((line) => format.headers.filter((header) => line.includes(header)).map((header) => line.slice(line.indexOf(header))));
  if (format.reader !== 'seccomp-record' || cores.length === 0) return samples;
  const prefixed = fc.tuple(fc.array(fc.tuple(prefixWord, separator), { maxLength: 4 }), fc.constantFrom(...cores))
    .map(([words, core]) => `${words.map(([word, space]) => `${word}${space}`).join('')}${core}`);
  return fc.oneof(samples, prefixed);
}

describe('every registered log format', () => {
  for (const format of LOG_FORMATS) {
    describe(format.id, () => {
      it('has samples its reader reads as what they are, each holding one of its markers', () => {
        expect(format.samples.length).toBeGreaterThan(0);
        for (const sample of format.samples) {
          if (format.reader === 'seccomp-record') {
            const reading = parseRecordLine(sample, context);
            expect(reading !== null && !isMalformed(reading), sample).toBe(true);
          } else {
            expect(parseUnitExitLine(sample, FIXTURE_NOW), sample).not.toBeNull();
          }
          expect(format.markers.some((marker) => sample.includes(marker)), sample).toBe(true);
        }
      });

      it('tells its lines by text that holds one of its markers, and keeps to its declared auditd shape', () => {
        // A form told by its line start (`{`) is held to its markers by the properties below.
        for (const header of format.headers) expect(format.markers.some((marker) => header.includes(marker)), header).toBe(true);
        for (const sample of format.samples) {
          const typeAt = auditdTypeStartInText(sample);
          if (format.auditdShape === 'never') expect(typeAt, sample).toBe(-1);
          else if (typeAt !== -1) expect(sample.startsWith('type=SECCOMP ', typeAt), sample).toBe(true);
        }
      });

      const agreesFor = (testCase: Case): boolean => {
        fc.pre(readBy(format.reader, testCase.line));
        return passesOn(passedLines(testCase, format.reader), testCase.line);
      };
      const formatCase = (others: fc.Arbitrary<string>): fc.Arbitrary<Case> => fc.record({
        line: formatLine(format),
        carriageReturn: fc.boolean(),
        before: fc.array(others, { maxLength: 6 }),
        after: fc.array(others, { maxLength: 6 }),
        pieceSize: fc.oneof(fc.constant(1 << 22), fc.integer({ min: 1, max: 4096 })),
      });

      it('is passed on by the prefilter in chunks of auditd lines', () => {
        fc.assert(fc.property(formatCase(fc.constantFrom(...auditdLines)), agreesFor), { numRuns: 300 });
      });

      it('is passed on by the prefilter in chunks of any log lines and junk', () => {
        fc.assert(fc.property(formatCase(fc.oneof(fc.constantFrom(...allLines), junk)), agreesFor), { numRuns: 300 });
      });
    });
  }
});
