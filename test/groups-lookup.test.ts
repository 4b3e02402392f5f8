import { describe, expect, it } from 'vitest';
import { runCli } from './support/run.js';

describe('seccomp-explain groups', () => {
  it('lists one group fully expanded, with the table it used', () => {
    const result = runCli(['groups', '@resources', '--systemd-version', '252', '--json']);
    const document = JSON.parse(result.stdout) as { systemd: string; source: string; groups: Record<string, string[]> };
    expect(document.systemd).toBe('252.39');
    expect(document.source).toMatch(/bundled table for systemd 252.39/);
    expect(document.groups['@resources']).toContain('setrlimit');
    expect(document.groups['@resources']).toEqual([...(document.groups['@resources'] ?? [])].sort());
  });

  it('lists every group, and refuses one that does not exist', () => {
    const all = JSON.parse(runCli(['groups', '--json', '--systemd-version', '257']).stdout) as { groups: Record<string, string[]> };
    expect(Object.keys(all.groups)).toContain('@system-service');
    expect(all.groups['@system-service']?.some((name) => name.startsWith('@'))).toBe(false);
    expect(runCli(['groups', '@nope']).status).toBe(2);
  });
});

describe('seccomp-explain lookup', () => {
  it('gives a call\'s number on every ABI and its groups in every bundled systemd', () => {
    const document = JSON.parse(runCli(['lookup', 'setrlimit', '--json']).stdout) as { name: string; numbers: Record<string, number>; groups: Record<string, string[]> };
    expect(document.numbers).toMatchObject({ x86_64: 160, i386: 75, x32: 1073741984, aarch64: 164, mips: 4075 });
    expect(document.groups['252.39']).toEqual(['@known', '@resources', '@system-service']);
  });

  it('reads a number in the given ABI, and tells when a call joined a group', () => {
    const byNumber = JSON.parse(runCli(['lookup', '75', '--abi', 'i386', '--json']).stdout) as { name: string };
    expect(byNumber.name).toBe('setrlimit');
    const seccomp = JSON.parse(runCli(['lookup', 'seccomp', '--json']).stdout) as { changes: { group: string; change: string; version: string }[] };
    expect(seccomp.changes).toContainEqual({ group: '@default', change: 'joined', version: '254.26' });
  });

  it('refuses what is no syscall', () => {
    expect(runCli(['lookup', 'not_a_syscall']).status).toBe(2);
    expect(runCli(['lookup', '99999', '--abi', 'x86_64']).status).toBe(2);
  });
});
