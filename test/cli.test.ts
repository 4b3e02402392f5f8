import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './support/run.js';

const MATTERMOST = fixture('reported', 'mattermost-setrlimit.log');

describe('seccomp-explain explain, as the README shows it', () => {
  it('explains the Mattermost record', () => {
    const result = runCli([MATTERMOST]);
    expect(result.stdout).toBe(
      'setrlimit (x86_64 #160)  kill_process  1×  /opt/mattermost/bin/mattermost (comm mattermost, uid 1009)\n' +
      '  first 2023-03-16 13:12:30Z  last 2023-03-16 13:12:30Z  pids 2999066\n' +
      'kill_process: the whole process was killed with SIGSYS at this call\n' +
      '1 distinct denial from 1 seccomp record in 1 line\n',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('reads a pipe the same as a file, and "explain" is the default command', () => {
    const viaPipe = runCli([], readFileSync(MATTERMOST));
    const viaCommand = runCli(['explain', '-'], readFileSync(MATTERMOST));
    expect(viaPipe.stdout).toBe(runCli([MATTERMOST]).stdout);
    expect(viaCommand.stdout).toBe(viaPipe.stdout);
  });

  it('counts the kernel line and journald\'s audit copy of one event once', () => {
    const result = runCli([fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(result.stdout).toBe(
      'setrlimit (x86_64 #160)  kill_process  1×  /opt/rig/prog (comm prog, uid 0)\n' +
      '  first 2026-11-23 13:17:17Z  last 2026-11-23 13:17:17Z  pids 15216  host rig\n' +
      'kill_process: the whole process was killed with SIGSYS at this call\n' +
      `next: systemd says rigtest.service died of SIGSYS; \`seccomp-explain suggest --unit rigtest.service ${fixture('rig', '01-mattermost-setrlimit', 'journal.short')}\` names the setting that blocked the call and the drop-in that fixes it\n` +
      '1 distinct denial from 2 seccomp records in 6 lines; 1 record seen twice counted once\n',
    );
  });

  it('explains an i386 binary killed under SystemCallArchitectures=native, from a real systemd host\'s dmesg', () => {
    const result = runCli(['--json', fixture('rig', '03-arch-native-i386', 'dmesg.log')]);
    if (result.status === 2) throw new Error(result.stderr);
    const document = JSON.parse(result.stdout) as { denials: { abi: string; syscall: string; action: string }[] };
    expect(document.denials.map(({ abi, syscall, action }) => ({ abi, syscall, action }))).toEqual([
      { abi: 'i386', syscall: 'brk', action: 'kill_thread' },
    ]);
  });

  it('prints the --json document with the documented fields', () => {
    const result = runCli(['--json', MATTERMOST]);
    expect(JSON.parse(result.stdout)).toEqual({
      denials: [{
        abi: 'x86_64', arch: 'c000003e', nr: 160, syscall: 'setrlimit', action: 'kill_process', count: 1,
        exe: '/opt/mattermost/bin/mattermost', comm: 'mattermost', first: '2023-03-16T13:12:30.266Z',
        last: '2023-03-16T13:12:30.266Z', pids: [2999066], pid_count: 1, uids: [1009], users: [], hosts: [],
        formats: ['kernel'], notes: [], note_codes: [],
      }],
      stats: { lines: 1, records: 1, duplicates: 0, filtered: 0, malformed: 0, overflow: 0 },
    });
  });

  it('prints one --ndjson line per event with the documented fields', () => {
    const result = runCli(['--ndjson', fixture('formats', 'journal-duplicate', 'input.log')]);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(7);
    // The event's first sighting is journald's audit copy, stamped to the second, without serial.
    expect(lines[0]).toEqual({
      time: '2026-11-23T13:15:03.000Z', serial: null, host: 'web1', pid: 13052, comm: 'seccomp-trigger',
      exe: '/tmp/sc-fixtures/x86_64/seccomp-trigger', uid: 0, user: null, auid: null, ses: null, arch: 'c000003e', abi: 'x86_64',
      nr: 160, syscall: 'setrlimit', action: 'kill_process', code: '0x80000000', signal: 'SIGSYS', compat: false,
      ip: '0x7f4c0ab80829', format: 'journal-audit', notes: [], note_codes: [],
    });
  });

  it('filters by program and time', () => {
    const input = fixture('formats', 'dmesg', 'input.log');
    const byExe = JSON.parse(runCli(['--json', '--exe', '*/i386/*', input]).stdout) as { denials: { abi: string }[]; stats: { filtered: number } };
    expect(byExe.denials.map((denial) => denial.abi)).toEqual(['i386', 'i386']);
    expect(byExe.stats.filtered).toBeGreaterThan(0);
    const byComm = JSON.parse(runCli(['--json', '--comm', 'my app', input]).stdout) as { denials: { exe: string }[] };
    expect(byComm.denials.map((denial) => denial.exe)).toEqual(['/tmp/sc-fixtures/sc dir/my trigger']);
    const window = JSON.parse(runCli(['--json', '--since', '2026-11-23 13:16:00', '--until', '@1795439780', input]).stdout) as { denials: { first: string }[] };
    expect(window.denials.map((denial) => denial.first)).toEqual(['2026-11-23T13:16:09.216Z', '2026-11-23T13:16:09.216Z', '2026-11-23T13:16:15.272Z']);
    expect(runCli(['--comm', 'nothing-like-this', input]).status).toBe(1);
  });

  it('reads gzip on standard input', () => {
    const result = runCli(['--json'], gzipSync(readFileSync(MATTERMOST)));
    expect((JSON.parse(result.stdout) as { stats: { records: number } }).stats.records).toBe(1);
  });

  it('escapes terminal control bytes that a log smuggles into comm or exe', () => {
    const hostile = `audit: type=1326 audit(1678972350.266:4): auid=1 uid=1 gid=1 ses=1 pid=1 comm=1B5D303B6F776E6564071B5B324A exe="/x" sig=31 arch=c000003e syscall=160 compat=0 ip=0x1 code=0x80000000\n`;
    const result = runCli([], hostile);
    expect(result.stdout).not.toMatch(/\x1b/);
    expect(result.stdout).toContain('comm \\x1b]0;owned\\x07\\x1b[2J');
  });

  it('uses colour only on request of a terminal, never when NO_COLOR is set or piped', () => {
    expect(runCli([MATTERMOST]).stdout).not.toMatch(/\x1b\[/);
    expect(runCli([MATTERMOST], '', { NO_COLOR: '1' }).stdout).not.toMatch(/\x1b\[/);
  });

  it('reports damaged records at the end, on stderr, and goes on', () => {
    const result = runCli([fixture('formats', 'mixed', 'input.log')]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('seccomp-explain: 2 malformed records skipped\n');
    expect(result.stdout).toMatch(/^12 distinct denials from 18 seccomp records in 31 lines; 1 record seen twice counted once$/m);
  });

  it('exits 1 when there is nothing to explain, 2 when the user must act', () => {
    const empty = runCli([], 'nothing here\n');
    expect(empty.status).toBe(1);
    expect(empty.stdout).toBe('no seccomp records in 1 line\n');
    const missing = runCli(['/nonexistent/audit.log']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('seccomp-explain: /nonexistent/audit.log: no such file\n');
    const badTime = runCli(['--since', 'last tuesdayish', MATTERMOST]);
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toMatch(/--since last tuesdayish: not a time/);
    expect(runCli(['--abi', 'vax', MATTERMOST]).status).toBe(2);
    expect(runCli(['--json', '--ndjson', MATTERMOST]).status).toBe(2);
    expect(runCli(['--no-such-option']).status).toBe(2);
  });

  it('reads the other inputs when one cannot be read, and still exits 2', () => {
    const result = runCli(['/nonexistent/audit.log', MATTERMOST]);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^setrlimit \(x86_64 #160\)/);
  });
});
