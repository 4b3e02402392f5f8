import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canBeVouchedFor, isTrusted, verifyDenial } from '../src/analysis/index.js';
import { asDenialNote, type DenialNote } from '../src/decode/index.js';
import { CandidateLineScanner } from '../src/input/candidate-lines.js';
import { isMalformed, parseRecordLine } from '../src/records/index.js';
import { FIXTURE_NOW, decodeAll, fixture, readJson, runCli } from './support/run.js';
import { scanInPieces } from './support/scan-in-pieces.js';

/** What a pasted record must read as: the call, and what was repaired to read it. */
interface ExpectedPaste {
  syscall: string;
  nr: number;
  abi: string;
  action: string;
  pid: number;
  exe: string | null;
  host?: string;
  repairs: string[];
}

function repairsOf(notes: readonly DenialNote[]): string[] | null {
  const note = notes.find((each) => each.code === 'repaired-paste');
  return note && note.code === 'repaired-paste' ? note.repairs : null;
}

const cases = readdirSync(fixture('pasted')).filter((name) => name !== 'README.md').sort();

describe('records copied from bug reports, forums, mail and other tools are read leniently', () => {
  for (const name of cases) {
    it(name, async () => {
      const expected = readJson<ExpectedPaste[]>(fixture('pasted', name, 'expected.json'));
      const { denials, stats } = await decodeAll([fixture('pasted', name, 'input.log')]);
      expect(denials.map((denial) => ({
        syscall: denial.syscall, nr: denial.nr, abi: denial.abi, action: denial.action, pid: denial.pid, exe: denial.exe,
        ...(denial.host === null ? {} : { host: denial.host }), repairs: repairsOf(denial.notes),
      }))).toEqual(expected);
      expect(stats.malformed).toBe(0);
      // The text kept (and stored) reads back as the same record, repairs and all: the store re-reads it.
      for (const denial of denials) {
        const again = parseRecordLine(denial.text, { now: FIXTURE_NOW });
        expect(again !== null && !isMalformed(again) ? { syscall: again.fields.syscall, repairs: again.repairs } : again)
          .toEqual({ syscall: String(denial.nr), repairs: repairsOf(denial.notes) });
      }
    });
  }

  it('says what was repaired in a note, as the README shows', () => {
    const result = runCli(['explain', '--no-color', fixture('pasted', 'github-quote-markdown', 'input.log')]);
    expect(result.stdout).toBe([
      'setpriority (x86_64 #141)  kill_thread  1×  /usr/bin/python2.7 (comm pyzor, uid 998)',
      '  first unknown  last unknown  pids 7053',
      '  note: read as pasted text: a quote prefix, markdown formatting; not trusted for --write',
      'kill_thread: the calling thread was killed with SIGSYS (the whole process, when it had one thread)',
      '1 distinct denial from 1 seccomp record in 5 lines',
      '',
    ].join('\n'));
  });

  it('keeps the repairs as data in --json', () => {
    const result = runCli(['explain', '--json', fixture('pasted', 'mail-hard-wrapped', 'input.log')]);
    const report = JSON.parse(result.stdout) as { denials: { note_codes: unknown[] }[] };
    // setrlimit: the indented record and the quoted one, each repaired its own way.
    expect(report.denials[0]?.note_codes).toEqual([
      { code: 'repaired-paste', repairs: ['indent', 'rewrapped'] },
      { code: 'repaired-paste', repairs: ['quote-prefix', 'rewrapped'] },
    ]);
  });

  it('reads the notes back as they were stored, and nothing that only looks like one', () => {
    expect(asDenialNote({ code: 'repaired-paste', repairs: ['quote-prefix', 'rewrapped'] })).toEqual({ code: 'repaired-paste', repairs: ['quote-prefix', 'rewrapped'] });
    expect(asDenialNote({ code: 'repaired-paste', repairs: ['made-up'] })).toBeNull();
    expect(asDenialNote({ code: 'repaired-paste', repairs: [] })).toBeNull();
    expect(asDenialNote({ code: 'repaired-paste', repairs: 'quote-prefix' })).toBeNull();
  });

  it('leaves records that need no repair as they were read', () => {
    const inputs = ['dmesg', 'dmesg-T', 'kern-log', 'journal-short', 'journal-audit-short', 'journal-json', 'auditd-enriched', 'ausearch-i-realistic', 'old-type-1701']
      .map((name) => readdirSync(fixture('formats', name)).filter((file) => !file.startsWith('expected')).map((file) => fixture('formats', name, file))[0] as string);
    for (const line of inputs.concat(fixture('formats', 'auditd-realistic', 'audit.log')).flatMap((path) => readFileSync(path, 'latin1').split('\n'))) {
      const reading = parseRecordLine(line, { now: FIXTURE_NOW });
      if (reading !== null && !isMalformed(reading)) expect(reading.repairs, line).toBeUndefined();
    }
  });
});

describe('a lenient reading is never trusted for suggest --write', () => {
  it('not even from a file only root can write, nor with --trust-input', async () => {
    for (const name of cases) {
      const { denials } = await decodeAll([fixture('pasted', name, 'input.log')]);
      for (const denial of denials) {
        const verification = verifyDenial(denial, { code: 'root-only-file', path: '/var/log/audit/audit.log' });
        expect(verification, `${name}: ${denial.text}`).toEqual({ code: 'unverified', reason: 'repaired-paste' });
        expect(isTrusted(verification)).toBe(false);
        expect(canBeVouchedFor(verification)).toBe(false);
      }
    }
  });

  it('while the same record unrepaired, in auditd\'s own log, is', async () => {
    const { denials } = await decodeAll([fixture('formats', 'auditd-raw', 'input.log')]);
    expect(isTrusted(verifyDenial(denials[0] as NonNullable<(typeof denials)[0]>, { code: 'root-only-file', path: '/var/log/audit/audit.log' }))).toBe(true);
  });
});

const context = { now: FIXTURE_NOW };
const BODY = 'auid=4294967295 uid=1009 gid=1008 ses=4294967295 subj=unconfined pid=2999066 comm="mattermost" exe="/opt/mattermost/bin/mattermost" sig=31 arch=c000003e syscall=160 compat=0 ip=0x40440e code=0x80000000';
const RECORDS = [
  `type=SECCOMP msg=audit(1678972350.266:4): ${BODY}`,
  `[  188.335115] audit: type=1326 audit(1678972350.266:4): ${BODY}`,
  `Mar 16 14:12:30 web1 audit[2999066]: SECCOMP ${BODY}`,
  `Log: ${BODY.replace('syscall=160', '160(setrlimit)')}`,
];
const auditdLines = readFileSync(fixture('formats', 'auditd-realistic', 'audit.log'), 'latin1').split('\n').filter((line) => line !== '' && parseRecordLine(line, context) === null);
const otherLines = readFileSync(fixture('formats', 'mixed', 'input.log'), 'latin1').split('\n').filter((line) => line !== '');

/** A record as a paste mangles it: prefixed, wrapped at spaces into up to three lines, the prefix repeated or not. */
const pastedRecord = fc.record({
  record: fc.constantFrom(...RECORDS),
  prefix: fc.constantFrom('', '> ', '>> ', '# ', '// ', '\t', '    ', '52:', '$ '),
  repeatPrefix: fc.boolean(),
  flowed: fc.boolean(),
  cuts: fc.uniqueArray(fc.integer({ min: 3, max: 12 }), { maxLength: 5 }),
}).map(({ record, prefix, repeatPrefix, flowed, cuts }) => {
  const words = record.split(' ');
  const at = [...cuts].sort((a, b) => a - b).map((cut) => Math.min(words.length - 1, Math.max(1, Math.round(((words.length - 1) * cut) / 13))));
  const lines: string[] = [];
  let from = 0;
  for (const cut of [...new Set(at)]) {
    lines.push(words.slice(from, cut).join(' '));
    from = cut;
  }
  lines.push(words.slice(from).join(' '));
  // A shell prompt stands before the first line only.
  return lines.map((line, index) => `${index === 0 || (repeatPrefix && prefix !== '$ ') ? prefix : ''}${line}${flowed && index < lines.length - 1 ? ' ' : ''}`);
});

function scanned(input: Buffer, pieceSize: number): string[] {
  return scanInPieces(new CandidateLineScanner({ maxLineBytes: 64 * 1024 }), input, pieceSize).toString('latin1').split('\n').filter((line) => line !== '');
}

describe('the prefilter passes on every pasted record whole, however the input is cut', () => {
  const property = (others: fc.Arbitrary<string>) => fc.property(
    pastedRecord, fc.array(others, { maxLength: 5 }), fc.array(others, { maxLength: 5 }), fc.oneof(fc.constant(1 << 22), fc.integer({ min: 1, max: 512 })),
    (lines, before, after, pieceSize) => {
      const input = Buffer.from(`${[...before, ...lines, ...after].join('\n')}\n`, 'latin1');
      const readings = scanned(input, pieceSize).map((line) => parseRecordLine(line, context)).filter((reading) => reading !== null && !isMalformed(reading));
      return readings.some((reading) => reading !== null && !isMalformed(reading) && reading.fields.syscall === '160' && reading.fields.code === '0x80000000' && reading.fields.pid === '2999066');
    },
  );

  it('among auditd lines', () => {
    fc.assert(property(fc.constantFrom(...auditdLines)), { numRuns: 500 });
  });

  it('among any log lines', () => {
    fc.assert(property(fc.constantFrom(...otherLines)), { numRuns: 500 });
  });
});

describe('lenient reading stays linear and bounded', () => {
  /** How long reading `lines` takes, the best of a few runs. */
  function readingTime(input: Buffer): number {
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = process.hrtime.bigint();
      for (const line of scanned(input, 1 << 22)) parseRecordLine(line, context);
      best = Math.min(best, Number(process.hrtime.bigint() - start));
    }
    return best;
  }

  it('a record line without its last field followed by many field-like lines joins at most six', () => {
    const input = Buffer.from(`${RECORDS[0]?.replace(/ code=.*/, '')}\n${'subj=x\n'.repeat(10_000)}`);
    const lines = scanned(input, 4096);
    expect(lines.length).toBe(1);
    expect(lines[0]?.split('\x1f').length).toBe(7);
  });

  it('one huge pasted line costs in proportion to its size', () => {
    const line = (size: number): Buffer => Buffer.from(`> ${'`** … '.repeat(size / 8)}type=1326 ${'*'.repeat(size / 4)}${'`'.repeat(size / 4)}\n`);
    const small = readingTime(line(3_000));
    const large = readingTime(line(45_000));
    // 15 times the text: linear is about 15, quadratic about 225.
    expect(large / small).toBeLessThan(15 * 5);
  });
});
