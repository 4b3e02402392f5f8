import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DropInNotWritten, writeDropIn } from '../src/app/drop-in-writer.js';
import { UsageError } from '../src/app/usage-error.js';
import { CLI, cliForOtherUsers, fixture, temporaryDirectories, type CliResult } from './support/run.js';

const temporaryDirectory = temporaryDirectories('drop-in-writer-errors');
const LOG = fixture('rig', '01-mattermost-setrlimit', 'dmesg.log');
const isRoot = process.getuid?.() === 0;
/** As root, the unprivileged user runs the CLI: root reads every file whatever its mode. */
const NOBODY = 65534;

function imageWithUnit(unit: string): string {
  const root = temporaryDirectory();
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  copyFileSync(fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service'), join(root, 'etc/systemd/system', unit));
  return root;
}

let cliForNobody: string | null = null;

/** Runs the command, as `asUser` when given, with the log on standard input (the checkout may be closed to that user). */
function run(args: string[], asUser: number | undefined = undefined): CliResult {
  if (asUser !== undefined) cliForNobody ??= cliForOtherUsers(temporaryDirectory());
  const result = spawnSync(process.execPath, [asUser === undefined ? CLI : cliForNobody as string, ...args], {
    input: readFileSync(LOG),
    encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '', TZ: 'UTC' }, uid: asUser, gid: asUser,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('file-system errors of suggest --write are the user\'s situation: one line, exit 2', () => {
  it('ENAMETOOLONG: a unit name of 255 bytes has no room for its ".d" directory', () => {
    const unit = `${'a'.repeat(247)}.service`;
    const root = imageWithUnit(unit);
    const result = run(['suggest', '--systemd-version', '252', '--unit', unit, '--root', root, '--write', '--trust-input']);
    expect(result.stderr).toBe(`seccomp-explain: cannot write ${root}/etc/systemd/system/${unit}.d: file name too long\n`);
    expect(result.status).toBe(2);
    // The drop-in it could not write is printed, for merging by hand.
    expect(result.stdout).toContain(`\n# ${root}/etc/systemd/system/${unit}.d/zz-seccomp-explain.conf\n# Written by seccomp-explain`);
    expect(result.stdout).toContain('\n[Service]\nSystemCallFilter=');
  });

  it('EACCES: an existing drop-in the user may not read', () => {
    const root = imageWithUnit('rigtest.service');
    const directory = join(root, 'etc/systemd/system/rigtest.service.d');
    mkdirSync(directory);
    const dropIn = join(directory, 'zz-seccomp-explain.conf');
    writeFileSync(dropIn, '# Written by seccomp-explain 0.1.0\n[Service]\nSystemCallFilter=mount\n');
    chmodSync(dropIn, isRoot ? 0o600 : 0o000);
    const result = run(['suggest', '--systemd-version', '252', '--unit', 'rigtest.service', '--root', root, '--write', '--trust-input'], isRoot ? NOBODY : undefined);
    expect(result.stderr).toBe([
      `seccomp-explain: warning: skipped ${dropIn}: permission denied`,
      `seccomp-explain: cannot read ${dropIn}: permission denied (run as root?)`,
      '',
    ].join('\n'));
    expect(result.status).toBe(2);
  });
});

describe('writeDropIn says where the drop-in would have gone, so that its text can still be shown', () => {
  it('a refusal carries the path', () => {
    const root = imageWithUnit('rigtest.service');
    mkdirSync(join(root, 'etc/systemd/system/rigtest.service.d'));
    const path = join(root, 'etc/systemd/system/rigtest.service.d/zz-seccomp-explain.conf');
    writeFileSync(path, '[Service]\nSystemCallFilter=mine\n');
    let thrown: unknown;
    try {
      writeDropIn(root, 'rigtest.service', 'zz-seccomp-explain.conf', '[Service]\nSystemCallFilter=setrlimit\n');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DropInNotWritten);
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as DropInNotWritten).path).toBe(path);
  });

  it('a file-system failure carries the path', () => {
    const unit = `${'b'.repeat(247)}.service`;
    const root = imageWithUnit(unit);
    expect(() => writeDropIn(root, unit, 'zz-seccomp-explain.conf', '[Service]\n')).toThrow(expect.objectContaining({
      name: 'DropInNotWritten', path: join(root, 'etc/systemd/system', `${unit}.d`, 'zz-seccomp-explain.conf'),
    }));
  });
});
