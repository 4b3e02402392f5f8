import { readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExpectedEvent } from './support/expected-event.js';
import { decodeAll, fixture, readJson } from './support/run.js';


const cases = readdirSync(fixture('kernel')).filter((name) => statSync(fixture('kernel', name)).isDirectory());

describe('records captured from this machine\'s kernel decode to what the capture program did', () => {
  it('has the captures the issue asks for', () => {
    for (const name of ['x86_64-kill-process', 'x86_64-kill-thread', 'x86_64-trap', 'x86_64-errno', 'x86_64-log',
      'x86_64-trace', 'x86_64-user-notif', 'i386-kill-process', 'x32-setrlimit', 'hex-comm-exe']) {
      expect(cases).toContain(name);
    }
  });

  for (const name of cases) {
    it(name, async () => {
      const expected = readJson<ExpectedEvent[]>(fixture('kernel', name, 'expected.json'));
      const { denials, stats } = await decodeAll([fixture('kernel', name, 'dmesg.log')]);
      expect(stats.malformed).toBe(0);
      expect(denials.map((denial) => ({
        abi: denial.abi, arch: denial.arch, nr: denial.nr, syscall: denial.syscall, action: denial.action,
        comm: denial.comm, exe: denial.exe, uid: denial.uid, pid: denial.pid,
        time: denial.time === null ? null : new Date(denial.time).toISOString(), serial: denial.serial,
        compat: denial.compat ? 1 : 0,
      }))).toEqual(expected.map((record) => ({
        abi: record.abi, arch: record.arch, nr: record.nr, syscall: record.syscall, action: record.action,
        comm: record.comm, exe: record.exe, uid: record.uid === 4294967295 ? null : record.uid, pid: record.pid,
        time: record.time, serial: record.serial, compat: record.compat,
      })));
    });
  }
});
