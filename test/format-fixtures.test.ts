import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../src/decode/index.js';
import type { ExpectedEvent } from './support/expected-event.js';
import { decodeAll, fixture, formatFixtureInput, readJson } from './support/run.js';


interface ExpectedStats {
  records: number;
  malformed: number;
  lines?: number;
}

/** `ausearch -i` prints `code=kill` for both kill actions: the record cannot tell them apart. */
function knowableAction(denial: Denial, truth: string): string {
  return denial.format === 'ausearch-interpreted' && denial.code === 'kill' ? 'unknown' : truth;
}

/** The user names `ausearch -i` prints for the uids the fixtures ran as. */
const USER_NAMES: Record<number, string> = { 0: 'root', 65534: 'nobody' };

const formats = readdirSync(fixture('formats')).filter((name) => name !== 'journal-export');

describe('every log form decodes to the events captured from the kernel', () => {
  for (const format of formats) {
    it(format, async () => {
      const expected = readJson<ExpectedEvent[]>(fixture('formats', format, 'expected.json'));
      const { denials, stats } = await decodeAll([formatFixtureInput(format)]);
      const seen = denials.map((denial, index) => ({
        abi: denial.abi, arch: denial.arch, nr: denial.nr, syscall: denial.syscall,
        action: denial.action, comm: denial.comm, exe: denial.exe, uid: denial.uid ?? denial.user, pid: denial.pid,
        serial: denial.serial, host: denial.host, expectedAction: knowableAction(denial, expected[index]?.action ?? ''),
      }));
      expect(seen).toEqual(expected.map((event, index) => {
        const denial = denials[index];
        const interpreted = denial?.format === 'ausearch-interpreted';
        const uid = interpreted ? (USER_NAMES[event.uid] ?? event.uid) : event.uid;
        // journald's text audit transport prints no serial.
        const serial = denial?.format === 'journal-audit' ? null : event.serial;
        const action = denial ? knowableAction(denial, event.action) : event.action;
        return {
          abi: event.abi, arch: event.arch, nr: event.nr, syscall: event.syscall, action, comm: event.comm,
          exe: event.exe, uid, pid: event.pid, serial, host: event.host ?? null, expectedAction: action,
        };
      }));
      for (const [index, denial] of denials.entries()) {
        const when = expected[index]?.time;
        if (denial.timePrecise) expect(new Date(denial.time as number).toISOString()).toBe(when);
        else expect(Math.abs((denial.time as number) - Date.parse(when as string))).toBeLessThan(1000);
      }
      const statsFile = fixture('formats', format, 'expected-stats.json');
      if (existsSync(statsFile)) {
        const expectedStats = readJson<ExpectedStats>(statsFile);
        expect({ records: stats.records, malformed: stats.malformed }).toEqual({ records: expectedStats.records, malformed: expectedStats.malformed });
        if (expectedStats.lines !== undefined) expect(stats.lines).toBe(expectedStats.lines);
      } else {
        expect(stats.malformed).toBe(0);
      }
    });
  }
});
