import { describe, expect, it } from 'vitest';
import { parseTimeSpec } from '../src/cli/time-spec.js';
import { fixture, runCli } from './support/run.js';

const NOW = Date.parse('2026-11-30T15:20:00Z');

describe('--since and --until take journalctl\'s time forms', () => {
  it.each([
    ['11:00', '2026-11-30T11:00:00Z'],
    ['11:00:30', '2026-11-30T11:00:30Z'],
    ['-1h', '2026-11-30T14:20:00Z'],
    ['1h ago', '2026-11-30T14:20:00Z'],
    ['1h 30min ago', '2026-11-30T13:50:00Z'],
    ['-1h30min', '2026-11-30T13:50:00Z'],
    ['+30min', '2026-11-30T15:50:00Z'],
    ['30min left', '2026-11-30T15:50:00Z'],
    ['tomorrow', '2026-12-01T00:00:00Z'],
  ])('%s', (text, time) => {
    expect(parseTimeSpec(text, NOW)).toBe(Date.parse(time));
  });

  it.each(['25:00', '11:60', '2h', '-', ' ago', '1x ago', '-30min ago', '1h and 2min ago'])('refuses %j', (text) => {
    expect(parseTimeSpec(text, NOW)).toBeNull();
  });
});

describe('--unit NAME without a type is NAME.service, as systemctl takes it', () => {
  const UNIT_FILE = fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service');
  const JOURNAL = fixture('rig', '01-mattermost-setrlimit', 'journal.short');

  it.each(['suggest', 'explain'])('%s --unit rigtest', (command) => {
    const result = runCli([command, '--json', '--unit', 'rigtest', '--systemd-version', '252', '--unit-file', UNIT_FILE, JOURNAL]);
    expect(result.stderr).toBe('');
    expect((JSON.parse(result.stdout) as { unit: string }).unit).toBe('rigtest.service');
  });

  it('still refuses what no suffix makes a unit name', () => {
    const result = runCli(['suggest', '--unit', 'a/b', JOURNAL]);
    expect(result.stderr).toBe('seccomp-explain: --unit a/b: not a unit name (NAME.service, NAME.socket, …)\n');
    expect(result.status).toBe(2);
  });
});
