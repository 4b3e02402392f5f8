import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, temporaryDirectories } from './support/run.js';

/**
 * A unit named with --unit or --unit-file takes only the denials the log or its own configuration
 * ties to it: its ExecStart= programs, and kills that PID 1's exit message or systemd-coredump
 * names it for. The rest are left out, said in a warning; --exe or --all-programs take them.
 */
const scratch = temporaryDirectories('suggest-named-unit-scope');
const UNIT = fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service');

/** dmesg holding the denials of several programs, none of them the unit's. */
function othersLog(): string {
  return readdirSync(fixture('kernel')).filter((name) => name !== 'capture-info.json').sort()
    .map((name) => readFileSync(fixture('kernel', name, 'dmesg.log'), 'utf8')).join('');
}

function logFile(text: string): string {
  const path = join(scratch(), 'input.log');
  writeFileSync(path, text);
  return path;
}

interface SuggestJson {
  added: Record<string, string[]>;
  architectures: string[];
  dropin: { text: string } | null;
  findings: { syscall: string }[];
  warnings: string[];
  warning_codes: { code: string; taken?: string | null; programs?: (string | null)[] }[];
}

function suggestJson(args: string[]): { status: number | null; report: SuggestJson } {
  const result = runCli(['suggest', '--json', '--systemd-version', '252', ...args]);
  return { status: result.status, report: JSON.parse(result.stdout) as SuggestJson };
}

const OTHERS = ['/tmp/sc-fixtures/sc dir/my trigger', '/tmp/sc-fixtures/x86_64/seccomp-trigger', '/tmp/sc-fixtures/i386/seccomp-trigger'];

describe('suggest --unit-file takes the denials of the unit\'s own programs', () => {
  it('keeps its ExecStart= program\'s denial and lists the other programs as left out', () => {
    const log = logFile(othersLog() + readFileSync(fixture('rig', '01-mattermost-setrlimit', 'dmesg.log'), 'utf8'));
    const result = runCli(['suggest', '--systemd-version', '252', '--unit-file', UNIT, log]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^unit rigtest\.service: named by the --unit-file\n.*\nsetrlimit \(x86_64 #160\)  kill_process  1×  \/opt\/rig\/prog\n/);
    expect(result.stdout).toContain('\nwarning: left out 15 denials of other programs (');
    expect(result.stdout).toContain('): give --unit and --exe for those, or --all-programs\n');
    expect(result.stdout).toContain('\n[Service]\nSystemCallFilter=setrlimit\n\nthen: systemctl daemon-reload && systemctl restart rigtest.service\n');
    const { report } = suggestJson(['--unit-file', UNIT, log]);
    expect(report.added).toEqual({ x86_64: ['setrlimit'] });
    expect(report.architectures).toEqual([]);
    expect(report.warning_codes.filter((warning) => warning.code === 'other-programs-left-out').map((warning) => new Set(warning.programs))).toEqual([new Set(OTHERS)]);
  });

  it('keeps a kill that systemd\'s exit message names the unit for, whatever its ExecStart= runs', () => {
    const directory = scratch();
    const unit = join(directory, 'rigtest.service');
    writeFileSync(unit, '[Service]\nExecStart=/usr/bin/true\nSystemCallFilter=~@resources\n');
    const log = logFile(othersLog() + readFileSync(fixture('rig', '01-mattermost-setrlimit', 'journal.short'), 'utf8'));
    const { status, report } = suggestJson(['--unit-file', unit, log]);
    expect(status).toBe(0);
    expect(report.added).toEqual({ x86_64: ['setrlimit'] });
    expect(report.warning_codes.map((warning) => warning.code)).toEqual(['other-programs-left-out']);
  });

  it('when nothing ties a denial to the unit, says so, leaves them out and exits 2', () => {
    const log = logFile(othersLog());
    const result = runCli(['suggest', '--systemd-version', '252', '--unit-file', UNIT, log]);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^unit rigtest\.service: named by the --unit-file\nfiles: .*\nwarning: left out 15 denials of .*: nothing in the input ties them to rigtest\.service \(no systemd exit or coredump entry names it, and its ExecStart= runs none of their programs\); give --exe PROGRAM for the unit's program, or --all-programs to take every denial\n\nno drop-in: none of the denials was taken for rigtest\.service \(see the warning above\)\n$/);
    const { report } = suggestJson(['--unit-file', UNIT, log]);
    expect(report.dropin).toBeNull();
    expect(report.findings).toEqual([]);
    expect(report.warning_codes).toEqual([expect.objectContaining({ code: 'untied-denials', unit: 'rigtest.service', denials: 15, taken: null })]);
  });

  it('--exe takes the program named, with a warning that nothing ties it to the unit', () => {
    const log = logFile(othersLog());
    const result = runCli(['suggest', '--systemd-version', '252', '--unit-file', UNIT, '--exe', '/tmp/sc-fixtures/i386/*', log]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('\nwarning: took 2 denials of /tmp/sc-fixtures/i386/seccomp-trigger because of --exe, though nothing in the input ties them to rigtest.service (no systemd exit or coredump entry names it, and its ExecStart= runs none of their programs)\n');
    expect(result.stdout).toContain('\n[Service]\nSystemCallArchitectures=x86\n');
  });

  it('--all-programs takes every program\'s denials', () => {
    const { status, report } = suggestJson(['--unit-file', UNIT, '--all-programs', logFile(othersLog())]);
    expect(status).toBe(0);
    expect(report.added).toEqual({ x86_64: ['setrlimit'] });
    expect(report.architectures).toEqual(['x32', 'x86']);
    expect(report.warning_codes[0]).toEqual(expect.objectContaining({ code: 'untied-denials', denials: 15, taken: 'all-programs' }));
  });

  it('--unit under --root: the ExecStart= of the unit found in the image', () => {
    const root = scratch();
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    copyFileSync(UNIT, join(root, 'etc/systemd/system/rigtest.service'));
    const log = logFile(othersLog() + readFileSync(fixture('rig', '02-deny-mount', 'dmesg.log'), 'utf8'));
    const { status, report } = suggestJson(['--unit', 'rigtest.service', '--root', root, log]);
    expect(status).toBe(0);
    expect(report.findings.map((finding) => finding.syscall)).toEqual(['mount']);
    expect(report.warning_codes.map((warning) => warning.code)).toEqual(['other-programs-left-out']);
  });
});
