import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyDenial } from '../src/analysis/index.js';
import { decodeRecord, loadBundledSyscallTables } from '../src/decode/index.js';
import { isMalformed, parseRecordLine } from '../src/records/index.js';
import type { ExpectedEvent } from './support/expected-event.js';
import { FIXTURE_NOW, decodeAll, fixture, readJson } from './support/run.js';

/**
 * What fleets ship (docs/fleets.md): every fixture of fixtures/fleet/ (docs/fixtures.md, "Fleet
 * forms") decodes to the events its expected.json states, each once.
 */
interface ExpectedStats {
  records: number;
  malformed: number;
  duplicates?: number;
}

function inputsOf(directory: string): string[] {
  return readdirSync(fixture('fleet', directory)).filter((name) => name.startsWith('input')).sort().map((name) => fixture('fleet', directory, name));
}

async function eventsOf(paths: string[]) {
  const { denials, stats } = await decodeAll(paths);
  return {
    stats,
    events: denials.map((denial) => ({
      abi: denial.abi, arch: denial.arch, nr: denial.nr, syscall: denial.syscall, action: denial.action, signal: denial.signal,
      comm: denial.comm, exe: denial.exe, uid: denial.uid, pid: denial.pid, serial: denial.serial, host: denial.host,
      time: denial.time === null ? null : new Date(denial.time).toISOString(),
    })),
  };
}

function expectedEvents(directory: string) {
  return readJson<(ExpectedEvent & { uid: number | null })[]>(fixture('fleet', directory, 'expected.json')).map((event) => ({
    abi: event.abi, arch: event.arch, nr: event.nr, syscall: event.syscall, action: event.action,
    signal: ({ 31: 'SIGSYS', 9: 'SIGKILL' } as Record<number, string>)[event.sig] ?? null, comm: event.comm, exe: event.exe, uid: event.uid, pid: event.pid,
    serial: event.serial, host: event.host ?? null, time: event.time,
  }));
}

describe('every fleet form decodes to the events it carries', () => {
  for (const directory of readdirSync(fixture('fleet')).sort()) {
    for (const input of inputsOf(directory)) {
      it(`${directory}/${input.split('/').pop()}`, async () => {
        const { events, stats } = await eventsOf([input]);
        expect(events).toEqual(expectedEvents(directory));
        let expectedStats: ExpectedStats = { records: events.length, malformed: 0, duplicates: 0 };
        try {
          expectedStats = { ...expectedStats, ...readJson<ExpectedStats>(fixture('fleet', directory, 'expected-stats.json')) };
        } catch { /* no expected-stats.json: every record is its own event */ }
        if (directory !== 'journal-json-pretty' && directory !== 'auditbeat-search-response') {
          expect({ records: stats.records, malformed: stats.malformed, duplicates: stats.duplicates }).toEqual(expectedStats);
        } else {
          expect(stats.malformed).toBe(0);
        }
      });
    }
  }

  it('journalctl -o export (what systemd-journal-remote speaks) reads as its -o json does', async () => {
    const fromExport = await eventsOf([fixture('formats', 'journal-export', 'input.export')]);
    expect(fromExport.events).toEqual(expectedEvents('journal-json-pretty'));
    const fromJson = await eventsOf([fixture('formats', 'journal-json', 'input.json')]);
    expect(fromExport.events.map((event) => event.serial)).toEqual(fromJson.events.map((event) => event.serial).filter((serial) => fromExport.events.some((each) => each.serial === serial)));
  });

  it('a search response on one line reads as the pretty-printed one', async () => {
    const pretty = await eventsOf([fixture('fleet', 'auditbeat-search-response', 'input.json')]);
    const compact = await eventsOf([fixture('fleet', 'auditbeat-search-response', 'input.compact.json')]);
    expect(compact.events).toEqual(pretty.events);
  });
});

describe('host identity and the event key', () => {
  it('keeps equal audit ids from two hosts as two events, and one event shipped twice (laurel and Auditbeat) as one', async () => {
    const { events, stats } = await eventsOf([fixture('fleet', 'two-hosts', 'input.log')]);
    expect(events.map((event) => [event.host, event.serial])).toEqual([['web1', 13], ['web2', 13]]);
    expect(stats.duplicates).toBe(1);
  });

  it('counts an event once across forms and shippers: journal export, json-pretty, Auditbeat, laurel and our own NDJSON', async () => {
    const ndjson = readFileSync(fixture('fleet', 'seccomp-explain-ndjson', 'input.ndjson'), 'utf8');
    const { stats } = await decodeAll([
      fixture('formats', 'auditd-node', 'input.log'),
      fixture('fleet', 'seccomp-explain-ndjson', 'input.ndjson'),
    ]);
    expect(stats.records).toBe(2 * ndjson.trim().split('\n').length);
    expect(stats.duplicates).toBe(ndjson.trim().split('\n').length);
  });
});

describe('trust: shipped documents are the shipper\'s word', () => {
  const tables = loadBundledSyscallTables();
  const firstLine = (path: string): string => readFileSync(path, 'utf8').split('\n')[0] as string;
  it.each([
    ['Auditbeat', firstLine(fixture('fleet', 'auditbeat-named', 'input.ndjson'))],
    ['laurel', firstLine(fixture('fleet', 'laurel', 'input.log'))],
    ['seccomp-explain NDJSON of auditd lines', firstLine(fixture('fleet', 'seccomp-explain-ndjson', 'input.ndjson'))],
  ])('%s, even from a file only root can write, is not trusted', (_name, line) => {
    const record = parseRecordLine(line, { now: FIXTURE_NOW });
    if (record === null || isMalformed(record)) throw new Error(`not a record: ${line}`);
    const decoded = decodeRecord(record, { tables, assumedAbi: 'x86_64' });
    if ('malformed' in decoded) throw new Error(decoded.malformed);
    expect(verifyDenial(decoded.denial, { code: 'root-only-file', path: '/var/log/fleet/all.json' })).toEqual({ code: 'unverified', reason: 'text' });
    expect(verifyDenial(decoded.denial, { code: 'anyone' })).toEqual({ code: 'unverified', reason: 'text' });
  });
});

describe('damaged documents', () => {
  it('are counted, never stop the stream, and never stand for an event', async () => {
    const good = readFileSync(fixture('fleet', 'laurel', 'input.log'), 'utf8');
    const damaged = [
      '{"ID":"1795439703.032:13","SECCOMP":[{"arch":"0xc000003e"}]}',
      '{"ID":"not an id","SECCOMP":[{"arch":"0xc000003e","syscall":160,"code":"0x0"}]}',
      '{"@timestamp":"2026-11-23T13:15:03.032Z","event":{"action":"violated-seccomp-policy"}}',
      '{"event":{"action":"violated-seccomp-policy"},"auditd":{"data":{"arch":"c000003e",',
      '{"time":null,"serial":null,"host":null,"arch":"c000003e","nr":160,"code":"0x0","format":"no such form","notes":[],"note_codes":[]}',
    ].join('\n');
    const { denials, stats } = await decodeAll(`${damaged}\n${good}`);
    expect(stats.malformed).toBe(5);
    expect(denials).toHaveLength(3);
  });
});
