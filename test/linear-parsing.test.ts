import { describe, expect, it } from 'vitest';
import { parseRecordLine, parseUnitExitLine } from '../src/records/index.js';
import { FIXTURE_NOW } from './support/run.js';

/**
 * Line parsing must take time linear in the line, whatever the line holds. Measured without
 * trusting the clock's scale: the same number of bytes is parsed as short lines and as long
 * lines, and the cost per byte of the long ones is compared with the short ones'. A linear
 * parser costs about the same per byte (the short lines' fixed costs make them dearer); one
 * that re-reads the rest of the line at every candidate position costs as many times more as
 * the lines are longer (8 here). Each measurement is the least of several, so a busy machine
 * only adds noise that is left out.
 */
const SHORT = 4 * 1024;
const LONG = 32 * 1024;
const BYTES_PER_MEASUREMENT = 256 * 1024;
const REPETITIONS = 5;
const ALLOWED_RATIO = 3;

function repeatedTo(length: number, fragment: string, prefix = '', suffix = ''): string {
  const fill = length - prefix.length - suffix.length;
  return `${prefix}${fragment.repeat(Math.ceil(fill / fragment.length)).slice(0, fill)}${suffix}`;
}

/** Lines a log could hold that make a backtracking search look again and again. */
const HOSTILE: Record<string, (length: number) => string> = {
  'kernel headers never closed': (length) => repeatedTo(length, 'type=1326 audit('),
  'legacy kernel headers never closed': (length) => repeatedTo(length, 'type=1701 audit('),
  'kernel headers closed without a colon': (length) => repeatedTo(length, 'type=1326 audit(1.000:1)', '', ')'),
  'auditd headers after node= words, never closed': (length) => repeatedTo(length, ' node=x type=SECCOMP msg=audit('),
  'auditd headers glued to the word before them': (length) => repeatedTo(length, 'xtype=SECCOMP msg=audit(', '', ')'),
  'journal markers before a line separator': (length) => repeatedTo(length, ' SECCOMP auid=', '', '\u2028'),
  'journal markers after a syslog stamp': (length) => repeatedTo(length, ':SECCOMP auid=1', 'Mar 16 14:12:30 web1 audit[5]: ', '\r\u2029'),
  'a long syslog host name': (length) => repeatedTo(length, 'x', 'Thu 2023-03-16 13:12:30 UTC ', ' audit[1]: SECCOMP auid=1'),
  'words that all start like fields': (length) => repeatedTo(length, 'code=0x1A', 'type=SECCOMP msg=audit(1.000:1): arch=c000003e syscall=1 '),
};

const HOSTILE_EXIT_MESSAGES: Record<string, (length: number) => string> = {
  'unit names one after another': (length) => repeatedTo(length, 'x: ', '', ': Main process exited, code=killed, status=31/SYS'),
  'a unit name too long': (length) => repeatedTo(length, 'x', ': ', ': Main process exited, code=killed, status=31/SYS'),
};

/** The least time, over REPETITIONS, to parse BYTES_PER_MEASUREMENT of lines of this length, per byte. */
function costPerByte(parse: (line: string) => unknown, line: string): number {
  const count = Math.max(1, Math.round(BYTES_PER_MEASUREMENT / line.length));
  let least = Infinity;
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < count; index++) parse(line);
    least = Math.min(least, Number(process.hrtime.bigint() - started));
  }
  return least / (count * line.length);
}

function growth(parse: (line: string) => unknown, build: (length: number) => string): number {
  costPerByte(parse, build(SHORT)); // warm up: the first runs are interpreted
  return costPerByte(parse, build(LONG)) / costPerByte(parse, build(SHORT));
}

describe('line parsing is linear in the line', () => {
  const context = { now: FIXTURE_NOW };
  for (const [name, build] of Object.entries(HOSTILE)) {
    it(`parseRecordLine: ${name}`, () => {
      expect(build(SHORT)).toHaveLength(SHORT);
      expect(growth((line) => parseRecordLine(line, context), build)).toBeLessThan(ALLOWED_RATIO);
    });
  }
  for (const [name, build] of Object.entries(HOSTILE_EXIT_MESSAGES)) {
    it(`parseUnitExitLine: ${name}`, () => {
      expect(growth((line) => parseUnitExitLine(line, FIXTURE_NOW), build)).toBeLessThan(ALLOWED_RATIO);
    });
  }
});
