// Which of the kernel's records are a run's: the session its marker names (docs/run.md).
import { describe, expect, it } from 'vitest';
import { SessionRecords, type MarkerExpectation } from '../src/analysis/index.js';
import type { Denial } from '../src/decode/index.js';

const SINCE = Date.parse('2026-12-07T15:00:00.000Z');
const EXPECTED: MarkerExpectation = { execers: ['/usr/lib/systemd/systemd', '/usr/lib/systemd/systemd-executor'], since: SINCE, loginUid: 1000 };
const TRUSTED = { code: 'journal-transport', transport: 'audit' } as const;

function record(values: Partial<Denial>): Denial {
  return {
    time: SINCE + 10, timePrecise: true, serial: 1, host: null, pid: 500, comm: 'app', exe: '/opt/app', uid: 1000, user: null, auid: 1000, ses: 7,
    arch: 'c000003e', abi: 'x86_64', nr: 160, syscall: 'setrlimit', action: 'log', code: '0x7ffc0000', signal: null, compat: false, ip: '0x1',
    format: 'journal-json', notes: [], text: '', ...values,
  };
}

const marker = (ses: number | null, pid: number, values: Partial<Denial> = {}): Denial =>
  record({ ses, pid, syscall: 'execve', nr: 59, comm: '(app)', exe: '/usr/lib/systemd/systemd', ...values });

function collect(records: Denial[]): SessionRecords {
  const collected = new SessionRecords(EXPECTED);
  for (const denial of records) collected.add(denial, TRUSTED);
  return collected;
}

describe('the records of a run', () => {
  it('are those of the session its main process\'s marker names, children and all', () => {
    const records = collect([
      marker(7, 500), record({ ses: 7, pid: 501, exe: '/bin/child' }),
      marker(8, 900), record({ ses: 8, pid: 901, syscall: 'mount', nr: 165 }),
      record({ ses: null, pid: 5, syscall: 'ptrace', nr: 101 }),
    ]);
    const chosen = records.session(500, true);
    expect(chosen).toEqual({ session: 7, problem: null });
    const calls = records.callsOf(7)!.aggregator.summaries().map((summary) => `${summary.syscall} ${summary.exe}`);
    expect(calls).toEqual(['execve /usr/lib/systemd/systemd', 'setrlimit /bin/child']);
    expect(records.session(900, true)).toEqual({ session: 8, problem: null });
  });

  it('never take another session when the main process\'s marker is missing', () => {
    expect(collect([marker(8, 900)]).session(500, true)).toEqual({ session: null, problem: { code: 'no-session-marker' } });
  });

  it('where pids cannot be compared, are the only session that began, and none when two did', () => {
    expect(collect([marker(7, 12_345)]).session(38, false)).toEqual({ session: 7, problem: null });
    expect(collect([marker(7, 12_345), marker(8, 12_400)]).session(38, false)).toEqual({ session: null, problem: { code: 'sessions-ambiguous', sessions: [7, 8] } });
  });

  it('take a marker only from systemd, after the start, under the run\'s login uid', () => {
    for (const forged of [
      marker(9, 500, { exe: '/home/eve/systemd' }),
      marker(9, 500, { time: SINCE - 5 }),
      marker(9, 500, { auid: 1001 }),
      marker(9, 500, { action: 'kill_process' }),
    ]) expect(collect([forged]).session(500, true)).toEqual({ session: null, problem: { code: 'no-session-marker' } });
    expect(collect([marker(9, 500, { exe: '/usr/lib/systemd/systemd-executor' })]).session(500, true)).toEqual({ session: 9, problem: null });
    expect(collect([marker(null, 500)]).session(500, true)).toEqual({ session: null, problem: { code: 'no-audit-session' } });
  });
});
