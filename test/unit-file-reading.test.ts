import { spawnSync, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, fixture, temporaryDirectories, type CliResult } from './support/run.js';

const temporaryDirectory = temporaryDirectories('unit-file-reading');
const LOG = fixture('rig', '01-mattermost-setrlimit', 'dmesg.log');
const UNIT = fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service');
const isRoot = process.getuid?.() === 0;

/** An image with the rig unit in /usr/lib/systemd/system, its program, and an empty /etc/systemd/system. */
function image(): string {
  const root = temporaryDirectory();
  mkdirSync(join(root, 'etc/systemd/system/rigtest.service.d'), { recursive: true });
  mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(root, 'opt/rig'), { recursive: true });
  writeFileSync(join(root, 'opt/rig/prog'), '');
  copyFileSync(UNIT, join(root, 'usr/lib/systemd/system/rigtest.service'));
  return root;
}

/** The CLI with a time limit, so that a read that hangs fails the test instead of the run. */
function run(args: string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('unit files under --root are read only when they are regular files of at most 1 MiB', () => {
  it('a FIFO in /etc/systemd/system is skipped with a warning while the unit is found and read (no hang)', () => {
    const root = image();
    execFileSync('mkfifo', [join(root, 'etc/systemd/system/x.service'), join(root, 'etc/systemd/system/rigtest.service.d/fifo.conf')]);
    const result = run(['suggest', '--systemd-version', '252', '--root', root, LOG]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe([
      `seccomp-explain: warning: skipped ${root}/etc/systemd/system/x.service: a FIFO, not a regular file`,
      `seccomp-explain: warning: skipped ${root}/etc/systemd/system/rigtest.service.d/fifo.conf: a FIFO, not a regular file`,
      '',
    ].join('\n'));
    expect(result.stdout).toContain('\nSystemCallFilter=setrlimit\n');
  });

  it.skipIf(!isRoot)('a drop-in linked to the image\'s /dev/zero (a real device node) is skipped, not read', () => {
    const root = image();
    mkdirSync(join(root, 'dev'));
    execFileSync('mknod', [join(root, 'dev/zero'), 'c', '1', '5']);
    symlinkSync('/dev/zero', join(root, 'etc/systemd/system/rigtest.service.d/zero.conf'));
    const result = run(['suggest', '--systemd-version', '252', '--unit', 'rigtest.service', '--root', root, LOG]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`seccomp-explain: warning: skipped ${root}/etc/systemd/system/rigtest.service.d/zero.conf (a link to /dev/zero in the image): a character device, not a regular file\n`);
  });

  it('a drop-in over 1 MiB is skipped with a warning', () => {
    const root = image();
    writeFileSync(join(root, 'etc/systemd/system/rigtest.service.d/huge.conf'), `[Service]\n${'#'.repeat(1024 * 1024)}\nSystemCallFilter=setrlimit\n`);
    const result = run(['suggest', '--systemd-version', '252', '--unit', 'rigtest.service', '--root', root, LOG]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`seccomp-explain: warning: skipped ${root}/etc/systemd/system/rigtest.service.d/huge.conf: larger than 1 MiB, more than any unit file\n`);
    expect(result.stdout).toContain('\nSystemCallFilter=setrlimit\n');
  });
});

describe('masked unit files and drop-ins', () => {
  it('a drop-in linked to /dev/null masks the vendor drop-in of that name instead of failing the unit', () => {
    const root = image();
    mkdirSync(join(root, 'usr/lib/systemd/system/rigtest.service.d'));
    writeFileSync(join(root, 'usr/lib/systemd/system/rigtest.service.d/50-vendor.conf'), '[Service]\nSystemCallFilter=setrlimit\n');
    symlinkSync('/dev/null', join(root, 'etc/systemd/system/rigtest.service.d/50-vendor.conf'));
    const result = run(['suggest', '--systemd-version', '252', '--unit', 'rigtest.service', '--root', root, LOG]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('\nSystemCallFilter=setrlimit\n');
  });

  it('a unit linked to /dev/null in /etc is masked even when the image has no /dev/null', () => {
    const root = image();
    symlinkSync('/dev/null', join(root, 'etc/systemd/system/rigtest.service'));
    const result = run(['suggest', '--systemd-version', '252', '--unit', 'rigtest.service', '--root', root, LOG]);
    expect(result.stderr).toBe(`seccomp-explain: ${root}/etc/systemd/system/rigtest.service is masked (a link to /dev/null)\n`);
    expect(result.status).toBe(2);
  });
});

describe('--unit-file and --systemd-groups must be regular files of at most 1 MiB', () => {
  it('a FIFO given as --unit-file is one line and exit 2, not a hang', () => {
    const fifo = join(temporaryDirectory(), 'unit.service');
    execFileSync('mkfifo', [fifo]);
    const result = run(['suggest', '--systemd-version', '252', '--unit-file', fifo, LOG]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`seccomp-explain: --unit-file ${fifo}: a FIFO, not a regular file\n`);
  });

  it('a device given as --systemd-groups is one line and exit 2', () => {
    const result = run(['suggest', '--systemd-groups', '/dev/zero', '--unit-file', UNIT, LOG]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('seccomp-explain: --systemd-groups /dev/zero: a character device, not a regular file\n');
  });

  it('a --systemd-groups file that holds no group is one line and exit 2', () => {
    const result = run(['suggest', '--systemd-groups', UNIT, '--unit-file', UNIT, LOG]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`seccomp-explain: --systemd-groups ${UNIT}: no syscall groups in it (expected saved systemd-analyze syscall-filter output)\n`);
  });

  it('a --unit-file over 1 MiB is one line and exit 2', () => {
    const big = join(temporaryDirectory(), 'big.service');
    writeFileSync(big, `[Service]\n${'#'.repeat(1024 * 1024)}\n`);
    const result = run(['suggest', '--systemd-version', '252', '--unit-file', big, LOG]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`seccomp-explain: --unit-file ${big}: larger than 1 MiB, more than any unit file\n`);
  });
});
