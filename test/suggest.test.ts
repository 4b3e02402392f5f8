import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './support/run.js';

interface SuggestJson {
  unit: string;
  dropin: { path: string; text: string } | null;
  findings: { abi: string; syscall: string; action: string; cause: string; directive: string | null; source: string | null; via: string | null }[];
  added: Record<string, string[]>;
  architectures: string[];
}

function suggest(caseName: string, journal = 'journal.short', extra: string[] = []): SuggestJson {
  const result = runCli(['suggest', '--json', '--systemd-version', '252', '--unit-file', fixture('rig', caseName, 'case', 'rigtest.service'), ...extra, fixture('rig', caseName, journal)]);
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as SuggestJson;
}

const HEADER = /^# Written by seccomp-explain \S+ from 1 denial of .+\n/;

describe('seccomp-explain suggest on what a real systemd 252 logged', () => {
  it('Mattermost: ~@resources after @system-service; allow setrlimit alone', () => {
    const report = suggest('01-mattermost-setrlimit');
    expect(report.findings).toEqual([expect.objectContaining({
      abi: 'x86_64', syscall: 'setrlimit', action: 'kill_process', cause: 'SystemCallFilter',
      directive: 'SystemCallFilter=~@debug @privileged @resources', via: '@resources',
      source: `${fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service')}:12`,
    })]);
    expect(report.dropin?.path).toBe('/etc/systemd/system/rigtest.service.d/zz-seccomp-explain.conf');
    expect(report.dropin?.text.replace(HEADER, '')).toBe('[Service]\nSystemCallFilter=setrlimit\n');
    expect(report.added).toEqual({ x86_64: ['setrlimit'] });
  });

  it('a pure deny list: allow mount, then on the next run umount2, in the same drop-in', () => {
    const first = suggest('02-deny-mount');
    expect(first.dropin?.text.replace(HEADER, '')).toBe('[Service]\nSystemCallFilter=mount\n');
    const second = suggest('02-deny-mount', 'journal-after-allowing-mount.short', ['--unit-file', fixture('rig', '02-deny-mount', 'zz-seccomp-explain.conf')]);
    expect(second.findings.map((finding) => [finding.syscall, finding.cause])).toEqual([['umount2', 'SystemCallFilter']]);
    expect(second.dropin?.text.replace(HEADER, '')).toBe('# Kept from earlier runs: mount\n[Service]\nSystemCallFilter=mount umount2\n');
    expect(second.added).toEqual({ x86_64: ['umount2'] });
  });

  it('an i386 binary under SystemCallArchitectures=native: admit x86, which keeps native', () => {
    const report = suggest('03-arch-native-i386');
    expect(report.findings).toEqual([expect.objectContaining({ abi: 'i386', syscall: 'brk', action: 'kill_thread', cause: 'SystemCallArchitectures', directive: 'SystemCallArchitectures=native' })]);
    expect(report.dropin?.text.replace(HEADER, '')).toBe('[Service]\nSystemCallArchitectures=x86\n');
    expect(report.architectures).toEqual(['x86']);
  });

  it('says so when the unit\'s settings allow the call', () => {
    const result = runCli(['suggest', '--json', '--systemd-version', '252', '--unit-file', fixture('rig', '02-deny-mount', 'case', 'rigtest.service'), fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    const report = JSON.parse(result.stdout) as SuggestJson;
    expect(report.findings.map((finding) => finding.cause)).toEqual(['not-this-unit']);
    expect(report.dropin).toBeNull();
  });

  it('prints the explanation and the drop-in for people', () => {
    const result = runCli(['suggest', '--systemd-version', '252', '--unit-file', fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service'), fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(result.stdout).toContain('SystemCallFilter=~@debug @privileged @resources (through @resources)');
    expect(result.stdout).toMatch(/removing @resources instead would also allow 11 other syscalls: ioprio_set/);
    expect(result.stdout).toContain('# /etc/systemd/system/rigtest.service.d/zz-seccomp-explain.conf\n# Written by seccomp-explain');
    expect(result.stdout).toContain('then: systemctl daemon-reload && systemctl restart rigtest.service');
  });

  it('asks for what it needs', () => {
    const noUnit = runCli(['suggest', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(noUnit.status).toBe(2);
    expect(noUnit.stderr).toMatch(/--unit/);
    expect(runCli(['suggest', '--unit', 'bad/name', '--unit-file', fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service')]).status).toBe(2);
  });
});
