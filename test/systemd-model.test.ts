import { describe, expect, it } from 'vitest';
import { describeUnitWarning } from '../src/render/index.js';
import {
  bundledGroupsFor, filterVerdict, orderUnitFiles, parseSystemctlCat, parseUnitFile, replayArchitectures, replaySyscallFilter,
  type UnitAssignment,
} from '../src/systemd/index.js';

const groups252 = bundledGroupsFor('252');
const groups257 = bundledGroupsFor('257');

function assignments(text: string, path = '/etc/systemd/system/app.service'): UnitAssignment[] {
  return parseUnitFile(text, path).assignments;
}

function allowed(lines: string, name: string, groups = groups252): boolean {
  return filterVerdict(replaySyscallFilter(assignments(`[Service]\n${lines}`), groups, groups.version), name).allowed;
}

describe('reading unit files', () => {
  it('reads sections, comments, continuations and empty assignments, keeping line numbers', () => {
    const file = parseUnitFile([
      '[Unit]', 'Description=x', '# SystemCallFilter=@debug', '[Service]',
      'SystemCallFilter = @system-service \\', '  # a comment inside', '  @mount', '; also a comment', 'SystemCallFilter=',
    ].join('\n'), '/etc/systemd/system/x.service');
    expect(file.assignments.map(({ section, key, value, line }) => ({ section, key, value, line }))).toEqual([
      { section: 'Unit', key: 'Description', value: 'x', line: 2 },
      { section: 'Service', key: 'SystemCallFilter', value: '@system-service  @mount', line: 5 },
      { section: 'Service', key: 'SystemCallFilter', value: '', line: 9 },
    ]);
  });

  it('splits systemctl cat output into its files, with each file\'s own line numbers', () => {
    const files = parseSystemctlCat('# /usr/lib/systemd/system/x.service\n[Service]\nSystemCallFilter=@system-service\n\n# /etc/systemd/system/x.service.d/override.conf\n[Service]\nSystemCallFilter=setrlimit\n');
    expect(files.map((file) => [file.path, file.assignments.map((assignment) => `${assignment.line}:${assignment.value}`)])).toEqual([
      ['/usr/lib/systemd/system/x.service', ['2:@system-service']],
      ['/etc/systemd/system/x.service.d/override.conf', ['2:setrlimit']],
    ]);
  });

  it('orders drop-ins by file name across directories, /etc masking /usr/lib', () => {
    const file = (path: string) => parseUnitFile('', path);
    const configuration = orderUnitFiles('x.service', file('/usr/lib/systemd/system/x.service'), [
      file('/usr/lib/systemd/system/x.service.d/zz-vendor.conf'),
      file('/etc/systemd/system/x.service.d/override.conf'),
      file('/usr/lib/systemd/system/x.service.d/override.conf'),
      file('/run/systemd/system/x.service.d/10-run.conf'),
    ]);
    expect(configuration.files.map((each) => each.path)).toEqual([
      '/usr/lib/systemd/system/x.service',
      '/run/systemd/system/x.service.d/10-run.conf',
      '/etc/systemd/system/x.service.d/override.conf',
      '/usr/lib/systemd/system/x.service.d/zz-vendor.conf',
    ]);
  });
});

describe('replaying SystemCallFilter= as systemd merges it', () => {
  it('Mattermost: an allow list minus ~@resources denies setrlimit, and setrlimit alone re-allows it', () => {
    const unit = 'SystemCallFilter=@system-service\nSystemCallFilter=~@debug @privileged @resources';
    expect(allowed(unit, 'setrlimit')).toBe(false);
    expect(allowed(unit, 'prlimit64')).toBe(true);
    expect(allowed(`${unit}\nSystemCallFilter=setrlimit`, 'setrlimit')).toBe(true);
    expect(allowed(`${unit}\nSystemCallFilter=setrlimit`, 'setpriority')).toBe(false);
  });

  it('a plain entry after a deny list removes from the deny set, and never makes an allow list', () => {
    expect(allowed('SystemCallFilter=~@resources @debug', 'setrlimit')).toBe(false);
    expect(allowed('SystemCallFilter=~@resources @debug\nSystemCallFilter=setrlimit', 'setrlimit')).toBe(true);
    expect(allowed('SystemCallFilter=~@resources @debug\nSystemCallFilter=setrlimit', 'execve')).toBe(true);
  });

  it('an allow list starts from @default; an errno entry in it is a denial a plain entry overwrites', () => {
    expect(allowed('SystemCallFilter=setrlimit', 'execve')).toBe(true);
    expect(allowed('SystemCallFilter=setrlimit', 'socket')).toBe(false);
    const withErrno = 'SystemCallFilter=@system-service\nSystemCallFilter=~setrlimit:EPERM mount:kill';
    expect(filterVerdict(replaySyscallFilter(assignments(`[Service]\n${withErrno}`), groups252, '252'), 'setrlimit')).toMatchObject({ allowed: false, action: { kind: 'errno', errno: 'EPERM' } });
    expect(allowed(`${withErrno}\nSystemCallFilter=setrlimit`, 'setrlimit')).toBe(true);
  });

  it('an empty assignment resets, and the next line picks the mode again', () => {
    expect(allowed('SystemCallFilter=@system-service\nSystemCallFilter=\nSystemCallFilter=~@mount', 'socket')).toBe(true);
    expect(allowed('SystemCallFilter=~@mount\nSystemCallFilter=', 'mount')).toBe(true);
  });

  it('~ only counts first in the value, and a later ~word is an unknown name', () => {
    const replay = replaySyscallFilter(assignments('[Service]\nSystemCallFilter=@system-service ~@resources'), groups252, '252');
    expect(filterVerdict(replay, 'setrlimit').allowed).toBe(true);
    expect(replay.warnings.map(describeUnitWarning).join('\n')).toMatch(/~@resources/);
  });

  it('groups follow the systemd version: seccomp joined @default in 257', () => {
    expect(allowed('SystemCallFilter=@system-service', 'seccomp', groups252)).toBe(false);
    expect(allowed('SystemCallFilter=@system-service', 'seccomp', groups257)).toBe(true);
  });

  it('SystemCallArchitectures= is a union that an empty value resets', () => {
    const replay = replayArchitectures(assignments('[Service]\nSystemCallArchitectures=native\nSystemCallArchitectures=x86\nSystemCallArchitectures=\nSystemCallArchitectures=native'));
    expect([...replay.architectures]).toEqual(['native']);
  });
});
