import { describe, expect, it } from 'vitest';
import { packageVersion } from '../src/package-root.js';
import { fixture, runCli } from './support/run.js';

const UNIT = fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service');
const GROUPS = 'bundled table for systemd 252.39 (--systemd-version 252)';

function suggest(log: string): ReturnType<typeof runCli> {
  return runCli(['suggest', '--systemd-version', '252', '--unit-file', UNIT, fixture('suggest', log)]);
}

describe('suggest with calls and ABIs the chosen systemd cannot allow', () => {
  it('an errno denial of mseal, unknown to systemd 252: a warning, no drop-in, exit 0', () => {
    const result = suggest('mseal-errno.log');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe([
      'unit rigtest.service: named by the --unit-file',
      `files: ${UNIT}; groups: ${GROUPS}`,
      'mseal (x86_64 #462)  errno  1×  /opt/rig/prog',
      `  an errno denial (the record does not say which errno); candidates: SystemCallFilter=; mseal is in no table of ${GROUPS}: that systemd cannot allow it by name`,
      'warning: errno denials are logged only when PID 1 runs with SYSTEMD_LOG_SECCOMP=1: others of this unit may have left no record',
      `warning: mseal is unknown to ${GROUPS}: SystemCallFilter=mseal would be ignored ("System call mseal is not known, ignoring." in the unit's log), so the drop-in leaves it out; it needs a newer systemd and libseccomp`,
      '',
      'no drop-in: nothing here that a change to this unit would fix',
      '',
    ].join('\n'));
  });

  it('an alpha kill beside an x86_64 kill: the alpha one gets a warning, the drop-in allows setrlimit alone', () => {
    const result = suggest('alpha-beside-x86_64-kill.log');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe([
      'unit rigtest.service: named by the --unit-file',
      `files: ${UNIT}; groups: ${GROUPS}`,
      'setrlimit (x86_64 #160)  kill_process  1×  /opt/rig/prog',
      `  blocked by ${UNIT}:12 SystemCallFilter=~@debug @privileged @resources (through @resources)`,
      '  setrlimit was allowed, then removed from the allow list',
      '  fix: SystemCallFilter=setrlimit',
      '  removing @resources instead would also allow 11 other syscalls: ioprio_set mbind migrate_pages move_pages sched_setaffinity sched_setattr sched_setparam sched_setscheduler set_mempolicy set_mempolicy_home_node setpriority',
      'getxpid (alpha #20)  kill_thread  1×  /opt/rig/prog',
      `  alpha calls are not admitted: ${UNIT}:10 SystemCallArchitectures=native admits native; systemd has no SystemCallArchitectures= name for alpha, so no drop-in can admit it`,
      'warning: alpha has no SystemCallArchitectures= name in systemd, so the drop-in cannot admit its calls and leaves them out',
      '',
      '# /etc/systemd/system/rigtest.service.d/zz-seccomp-explain.conf',
      `# Written by seccomp-explain ${packageVersion()} from 1 denial of setrlimit (x86_64 #160), first 2026-11-23 13:17:17Z`,
      '[Service]',
      'SystemCallFilter=setrlimit',
      '',
      'then: systemctl daemon-reload && systemctl restart rigtest.service',
      '',
    ].join('\n'));
    expect(result.stdout).not.toMatch(/SystemCallArchitectures=\s*(\(|$)/m);
  });

  it('--json names the alpha finding\'s cause and leaves nothing to allow for it', () => {
    const result = runCli(['suggest', '--json', '--systemd-version', '252', '--unit-file', UNIT, fixture('suggest', 'alpha-beside-x86_64-kill.log')]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { findings: { abi: string; cause: string; allow: string | null }[]; architectures: string[] };
    expect(report.findings.map(({ abi, cause, allow }) => ({ abi, cause, allow }))).toEqual([
      { abi: 'x86_64', cause: 'SystemCallFilter', allow: 'setrlimit' },
      { abi: 'alpha', cause: 'unnamed-architecture', allow: null },
    ]);
    expect(report.architectures).toEqual([]);
  });

  it('explain --unit prints no empty SystemCallArchitectures= fix for the alpha kill', () => {
    const result = runCli(['explain', '--unit', 'rigtest.service', '--unit-file', UNIT, '--systemd-version', '252', fixture('suggest', 'alpha-beside-x86_64-kill.log')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`getxpid (alpha #20)  kill_thread  1×  /opt/rig/prog (comm prog, uid 0)\n  first 2026-11-23 13:17:17Z  last 2026-11-23 13:17:17Z  pids 15219\n  alpha calls are not admitted: ${UNIT}:10 SystemCallArchitectures=native admits native; systemd has no SystemCallArchitectures= name for alpha, so no drop-in can admit it\n`);
    expect(result.stdout).not.toContain('fix: SystemCallArchitectures=');
  });
});
