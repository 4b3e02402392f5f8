// learn's drop-in (docs/learn.md): the unit's filter stops denying and logs instead; the runs
// themselves are in test/systemd-e2e/cases/learn-iterate.
import { describe, expect, it } from 'vitest';
import { hostRunsSystemd } from '../src/app/unit-loading.js';
import {
  bundledGroupsFor, learnDropIn, learnDropInOf, learningSince, parseUnitFile, replaySyscallFilter, execAssignments, withoutLearnDropIn,
  type UnitConfiguration,
} from '../src/systemd/index.js';
import { runCli } from './support/run.js';

const groups = bundledGroupsFor('252');
const SINCE = Date.parse('2026-12-07T15:00:00.000Z');
const unitFile = parseUnitFile('[Service]\nExecStart=/opt/app\nSystemCallFilter=@system-service\nSystemCallFilter=~@resources mount\n', '/etc/systemd/system/app.service');

function unit(...dropIns: [string, string][]): UnitConfiguration {
  return { unit: 'app.service', files: [unitFile, ...dropIns.map(([path, text]) => parseUnitFile(text, path))] };
}

function settings(text: string): string[] {
  return text.split('\n').filter((line) => /^[A-Za-z]+=/.test(line));
}

describe('the learn drop-in', () => {
  it('resets the filter and logs exactly what it denied, and says since when', () => {
    const drop = learnDropIn(unit(), groups, { keepDeny: false, since: SINCE, header: '# Written by seccomp-explain test' });
    expect(drop.name).toBe('zz-seccomp-explain-learn.conf');
    const [reset, log] = settings(drop.text);
    expect(reset).toBe('SystemCallFilter=');
    const notLogged = new Set(log!.slice('SystemCallLog=~'.length).split(' '));
    const replay = replaySyscallFilter(execAssignments(unit()), groups, groups.version);
    expect(notLogged).toEqual(new Set([...replay.entries.keys()]));
    expect(notLogged.has('setrlimit')).toBe(false);
    expect(learningSince(drop.text)).toBe(SINCE);
    expect(drop.unenforced).toMatchObject({ mode: 'allow', setBy: { path: '/etc/systemd/system/app.service', line: 3 }, keptDenied: [] });
  });

  it('with --keep-deny keeps what the unit takes away with ~ denied', () => {
    const drop = learnDropIn(unit(), groups, { keepDeny: true, since: SINCE, header: '# Written by seccomp-explain test' });
    const kept = settings(drop.text)[1]!;
    expect(kept.startsWith('SystemCallFilter=~')).toBe(true);
    expect(kept.split(/[~ ]/)).toEqual(expect.arrayContaining(['mount', 'setrlimit']));
    expect(drop.unenforced.keptDenied).toContain('setrlimit');
  });

  it('sorts after every drop-in of the unit, seccomp-explain\'s own suggestion among them', () => {
    const suggested = unit(['/etc/systemd/system/app.service.d/zz-seccomp-explain.conf', '# Written by seccomp-explain\n[Service]\nSystemCallFilter=mount\n']);
    const drop = learnDropIn(suggested, groups, { keepDeny: false, since: SINCE, header: '# Written by seccomp-explain test' });
    expect(drop.name).toBe('zzz-seccomp-explain-learn.conf');
    expect(drop.name > 'zz-seccomp-explain.conf').toBe(true);
    // The suggestion's mount counts as allowed: it is not logged.
    expect(settings(drop.text)[1]!.split(' ')).toContain('mount');
  });

  it('is not part of the filter that learn stop proves a drop-in against', () => {
    const drop = learnDropIn(unit(), groups, { keepDeny: false, since: SINCE, header: '# Written by seccomp-explain test' });
    const learning = unit([`/etc/systemd/system/app.service.d/${drop.name}`, drop.text]);
    expect(learnDropInOf(learning)?.path).toBe(`/etc/systemd/system/app.service.d/${drop.name}`);
    expect(withoutLearnDropIn(learning)).toEqual(unit());
  });
});

describe('seccomp-explain learn on the command line', () => {
  it('says in one line what is missing, exit 2', () => {
    const status = runCli(['learn', 'status']);
    expect(status.stderr).toBe('seccomp-explain: no unit is learning (seccomp-explain learn start UNIT)\n');
    expect(status.status).toBe(2);
    const badName = runCli(['learn', 'stop', 'no/such']);
    expect(badName.stderr).toBe('seccomp-explain: no/such: not a unit name (NAME.service, NAME.socket, …)\n');
    expect(badName.status).toBe(2);
  });

  it.skipIf(hostRunsSystemd() || process.getuid?.() !== 0)('needs systemd as PID 1, and says so', () => {
    const result = runCli(['learn', 'start', 'iterate', '--yes']);
    expect(result.stderr).toBe('seccomp-explain: learn needs systemd as PID 1, and this host\'s PID 1 is not systemd (a container without systemd cannot work: README, "Test before you ship")\n');
    expect(result.status).toBe(2);
  });
});
