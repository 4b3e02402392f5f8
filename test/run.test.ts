// `run` without a running systemd: the filter it gives the transient service, which logged calls
// it reports, and its report forms. The runs themselves are in test/systemd-e2e (run-* cases).
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DenialSummary } from '../src/analysis/index.js';
import { writeReportFile } from '../src/app/report-file.js';
import { hostRunsSystemd } from '../src/app/unit-loading.js';
import { loadBundledSyscallTables } from '../src/decode/index.js';
import {
  changelogLine, renderRunAnnotations, renderRunJson, renderRunJunit, renderRunText, PLAIN_PALETTE, type RunReport,
} from '../src/render/index.js';
import {
  attributeDenial, bundledGroupsFor, filterOptionsConfiguration, parseUnitFile, runProperties, wouldBeDenials, type UnitConfiguration,
} from '../src/systemd/index.js';
import { REPO, runCli, temporaryDirectories } from './support/run.js';

const temporaryDirectory = temporaryDirectories('run');

const groups = bundledGroupsFor('252');
const tables = loadBundledSyscallTables();
const mattermostPath = join(REPO, 'test', 'systemd-e2e', 'cases', 'run-mattermost', 'mattermost.service');
const mattermost: UnitConfiguration = { unit: 'mattermost.service', files: [parseUnitFile(readFileSync(mattermostPath, 'utf8'), 'mattermost.service')] };

function logged(syscall: string, nr: number, action: DenialSummary['action'] = 'log'): DenialSummary {
  return {
    abi: 'x86_64', arch: 'c000003e', nr, syscall, action, exe: '/opt/app', comm: 'app', count: 1, first: 1_796_000_000_000, last: 1_796_000_000_000,
    pids: [7], pidCount: 1, uids: [0], users: [], hosts: [], formats: ['journal-json'], notes: [],
  };
}

function logValue(configuration: UnitConfiguration): string {
  return runProperties(configuration, groups, { code: 'log' }).find((property) => property.key === 'SystemCallLog')?.value ?? '';
}

describe('the filter a run gives its transient service', () => {
  it('logs, for an allow list, every call but those it allows, and the exec that names the session', () => {
    const properties = runProperties(mattermost, groups, { code: 'log' });
    expect(properties.map((property) => property.key)).toEqual(['SystemCallArchitectures', 'SystemCallLog']);
    expect(properties[0]).toEqual({ key: 'SystemCallArchitectures', value: 'native' });
    const notLogged = logValue(mattermost).slice(1).split(' ');
    expect(logValue(mattermost).startsWith('~')).toBe(true);
    expect(notLogged).toContain('read');
    expect(notLogged).toContain('openat');
    // Denied by the unit: logged.
    for (const call of ['setrlimit', 'sched_setaffinity', 'mount', 'adjtimex', 'ptrace']) expect(notLogged).not.toContain(call);
    // Allowed by every allow list (@default), and logged all the same: the session marker.
    expect(notLogged).not.toContain('execve');
    expect(notLogged).toEqual([...notLogged].sort());
  });

  it('logs, for a deny list, the calls it denies and the marker', () => {
    const denyList = filterOptionsConfiguration('x.service', ['~@swap @reboot'], []);
    const denied = [...(groups.expanded.get('@swap') ?? []), ...(groups.expanded.get('@reboot') ?? [])];
    expect(denied).toContain('swapoff');
    expect(logValue(denyList)).toBe([...new Set([...denied, 'execve'])].sort().join(' '));
    expect(logValue(filterOptionsConfiguration('x.service', [], ['native']))).toBe('execve');
  });

  it('enforces the unit\'s own lines, with the errno asked for', () => {
    expect(runProperties(mattermost, groups, { code: 'enforce', errno: 'EPERM' })).toEqual([
      { key: 'SystemCallArchitectures', value: 'native' },
      { key: 'SystemCallFilter', value: '@system-service' },
      { key: 'SystemCallFilter', value: '~@debug @privileged @resources' },
      { key: 'SystemCallErrorNumber', value: 'EPERM' },
      { key: 'SystemCallLog', value: 'execve' },
    ]);
    expect(runProperties(mattermost, groups, { code: 'enforce', errno: 'kill' })).toContainEqual({ key: 'SystemCallErrorNumber', value: '' });
  });
});

describe('what a run reports', () => {
  it('takes a logged call as the denial the filter would make, and leaves out what it allows', () => {
    const denials = wouldBeDenials([logged('setrlimit', 160), logged('execve', 59), logged('read', 0), logged('brk', 45, 'kill_thread')], mattermost, groups);
    expect(denials.map((summary) => [summary.syscall, summary.action])).toEqual([['setrlimit', 'kill_process'], ['brk', 'kill_thread']]);
    const errnoUnit = filterOptionsConfiguration('x.service', ['@system-service'], []);
    errnoUnit.files[0]!.assignments.push({ section: 'Service', key: 'SystemCallErrorNumber', value: 'EPERM', path: 'x', line: 9 });
    expect(wouldBeDenials([logged('mount', 165)], errnoUnit, groups).map((summary) => summary.action)).toEqual(['errno']);
  });

  it('names --filter values by their place on the command line', () => {
    const configuration = filterOptionsConfiguration('seccomp-explain-run.service', ['@system-service', '~@resources'], ['native']);
    const [finding] = wouldBeDenials([logged('setrlimit', 160)], configuration, groups).map((summary) => attributeDenial(summary, { configuration, groups, tables, nativeAbi: 'x86_64' }));
    expect(finding).toMatchObject({ cause: 'SystemCallFilter', source: '--filter:2', directive: 'SystemCallFilter=~@resources', via: '@resources', allow: 'setrlimit' });
    expect(changelogLine(finding!)).toBe('now also calls setrlimit (x86_64, in @resources): units with SystemCallFilter=~@resources need SystemCallFilter=setrlimit');
  });

  const hostile = { ...logged('mount', 165), exe: '/tmp/x</failure>\u001b[2J\n::error::forged' };
  const configuration = mattermost;
  const findings = wouldBeDenials([hostile], configuration, groups).map((summary) => attributeDenial(summary, { configuration, groups, tables, nativeAbi: 'x86_64' }));
  const report: RunReport = {
    verdict: 'denials',
    command: ['/opt/app', '--flag'],
    exit: { code: 'exited', status: 0 },
    mode: { code: 'log' },
    filter: { source: 'unit', properties: runProperties(configuration, groups, { code: 'log' }) },
    transientUnit: 'seccomp-explain-run-0123456789ab.service',
    session: 42,
    suggestion: {
      unit: 'mattermost.service', howFound: 'named by the --unit-file', filesFrom: 'mattermost.service', groupsSource: groups.source,
      findings: findings.map((finding) => ({ finding, broader: [], verification: { code: 'journal-transport', transport: 'audit' }, withheld: null })),
      dropIn: null, written: null, root: null, warnings: [],
    },
    newFindings: findings,
    baselineFile: null,
    losses: [{ code: 'kernel-dropped', line: 'audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64' }],
  };

  it('writes JSON with suggest\'s fields, the verdict and the losses as codes beside their words', () => {
    const json = JSON.parse(renderRunJson(report, 1)) as Record<string, unknown>;
    expect(json).toMatchObject({
      unit: 'mattermost.service', verdict: 'denials', exit_status: 1, command_exit: { code: 'exited', status: 0 }, audit_session: 42,
      loss_codes: [{ code: 'kernel-dropped', line: 'audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64' }],
    });
    expect((json.findings as { syscall: string }[]).map((finding) => finding.syscall)).toEqual(['mount']);
    expect((json.new_calls as { changelog: string }[])[0]?.changelog).toBe('now also calls mount (x86_64): units with SystemCallFilter=@system-service need SystemCallFilter=mount');
  });

  it('keeps what the log says out of the XML, the annotations and the terminal', () => {
    const junit = renderRunJunit(report);
    expect(junit).not.toContain('</failure>\u001b');
    expect(junit).toContain('/tmp/x&lt;/failure&gt;\ufffd[2J');
    expect(junit.match(/<failure /g)).toHaveLength(2);
    const annotations = renderRunAnnotations(report).split('\n').filter(Boolean);
    expect(annotations).toHaveLength(2);
    expect(annotations.every((line) => line.startsWith('::error ') || line.startsWith('::warning '))).toBe(true);
    expect(annotations.join('\n')).not.toMatch(/\u001b/);
    expect(annotations[0]).toContain('::error::forged called mount');
    expect(renderRunText(report, 1, PLAIN_PALETTE)).not.toMatch(/\u001b/);
  });
});

describe('seccomp-explain run on the command line', () => {
  it('says in one line what is missing, exit 2', () => {
    for (const [args, said] of [
      [['run', '--', '/bin/true'], 'give the filter: --unit NAME, --unit-file FILE, or --filter SPEC'],
      [['run', '--filter', '@basic-io', '--unit', 'x.service', '--', '/bin/true'], 'give the filter either as a unit (--unit, --unit-file, --root) or as --filter, not both'],
      [['run', '--filter', '@basic-io', '--errno', 'EPERM', '--', '/bin/true'], '--errno goes with --enforce'],
      [['run', '--filter', '@basic-io', '--enforce', '--errno', 'perm', '--', '/bin/true'], '--errno perm: give an errno name (EPERM, ENOSYS…), a number, or kill'],
    ] as const) {
      const result = runCli([...args]);
      expect(result.stderr).toBe(`seccomp-explain: ${said}\n`);
      expect(result.status).toBe(2);
    }
  });

  it.skipIf(hostRunsSystemd() || process.getuid?.() !== 0)('needs systemd as PID 1, and says so', () => {
    const result = runCli(['run', '--filter', '@system-service', '--', '/bin/true']);
    expect(result.stderr).toBe('seccomp-explain: run needs systemd as PID 1, and this host\'s PID 1 is not systemd (a container without systemd cannot work: README, "Test before you ship")\n');
    expect(result.status).toBe(2);
  });
});

describe('run\'s report files', () => {
  it('replace a link planted where the report goes, never write through it', () => {
    const directory = temporaryDirectory();
    const victim = join(directory, 'victim');
    writeFileSync(victim, 'keep me\n');
    symlinkSync(victim, join(directory, 'report.json'));
    writeReportFile(join(directory, 'report.json'), '{}\n');
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(directory, 'report.json')).isFile()).toBe(true);
    expect(readFileSync(join(directory, 'report.json'), 'utf8')).toBe('{}\n');
  });
});
