import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, fixture, runCli, temporaryDirectories } from './support/run.js';

const MATTERMOST = fixture('reported', 'mattermost-setrlimit.log');
const temporaryDirectory = temporaryDirectories('spelling');

describe('a mistyped command is said to be one, not taken for a file', () => {
  it.each([
    [['sugest', '--unit', 'x.service'], 'unknown command \'sugest\'; did you mean suggest?'],
    [['reprot'], 'unknown command \'reprot\'; did you mean report?'],
    [['lokup', 'setrlimit'], 'unknown command \'lokup\'; did you mean lookup?'],
    [['Ingest'], 'unknown command \'Ingest\'; did you mean ingest?'],
  ])('seccomp-explain %j', (args, message) => {
    const result = runCli(args);
    expect(result.stderr).toBe(`seccomp-explain: ${message}\n`);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  });

  it('still takes a first argument far from every command for a file', () => {
    const result = runCli(['no-such-log.txt']);
    expect(result.stderr).toBe('seccomp-explain: no-such-log.txt: no such file\n');
    expect(result.status).toBe(2);
  });

  it('explains a file that exists, whatever command it resembles', () => {
    const directory = temporaryDirectory();
    copyFileSync(MATTERMOST, join(directory, 'sugest'));
    const result = spawnSync(process.execPath, [CLI, 'sugest'], { cwd: directory, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
    expect(result.stdout).toBe(runCli([MATTERMOST]).stdout);
    expect(result.status).toBe(0);
  });
});

describe('lookup and groups offer the nearest names', () => {
  const noSyscall = (name: string, meant: string): string =>
    `seccomp-explain: ${name}: no syscall of that name in any ABI's table or systemd group; did you mean ${meant}?\n`;

  it.each([
    ['setrlimt', 'setrlimit'],
    ['SetRlimit', 'setrlimit'],
    ['sys_setrlimit', 'setrlimit'],
    ['__x64_sys_setrlimit', 'setrlimit'],
    ['compat_sys_setrlimit', 'setrlimit'],
  ])('lookup %s', (typed, meant) => {
    const result = runCli(['lookup', typed]);
    expect(result.stderr).toBe(noSyscall(typed, meant));
    expect(result.status).toBe(2);
  });

  it('offers nothing for a name near no syscall', () => {
    expect(runCli(['lookup', 'qqqqqqqq']).stderr).toBe('seccomp-explain: qqqqqqqq: no syscall of that name in any ABI\'s table or systemd group\n');
  });

  it.each([
    ['resources', '@resources'],
    ['@resorces', '@resources'],
    ['@System-Service', '@system-service'],
  ])('groups %s', (typed, meant) => {
    const result = runCli(['groups', typed, '--systemd-version', '252']);
    expect(result.stderr).toBe(`seccomp-explain: ${typed}: no such group in bundled table for systemd 252.39 (--systemd-version 252) (seccomp-explain groups lists them); did you mean ${meant}?\n`);
    expect(result.status).toBe(2);
  });
});
