// `seccomp-explain doctor` as a user types it, on this machine (PID 1 need not be systemd). The
// host's settings are read, never changed: both states of the host settings are in
// test/systemd-e2e/cases/doctor-*, and every state of every check in test/doctor.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostRunsSystemd } from '../src/app/unit-loading.js';
import { runCli, temporaryDirectories } from './support/run.js';

const temporaryDirectory = temporaryDirectories('doctor');

/** PID 1's environment, when this process may read it. */
function pid1Environment(): string[] | null {
  try {
    return readFileSync('/proc/1/environ', 'latin1').split('\0');
  } catch {
    return null;
  }
}

const environment = pid1Environment();
const pid1LogsErrno = environment?.some((entry) => /^SYSTEMD_LOG_SECCOMP=(1|yes|y|true|t|on)$/i.test(entry)) ?? null;

function unitFile(name: string, text: string): string {
  const path = join(temporaryDirectory(), name);
  writeFileSync(path, text);
  return path;
}

const EPERM_UNIT = '[Service]\nExecStart=/usr/bin/app\nSystemCallFilter=@system-service\nSystemCallErrorNumber=EPERM\n';
const KILLING_UNIT = '[Service]\nExecStart=/usr/bin/app\nSystemCallFilter=@system-service\n';

describe('seccomp-explain doctor', () => {
  it('prints one line per check, worst first, and the verdict with its exit status', () => {
    const result = runCli(['doctor']);
    const lines = result.stdout.trimEnd().split('\n');
    const checks = lines.filter((line) => /^(ok|warn|fail) /.test(line));
    const order = { fail: 0, warn: 1, ok: 2 } as Record<string, number>;
    const ranks = checks.map((line) => order[line.split(' ')[0] as string] as number);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const id of ['pid1', 'container', 'actions-logged', 'audit-boot', 'audit-kernel', 'audit-rules', 'record-destination', 'record-loss']) {
      expect(checks.filter((line) => line.includes(`  ${id}: `)), id).toHaveLength(1);
    }
    expect(lines.at(-1)).toMatch(/^a seccomp kill of any program would (be logged \(exit 0\)|not be logged: mend the failures above \(exit 1\))$/);
    expect(result.status).toBe(lines.at(-1)?.includes('exit 0') ? 0 : 1);
    expect(result.stderr).toBe('');
  });

  it.runIf(!hostRunsSystemd())('says so where PID 1 is not systemd', () => {
    const pid1 = readFileSync('/proc/1/comm', 'utf8').trim();
    expect(runCli(['doctor']).stdout).toContain(`warn  pid1: PID 1 is ${pid1}, not systemd: the journald and SYSTEMD_LOG_SECCOMP checks do not apply here\n`);
  });

  it.runIf(pid1LogsErrno === false)('fails for a unit file with SystemCallErrorNumber=EPERM, where PID 1 lacks SYSTEMD_LOG_SECCOMP=1', () => {
    const result = runCli(['doctor', '--unit-file', unitFile('app.service', EPERM_UNIT)]);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^fail  errno-logging: app\.service's seccomp denials are errnos, and PID 1 runs without SYSTEMD_LOG_SECCOMP=1, so the kernel logs none of them: SystemCallErrorNumber=EPERM \(.*app\.service:4: EPERM\)$/);
    expect(lines).toContain('a seccomp denial of app.service would not be logged: mend the failures above (exit 1)');
    expect(result.status).toBe(1);
  });

  it.runIf(pid1LogsErrno === null)('cannot tell for a unit file with SystemCallErrorNumber=EPERM where PID 1\'s environment cannot be read', () => {
    const result = runCli(['doctor', '--unit-file', unitFile('app.service', EPERM_UNIT)]);
    expect(result.stdout).toContain('warn  errno-logging: PID 1\'s environment cannot be read: whether errno denials are logged (SYSTEMD_LOG_SECCOMP=1) is unknown\n      fix: run doctor as root: sudo seccomp-explain doctor\n');
    expect(result.status).toBe(runCli(['doctor']).status);
  });

  it('passes the same unit without SystemCallErrorNumber=: its denials are kills', () => {
    const result = runCli(['doctor', '--unit-file', unitFile('app.service', KILLING_UNIT)]);
    expect(result.stdout).toContain('ok    errno-logging: app.service has no setting that answers a call with an errno: its seccomp denials are kills, which are logged without SYSTEMD_LOG_SECCOMP\n');
    expect(result.stdout).toContain('  unit-settings: app.service sets SystemCallFilter=@system-service\n');
    const host = runCli(['doctor']);
    // The unit adds no failure: the verdict is the host's.
    expect(result.status).toBe(host.status);
  });

  it('writes --json: each check with id, status, detail and fix', () => {
    const result = runCli(['doctor', '--json', '--unit-file', unitFile('app.service', EPERM_UNIT)]);
    const json = JSON.parse(result.stdout) as { checks: { id: string; status: string; detail: string; fix: string | null }[]; unit: string; logged: boolean; exit_status: number };
    expect(json.unit).toBe('app.service');
    for (const check of json.checks) {
      expect(Object.keys(check)).toEqual(['id', 'status', 'detail', 'fix', 'data']);
      expect(['ok', 'warn', 'fail']).toContain(check.status);
      if (check.status === 'ok') expect(check.fix).toBeNull();
      else expect(typeof check.fix).toBe('string');
    }
    expect(json.checks.map((check) => check.id)).toEqual(expect.arrayContaining(['errno-logging', 'unit-settings', 'unit-unsandboxed-commands']));
    expect(json.exit_status).toBe(result.status);
    expect(json.logged).toBe(result.status === 0);
    if (pid1LogsErrno === false) expect(json.checks[0]).toMatchObject({ id: 'errno-logging', status: 'fail' });
  });

  it.runIf(!hostRunsSystemd())('asks for the unit\'s file when this host cannot tell a live unit', () => {
    const result = runCli(['doctor', '--unit', 'app.service']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('this host does not run systemd: give --unit-file with app.service\'s unit file');
  });

  it('refuses what is not a unit name', () => {
    const result = runCli(['doctor', '--unit', 'app']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('shows examples in --help', () => {
    const result = runCli(['doctor', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('  $ sudo seccomp-explain doctor --unit mattermost.service\n');
    expect(result.stdout).toContain('Exit status: 0 a denial would be logged, 1 it would not (a check failed)');
  });
});
