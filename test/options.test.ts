import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './support/run.js';

const UNIT = fixture('rig', '03-arch-native-i386', 'case', 'rigtest.service');
const JOURNAL = fixture('rig', '03-arch-native-i386', 'journal.short');

interface Findings {
  findings: { abi: string; cause: string; allow: string | null }[];
}

describe('--abi and --native-abi say two things', () => {
  it('--native-abi is what SystemCallArchitectures=native admits: an i386 program under it, on an i386 host, is not this unit\'s denial', () => {
    const onX86 = runCli(['suggest', '--json', '--systemd-version', '252', '--unit-file', UNIT, JOURNAL]);
    expect((JSON.parse(onX86.stdout) as Findings).findings.map(({ abi, cause, allow }) => ({ abi, cause, allow })))
      .toEqual([{ abi: 'i386', cause: 'SystemCallArchitectures', allow: 'x86' }]);
    const onI386 = runCli(['suggest', '--json', '--systemd-version', '252', '--native-abi', 'i386', '--unit-file', UNIT, JOURNAL]);
    expect((JSON.parse(onI386.stdout) as Findings).findings.map(({ abi, cause, allow }) => ({ abi, cause, allow })))
      .toEqual([{ abi: 'i386', cause: 'not-this-unit', allow: null }]);
    const explained = runCli(['explain', '--json', '--systemd-version', '252', '--native-abi', 'i386', '--unit-file', UNIT, JOURNAL]);
    expect((JSON.parse(explained.stdout) as { denials: { attribution: { cause: string } }[] }).denials.map((denial) => denial.attribution.cause)).toEqual(['not-this-unit']);
  });

  it('says so when only --abi is given where a unit is judged, as scripts written before --native-abi do', () => {
    const hint = 'seccomp-explain: --abi names the ABI of records without arch= only; SystemCallArchitectures=native is judged against --native-abi (x86_64 here)\n';
    expect(runCli(['suggest', '--systemd-version', '252', '--abi', 'i386', '--unit-file', UNIT, JOURNAL]).stderr).toBe(hint);
    expect(runCli(['explain', '--systemd-version', '252', '--abi', 'i386', '--unit-file', UNIT, JOURNAL]).stderr).toBe(hint);
    expect(runCli(['suggest', '--systemd-version', '252', '--abi', 'i386', '--native-abi', 'x86_64', '--unit-file', UNIT, JOURNAL]).stderr).toBe('');
    expect(runCli(['explain', '--abi', 'i386', JOURNAL]).stderr).toBe('');
  });

  it('--abi stays the ABI of records that name none', () => {
    const legacy = fixture('formats', 'old-type-1701', 'input.log');
    const explained = runCli(['suggest', '--json', '--systemd-version', '252', '--abi', 'i386', '--all-programs', '--unit-file', UNIT, legacy]);
    expect(new Set((JSON.parse(explained.stdout) as Findings).findings.map((finding) => finding.abi))).toEqual(new Set(['i386']));
  });

  it.each([
    [['suggest', '--native-abi', 'vax'], '--native-abi vax: no such ABI (one of x86_64, i386, '],
    [['suggest', '--abi', 'vax'], '--abi vax: no such ABI (one of x86_64, i386, '],
    [['explain', '--abi', 'vax'], '--abi vax: no such ABI (one of x86_64, i386, '],
    [['ingest', '--db', '/nonexistent/x.db', '--abi', 'vax'], '--abi vax: no such ABI (one of x86_64, i386, '],
    [['suggest', '--unit', 'not a unit'], '--unit not a unit: not a unit name (NAME.service, NAME.socket, …)'],
    [['report', '--db', '/nonexistent/x.db', '--since', 'soon'], '--since soon: not a time (try 2023-03-16, "2023-03-16 14:12", @1678972350, "2h ago", today)'],
    [['explain', '--until', 'later'], '--until later: not a time (try 2023-03-16, "2023-03-16 14:12", @1678972350, "2h ago", today)'],
  ])('%j is refused the same way by every command', (args, message) => {
    const result = runCli(args[0] === 'report' ? args : [...args, JOURNAL]);
    expect(result.status).toBe(2);
    expect(result.stderr.startsWith(`seccomp-explain: ${message}`)).toBe(true);
  });
});
