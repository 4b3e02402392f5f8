import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tellSkippedFiles } from '../src/app/unit-tree.js';
import { loadBundledSyscallTables } from '../src/decode/index.js';
import type { DenialSummary } from '../src/analysis/index.js';
import { describeSuggestWarning, explainFinding } from '../src/render/index.js';
import { attributeDenial, bundledGroupsFor, orderUnitFiles, parseUnitFile, unitWarnings } from '../src/systemd/index.js';
import { fixture, runCli, temporaryDirectories } from './support/run.js';

const temporaryDirectory = temporaryDirectories('typed-findings');

/** rig case 01's unit with an unknown name in its allow list and an errno default action. */
const UNIT = `[Service]
ExecStart=/opt/rig/prog setrlimit
SystemCallArchitectures=native
SystemCallFilter=@system-service nosuchcall
SystemCallFilter=~@debug @privileged @resources
SystemCallErrorNumber=EPERM
`;

function unitFile(): string {
  const path = join(temporaryDirectory(), 'rigtest.service');
  writeFileSync(path, UNIT);
  return path;
}

const LOG = fixture('rig', '01-mattermost-setrlimit', 'journal.short');
const GROUPS_SOURCE = { code: 'bundled', version: '252.39', chosenBy: { code: 'systemd-version', asked: '252' } };
const REASON = { code: 'removed-from-allow-list', syscall: 'setrlimit', implicit: null, defaultErrno: 'EPERM' };
const EXPLANATION = 'setrlimit was allowed, then removed from the allow list; the default action is errno EPERM';

function warningCodes(path: string): unknown[] {
  return [
    { code: 'unknown-syscall-ignored', syscall: 'nosuchcall', groupsSource: GROUPS_SOURCE },
    { code: 'errno-unlogged', source: { path, line: 6 }, errno: 'EPERM' },
  ];
}

describe('both JSON forms carry the codes beside the words', () => {
  it('suggest --json: warning_codes beside warnings, groups_code beside groups, explanation_code beside each explanation', () => {
    const path = unitFile();
    const result = runCli(['suggest', '--json', '--systemd-version', '252', '--unit-file', path, LOG]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      groups: string; groups_code: unknown; warnings: string[]; warning_codes: unknown[];
      findings: { cause: string; explanation: string; explanation_code: unknown }[];
    };
    expect(report.groups).toBe('bundled table for systemd 252.39 (--systemd-version 252)');
    expect(report.groups_code).toEqual(GROUPS_SOURCE);
    expect(report.warning_codes).toEqual(warningCodes(path));
    expect(report.warnings).toEqual([
      'system call nosuchcall is not known to bundled table for systemd 252.39 (--systemd-version 252): systemd ignores it',
      `${path}:6 SystemCallErrorNumber=EPERM: calls this unit's SystemCallFilter= denies fail with EPERM and leave no audit record unless PID 1 runs with SYSTEMD_LOG_SECCOMP=1; for one test run, a drop-in with SystemCallErrorNumber=kill makes every denial a logged kill`,
    ]);
    expect(report.findings.map(({ cause, explanation, explanation_code }) => ({ cause, explanation, explanation_code }))).toEqual([
      { cause: 'SystemCallFilter', explanation: EXPLANATION, explanation_code: REASON },
    ]);
  });

  it('explain --json --unit-file: explanation_code beside each attribution\'s explanation', () => {
    const path = unitFile();
    const result = runCli(['explain', '--json', '--systemd-version', '252', '--unit-file', path, LOG]);
    expect(result.status).toBe(0);
    const document = JSON.parse(result.stdout) as { denials: { attribution: { cause: string; explanation: string; explanation_code: unknown } }[] };
    expect(document.denials.map(({ attribution }) => attribution)).toEqual([expect.objectContaining({
      cause: 'SystemCallFilter', explanation: EXPLANATION, explanation_code: REASON,
    })]);
  });

  it('groups --json: source_code beside source', () => {
    const result = runCli(['groups', '--json', '--systemd-version', '252', '@resources']);
    const document = JSON.parse(result.stdout) as { source: string; source_code: unknown };
    expect(document.source).toBe('bundled table for systemd 252.39 (--systemd-version 252)');
    expect(document.source_code).toEqual(GROUPS_SOURCE);
  });
});

describe('the domain holds data, not words', () => {
  const tables = loadBundledSyscallTables();
  const groups = bundledGroupsFor('252');
  const configuration = orderUnitFiles('rigtest.service', parseUnitFile(UNIT, '/etc/systemd/system/rigtest.service'), []);
  const summary: DenialSummary = {
    abi: 'x86_64', arch: 'c000003e', nr: 160, syscall: 'setrlimit', action: 'kill_process',
    exe: '/opt/rig/prog', comm: 'prog', count: 1, first: null, last: null,
    pids: [1], pidCount: 1, uids: [0], users: [], hosts: [], formats: ['kernel'], notes: [],
  };

  it('a finding and the unit\'s warnings are typed values: rewording them in src/render/ changes none of them', () => {
    const finding = attributeDenial(summary, { configuration, groups, tables, nativeAbi: 'x86_64' });
    expect(finding.reason).toEqual(REASON);
    expect(finding).not.toHaveProperty('explanation');
    expect(groups.source).toEqual(GROUPS_SOURCE);
    const warnings = unitWarnings(configuration, groups, [finding], null);
    expect(warnings).toEqual(warningCodes('/etc/systemd/system/rigtest.service'));
    expect(JSON.stringify([finding.reason, warnings])).not.toMatch(/ignores|allowed, then removed|leave no audit record/);
    expect(explainFinding(finding)).toBe(EXPLANATION);
    expect(warnings.map(describeSuggestWarning)[1]).toMatch(/^\/etc\/systemd\/system\/rigtest\.service:6 SystemCallErrorNumber=EPERM: /);
  });

  it('a skipped unit file is told once through the caller\'s tell, on one line', () => {
    const told: string[] = [];
    const report = tellSkippedFiles((message) => told.push(message));
    const fifo = { path: '/image/etc/systemd/system/x.service', linkedTo: null, reason: { code: 'not-regular', kind: 'fifo' } } as const;
    report(fifo);
    report(fifo);
    report({ path: '/image/etc/systemd/system/a\nb.conf', linkedTo: '/dev/zero', reason: { code: 'not-regular', kind: 'character-device' } });
    expect(told).toEqual([
      'warning: skipped /image/etc/systemd/system/x.service: a FIFO, not a regular file',
      'warning: skipped /image/etc/systemd/system/a\u2424b.conf (a link to /dev/zero in the image): a character device, not a regular file',
    ]);
  });
});
