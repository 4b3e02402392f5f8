import { describe, expect, it } from 'vitest';
import { CandidateLineScanner } from '../src/input/candidate-lines.js';
import { UNIT_EXIT_MARKERS, parseUnitExitLine } from '../src/records/index.js';
import { identifyUnit, parseSystemctlShow, loadedFilterAllows, type DeniedProcess } from '../src/systemd/index.js';

const NOW = Date.parse('2026-11-30T00:00:00Z');
const EXIT_SHORT = 'Nov 23 13:17:17 rig systemd[1]: rigtest.service: Main process exited, code=killed, status=31/SYS';
const EXIT_JSON = JSON.stringify({
  MESSAGE: 'rigtest.service: Main process exited, code=killed, status=31/SYS', UNIT: 'rigtest.service',
  _HOSTNAME: 'rig', __REALTIME_TIMESTAMP: '1795439837639676', MESSAGE_ID: '98e322203f7a4ed290d09fe03c09fe15',
});

function killed(overrides: Partial<DeniedProcess> = {}): DeniedProcess {
  return { time: Date.parse('2026-11-23T13:17:17.632Z'), host: 'rig', pid: 15216, exe: '/opt/rig/prog', syscall: 'setrlimit', killed: true, ...overrides };
}

describe('reading systemd\'s SIGSYS exit entries', () => {
  it('reads the short and the JSON form alike', () => {
    expect(parseUnitExitLine(EXIT_SHORT, NOW)).toMatchObject({ unit: 'rigtest.service', source: 'exit-message', host: 'rig', time: Date.parse('2026-11-23T13:17:17Z'), timePrecise: false });
    expect(parseUnitExitLine(EXIT_JSON, NOW)).toMatchObject({ unit: 'rigtest.service', host: 'rig', time: 1795439837639, timePrecise: true });
  });

  it('reads a control process and a dumped core; not other exits, and not a JSON entry whose UNIT= disagrees', () => {
    expect(parseUnitExitLine('Nov 23 13:17:17 rig systemd[1]: a.service: Control process exited, code=dumped, status=31/SYS', NOW)?.unit).toBe('a.service');
    expect(parseUnitExitLine('Nov 23 13:17:17 rig systemd[1]: a.service: Main process exited, code=killed, status=9/KILL', NOW)).toBeNull();
    expect(parseUnitExitLine('Nov 23 13:17:17 rig sh[5]: echo "x: Main process exited, code=killed, status=31/SYS" >&2', NOW)).toBeNull();
    expect(parseUnitExitLine(EXIT_JSON.replace('"UNIT":"rigtest.service"', '"UNIT":"other.service"'), NOW)).toBeNull();
  });

  it('reads systemd-coredump entries for SIGSYS only', () => {
    const core = { COREDUMP_UNIT: 'app.service', COREDUMP_PID: '42', COREDUMP_SIGNAL: '31', MESSAGE: 'Process 42 (app) of user 0 dumped core.' };
    expect(parseUnitExitLine(JSON.stringify(core), NOW)).toMatchObject({ unit: 'app.service', source: 'coredump', pid: 42 });
    expect(parseUnitExitLine(JSON.stringify({ ...core, COREDUMP_SIGNAL: '11' }), NOW)).toBeNull();
  });

  it('lets the line prefilter pass them on when asked to', () => {
    const log = Buffer.from(['Nov 23 13:17:17 rig systemd[1]: Started rigtest.service.', EXIT_SHORT, EXIT_JSON, ''].join('\n'));
    const plain = new CandidateLineScanner({ maxLineBytes: 4096 });
    expect(plain.scan(log)).toBeNull();
    const asked = new CandidateLineScanner({ maxLineBytes: 4096, extraMarkers: UNIT_EXIT_MARKERS });
    expect(asked.scan(log)?.toString()).toBe(`${EXIT_SHORT}\n${EXIT_JSON}\n`);
  });
});

describe('identifying the unit', () => {
  const exit = parseUnitExitLine(EXIT_SHORT, NOW);
  const exits = exit ? [exit] : [];

  it('ties a kill to the exit message within two seconds, on the same host', () => {
    expect(identifyUnit([killed()], exits, [])).toMatchObject({ kind: 'found', unit: 'rigtest.service', exes: ['/opt/rig/prog'] });
    expect(identifyUnit([killed({ time: Date.parse('2026-11-23T13:17:25Z') })], exits, [])).toEqual({ kind: 'none' });
    expect(identifyUnit([killed({ host: 'web1' })], exits, [])).toEqual({ kind: 'none' });
    expect(identifyUnit([killed({ killed: false })], exits, [])).toEqual({ kind: 'none' });
  });

  it('ignores a unit name systemd would not accept', () => {
    const forged = parseUnitExitLine('Nov 23 13:17:17 rig systemd[1]: ..service: Main process exited, code=killed, status=31/SYS', NOW);
    expect(identifyUnit([killed()], forged ? [forged] : [], [])).toEqual({ kind: 'none' });
  });

  it('falls back on ExecStart=, and lists every unit when several match', () => {
    const entry = { unit: 'app.service', path: '/opt/rig/prog', source: '/etc/systemd/system/app.service:9' };
    expect(identifyUnit([killed({ killed: false })], [], [entry])).toMatchObject({ kind: 'found', unit: 'app.service', howFound: 'from ExecStart= at /etc/systemd/system/app.service:9, which runs /opt/rig/prog' });
    expect(identifyUnit([killed({ killed: false })], [], [entry, { ...entry, unit: 'b.service' }])).toMatchObject({ kind: 'ambiguous', candidates: [{ unit: 'app.service' }, { unit: 'b.service' }] });
  });
});

describe('systemctl show', () => {
  it('reads the loaded filter: an allow list, a deny list with errno entries, none', () => {
    const allow = parseSystemctlShow('NeedDaemonReload=no\nSystemCallFilter=read setrlimit write\n');
    expect([loadedFilterAllows(allow, 'setrlimit'), loadedFilterAllows(allow, 'mount')]).toEqual([true, false]);
    const deny = parseSystemctlShow('NeedDaemonReload=yes\nSystemCallFilter=~mount:EPERM umount2\n');
    expect(deny.needDaemonReload).toBe(true);
    expect([loadedFilterAllows(deny, 'mount'), loadedFilterAllows(deny, 'umount2'), loadedFilterAllows(deny, 'read')]).toEqual([false, false, true]);
    expect(parseSystemctlShow('SystemCallFilter=~\n').syscallFilter).toBeNull();
  });
});
