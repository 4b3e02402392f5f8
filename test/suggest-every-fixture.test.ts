import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundledSyscallTables } from '../src/decode/index.js';
import { bundledGroupsFor } from '../src/systemd/index.js';
import { decodeAll, fixture, runCli, temporaryDirectories } from './support/run.js';

/**
 * A strict unit: only @default, native and i386/x32 calls alike. For every fixture's denials, the
 * suggested drop-in must widen the filter by exactly the denied calls the unit did not allow:
 * checked here by plain set arithmetic on the 252 group table, apart from the tool's own proof.
 */
const UNIT = '[Service]\nExecStart=/usr/bin/true\nSystemCallFilter=@default\nSystemCallArchitectures=native x86 x32\n';
const unitFile = join(temporaryDirectories('every-fixture')(), 'strict.service');
writeFileSync(unitFile, UNIT);

const defaultGroup = new Set(bundledGroupsFor('252').expanded.get('@default') ?? []);
const known = new Set(bundledGroupsFor('252').expanded.get('@known') ?? []);
const tables = loadBundledSyscallTables();

function inputs(): string[] {
  const found: string[] = [fixture('reported', 'mattermost-setrlimit.log')];
  for (const family of ['kernel', 'formats', 'rig']) {
    for (const name of readdirSync(fixture(family), { withFileTypes: true })) {
      if (!name.isDirectory()) continue;
      const files = readdirSync(fixture(family, name.name));
      const log = ['dmesg.log', 'input.log', 'journal.short'].find((file) => files.includes(file));
      if (log) found.push(fixture(family, name.name, log));
    }
  }
  return found;
}

describe('for every fixture, the drop-in widens the filter by exactly the denied calls', () => {
  it.each(inputs())('%s', async (input) => {
    const { denials } = await decodeAll([input]);
    // A name allows the call on every ABI: each denied ABI gains every denied name its table has.
    const names = new Set<string>();
    const abis = new Set<string>();
    for (const denial of denials) {
      const fixable = denial.abi !== null && denial.syscall !== null && ['kill_process', 'kill_thread', 'trap', 'errno', 'trace', 'user_notif', 'unknown'].includes(denial.action);
      if (!fixable || defaultGroup.has(denial.syscall as string) || !known.has(denial.syscall as string)) continue;
      names.add(denial.syscall as string);
      abis.add(denial.abi as string);
    }
    const expected = Object.fromEntries([...abis].map((abi) => [abi, [...names].filter((name) => tables.forAbi(abi)?.numberOf(name) !== null).sort()]));
    const result = runCli(['suggest', '--json', '--systemd-version', '252', '--abi', 'x86_64', '--all-programs', '--unit-file', unitFile, input]);
    expect([0, 1]).toContain(result.status);
    if (result.status === 1) {
      expect(expected).toEqual({});
      return;
    }
    const report = JSON.parse(result.stdout) as { added: Record<string, string[]>; dropin: { text: string } | null };
    expect(report.added).toEqual(expected);
    if (Object.keys(expected).length > 0) expect(report.dropin?.text).toContain(`SystemCallFilter=${[...new Set(Object.values(expected).flat())].sort().join(' ')}\n`);
  });
});
