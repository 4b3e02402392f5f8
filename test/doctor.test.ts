// doctor's checks, from hand-written host facts: each check in each of its states, and the
// report's words. What doctor reads on a real host is in test/doctor-cli.test.ts and the e2e
// cases test/systemd-e2e/cases/doctor-*.
import { describe, expect, it } from 'vitest';
import { renderDoctorJson, renderDoctorText, PLAIN_PALETTE, type DoctorReport } from '../src/render/index.js';
import {
  bundledGroupsFor, denialsLogged, doctorChecks, excludeRulesForSeccomp, kernelConfigAudit, kernelLogLoss, logSeccompEnabled, parseAuditStatus,
  parseUnitFile, type DoctorCheck, type DoctorUnit, type HostFacts,
} from '../src/systemd/index.js';

const groups = bundledGroupsFor('252');

/** A Debian host without auditd whose journald reads the audit socket: every denial but errno ones is logged. */
const healthy: HostFacts = {
  actionsLogged: ['kill_process', 'kill_thread', 'trap', 'errno', 'user_notif', 'trace', 'log'],
  actionsAvailable: ['kill_process', 'kill_thread', 'trap', 'errno', 'user_notif', 'trace', 'log', 'allow'],
  kernelCommandLine: 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0b5e ro quiet',
  pid1Name: 'systemd',
  pid1LogsSeccomp: false,
  kernelAudit: { code: 'config', source: '/boot/config-6.1.0-18-amd64', audit: true, auditSyscall: true },
  auditRules: { code: 'no-auditctl' },
  auditStatus: null,
  auditdRuns: false,
  journaldAuditSocket: 'active',
  container: null,
  kernelLog: { source: 'journal', suppressed: 0, lostLines: [], lostLineCount: 0 },
};

function unit(name: string, text: string, needDaemonReload: boolean | null = null): DoctorUnit {
  return {
    configuration: { unit: name, files: [parseUnitFile(text, `/etc/systemd/system/${name}`)] },
    loaded: needDaemonReload === null ? null : { needDaemonReload, syscallFilter: null },
  };
}

const KILLING = unit('app.service', '[Service]\nExecStart=/usr/bin/app\nSystemCallArchitectures=native\nSystemCallFilter=@system-service\n');
const EPERM = unit('app.service', '[Service]\nExecStart=/usr/bin/app\nSystemCallFilter=@system-service\nSystemCallErrorNumber=EPERM\n');

function check<Id extends DoctorCheck['id']>(id: Id, facts: Partial<HostFacts>, withUnit: DoctorUnit | null = null): Extract<DoctorCheck, { id: Id }> {
  const found = doctorChecks({ ...healthy, ...facts }, withUnit, groups).find((entry) => entry.id === id);
  if (!found) throw new Error(`no ${id} check`);
  return found as Extract<DoctorCheck, { id: Id }>;
}

function line(id: DoctorCheck['id'], facts: Partial<HostFacts>, withUnit: DoctorUnit | null = null): string {
  const checks = doctorChecks({ ...healthy, ...facts }, withUnit, groups);
  const report: DoctorReport = { unit: withUnit?.configuration.unit ?? null, checks, logged: denialsLogged(checks) };
  const lines = renderDoctorText(report, report.logged ? 0 : 1, PLAIN_PALETTE).split('\n');
  const index = lines.findIndex((text) => text.includes(`  ${id}: `));
  return [lines[index], lines[index + 1]?.startsWith('      fix: ') ? lines[index + 1] : null].filter((text) => text !== null).join('\n');
}

describe('kernel.seccomp.actions_logged', () => {
  it('is ok with every action the kernel logs by default', () => {
    expect(line('actions-logged', {})).toBe('ok    actions-logged: kernel.seccomp.actions_logged holds kill_process kill_thread trap errno user_notif trace log');
  });

  it('warns without errno: errno denials are not logged even where a filter asks for it', () => {
    const facts = { actionsLogged: ['kill_process', 'kill_thread', 'trap', 'user_notif', 'trace', 'log'] };
    expect(check('actions-logged', facts)).toMatchObject({ status: 'warn', missing: ['errno'], missingNeeded: [] });
    expect(line('actions-logged', facts)).toBe([
      'warn  actions-logged: kernel.seccomp.actions_logged lacks errno: errno denials are not logged even when the filter asks for it (SYSTEMD_LOG_SECCOMP=1)',
      '      fix: sysctl -w kernel.seccomp.actions_logged="kill_process kill_thread trap errno user_notif trace log", and keep it in /etc/sysctl.d/ (the kernel\'s default logs every action but allow)',
    ].join('\n'));
  });

  it('fails without errno when PID 1 asks for errno denials to be logged and the unit\'s are errnos', () => {
    const facts = { actionsLogged: ['kill_process', 'kill_thread', 'log'], pid1LogsSeccomp: true };
    expect(check('actions-logged', facts, EPERM)).toMatchObject({ status: 'fail', missing: ['errno'], missingNeeded: ['errno'] });
    expect(check('actions-logged', facts, KILLING)).toMatchObject({ status: 'warn', missingNeeded: [] });
  });

  it('fails without kill_process: no kill is logged', () => {
    const facts = { actionsLogged: ['kill_thread', 'errno', 'log'] };
    expect(check('actions-logged', facts)).toMatchObject({ status: 'fail', missingNeeded: ['kill_process'] });
    expect(line('actions-logged', facts)).toContain('lacks kill_process: seccomp kills are not logged; the denials asked about need kill_process');
    expect(check('actions-logged', facts, KILLING).status).toBe('fail');
    // A unit without any seccomp setting has no denial to log.
    expect(check('actions-logged', facts, unit('plain.service', '[Service]\nExecStart=/bin/true\n')).status).toBe('warn');
  });

  it('warns when it cannot be read, and leaves out actions the kernel does not have', () => {
    expect(check('actions-logged', { actionsLogged: null }).status).toBe('warn');
    expect(check('actions-logged', { actionsLogged: ['kill_process', 'kill_thread', 'errno'], actionsAvailable: ['kill_process', 'kill_thread', 'errno'] }).status).toBe('ok');
  });
});

describe('errno denials and SYSTEMD_LOG_SECCOMP', () => {
  it('fails for a unit with SystemCallErrorNumber=EPERM when PID 1 runs without SYSTEMD_LOG_SECCOMP=1', () => {
    expect(check('errno-logging', {}, EPERM)).toMatchObject({
      status: 'fail',
      errnoSettings: [{ key: 'SystemCallErrorNumber', value: 'EPERM', errno: 'EPERM', source: { path: '/etc/systemd/system/app.service', line: 4 } }],
    });
    expect(line('errno-logging', {}, EPERM)).toBe([
      'fail  errno-logging: app.service\'s seccomp denials are errnos, and PID 1 runs without SYSTEMD_LOG_SECCOMP=1, so the kernel logs none of them: SystemCallErrorNumber=EPERM (/etc/systemd/system/app.service:4: EPERM)',
      '      fix: add SYSTEMD_LOG_SECCOMP=1 to the kernel command line (the kernel hands it to PID 1\'s environment; GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and reboot; to find the call without a reboot, run the program under the unit\'s filter in log mode: seccomp-explain run --unit app.service -- COMMAND',
    ].join('\n'));
  });

  it('is ok for the same unit when PID 1 runs with it, and for a unit whose denials are kills', () => {
    expect(check('errno-logging', { pid1LogsSeccomp: true }, EPERM).status).toBe('ok');
    expect(line('errno-logging', {}, KILLING)).toBe('ok    errno-logging: app.service has no setting that answers a call with an errno: its seccomp denials are kills, which are logged without SYSTEMD_LOG_SECCOMP');
  });

  it('finds name:ERRNO entries and the settings systemd builds as errno filters', () => {
    const mixed = unit('mixed.service', [
      '[Service]', 'SystemCallFilter=~@mount:EPERM @swap', 'RestrictAddressFamilies=AF_UNIX', 'LockPersonality=yes', 'MemoryDenyWriteExecute=no',
    ].join('\n'));
    expect(check('errno-logging', {}, mixed).errnoSettings.map(({ key, errno }) => `${key} ${errno}`)).toEqual([
      'SystemCallFilter EPERM', 'RestrictAddressFamilies EAFNOSUPPORT', 'LockPersonality EPERM',
    ]);
    // Without a filter SystemCallErrorNumber= does nothing.
    expect(check('errno-logging', {}, unit('x.service', '[Service]\nSystemCallErrorNumber=EPERM\n')).status).toBe('ok');
  });

  it('without a unit warns that errno denials are silent, and is ok when PID 1 logs them', () => {
    expect(check('errno-logging', {}).status).toBe('warn');
    expect(check('errno-logging', { pid1LogsSeccomp: true }).status).toBe('ok');
    expect(check('errno-logging', { pid1LogsSeccomp: null }, EPERM).status).toBe('warn');
  });

  it('reads SYSTEMD_LOG_SECCOMP as systemd\'s getenv_bool does', () => {
    expect(['1', 'yes', 'true', 'on', 'Y'].map(logSeccompEnabled)).toEqual([true, true, true, true, true]);
    expect(['0', 'no', '', 'maybe', undefined].map(logSeccompEnabled)).toEqual([false, false, false, false, false]);
  });
});

describe('audit', () => {
  it('fails when the kernel was booted with audit=0, not when init got it after --', () => {
    expect(check('audit-boot', { kernelCommandLine: 'root=/dev/sda1 audit=0 quiet' })).toMatchObject({ status: 'fail', parameter: 'audit=0' });
    expect(line('audit-boot', { kernelCommandLine: 'root=/dev/sda1 audit=0' })).toContain('fix: remove audit=0 from the kernel command line');
    expect(check('audit-boot', { kernelCommandLine: 'root=/dev/sda1 audit=0 audit=1' }).status).toBe('ok');
    expect(check('audit-boot', { kernelCommandLine: 'root=/dev/sda1 -- audit=0' }).status).toBe('ok');
    expect(check('audit-boot', {}).status).toBe('ok');
  });

  it('fails for a kernel without CONFIG_AUDIT', () => {
    expect(kernelConfigAudit('CONFIG_AUDIT=y\nCONFIG_AUDITSYSCALL=y\n', '/proc/config.gz')).toEqual({ code: 'config', source: '/proc/config.gz', audit: true, auditSyscall: true });
    const without = kernelConfigAudit('# CONFIG_AUDIT is not set\n', '/boot/config-6.6.0');
    expect(check('audit-kernel', { kernelAudit: without }).status).toBe('fail');
    expect(line('audit-kernel', { kernelAudit: without })).toContain('the kernel is built without CONFIG_AUDIT and CONFIG_AUDITSYSCALL (/boot/config-6.6.0)');
    expect(check('audit-kernel', {}).status).toBe('ok');
    expect(check('audit-kernel', { kernelAudit: { code: 'loginuid' } }).status).toBe('ok');
    expect(check('audit-kernel', { kernelAudit: { code: 'unknown' } }).status).toBe('warn');
  });

  it('fails on Flatcar\'s exclude rule, which drops every record', () => {
    const flatcar = { auditRules: { code: 'listed' as const, rules: ['-a always,exclude -F msgtype>0'] } };
    expect(check('audit-rules', flatcar).status).toBe('fail');
    expect(line('audit-rules', flatcar)).toBe([
      'fail  audit-rules: audit exclude rules drop every seccomp record (type SECCOMP, 1326): -a always,exclude -F msgtype>0',
      '      fix: auditctl -d always,exclude -F msgtype>0, and take them out of /etc/audit/rules.d/ (augenrules --load)',
    ].join('\n'));
    expect(check('audit-rules', { auditRules: { code: 'listed', rules: [] } }).status).toBe('ok');
  });

  it('tells exclude rules that drop SECCOMP from those that do not', () => {
    expect(excludeRulesForSeccomp([
      '-a never,exclude -F msgtype=SECCOMP',
      '-a exclude,always -F msgtype=1326',
      '-a always,exclude -F msgtype=CWD',
      '-a always,exclude -F msgtype>=1400',
      '-a always,exclude -F msgtype=SECCOMP -F exe=/usr/bin/noisy',
      '-a always,exit -F arch=b64 -S execve',
    ])).toEqual({
      dropAll: ['-a never,exclude -F msgtype=SECCOMP', '-a exclude,always -F msgtype=1326'],
      dropSome: ['-a always,exclude -F msgtype=SECCOMP -F exe=/usr/bin/noisy'],
    });
    expect(check('audit-rules', { auditRules: { code: 'listed', rules: ['-a always,exclude -F msgtype=SECCOMP -F uid=33'] } }).status).toBe('warn');
    expect(check('audit-rules', { auditRules: { code: 'not-read', message: 'You must be root to run this program.' } }).status).toBe('warn');
  });
});

describe('where the records go', () => {
  it('is ok while journald reads the audit socket, and warns when it is off and no auditd runs', () => {
    expect(line('record-destination', {})).toBe('ok    record-destination: journald reads the audit socket (systemd-journald-audit.socket is active): seccomp records are in the journal (journalctl _TRANSPORT=audit)');
    expect(line('record-destination', { journaldAuditSocket: 'inactive' })).toBe([
      'warn  record-destination: no auditd runs and systemd-journald-audit.socket is not active: seccomp records reach only the kernel log, whose rate limit drops them in bursts',
      '      fix: systemctl enable systemd-journald-audit.socket && systemctl stop systemd-journald && systemctl start systemd-journald-audit.socket systemd-journald (systemd will not start the socket while journald runs; or install and start auditd)',
    ].join('\n'));
  });

  it('sends the reader to audit.log when auditd runs', () => {
    expect(check('record-destination', { auditdRuns: true, journaldAuditSocket: 'inactive' })).toMatchObject({ status: 'ok', destination: 'auditd' });
    expect(line('record-destination', { auditdRuns: true })).toContain('auditd runs: seccomp records go to /var/log/audit/audit.log (ausearch -m SECCOMP), not to the journal\'s kernel transport');
  });

  it('warns in a container: the records go to the host\'s log', () => {
    expect(check('container', { container: 'docker' }).status).toBe('warn');
    expect(line('container', { container: 'docker' })).toContain('running in a container (docker): the kernel sends its audit records to the host\'s log');
    expect(check('container', {}).status).toBe('ok');
  });

  it('says when PID 1 is not systemd, and leaves out the SYSTEMD_LOG_SECCOMP check without a unit', () => {
    const checks = doctorChecks({ ...healthy, pid1Name: 'process_api', journaldAuditSocket: null }, null, groups);
    expect(checks.find((entry) => entry.id === 'pid1')?.status).toBe('warn');
    expect(checks.some((entry) => entry.id === 'errno-logging')).toBe(false);
    expect(check('pid1', {}).status).toBe('ok');
  });
});

describe('loss since boot', () => {
  it('warns on audit_lost and on the kernel\'s lines of dropped records', () => {
    expect(parseAuditStatus('enabled 1\nfailure 1\npid 0\nrate_limit 0\nbacklog_limit 64\nlost 17\nbacklog 0\n')).toEqual({ enabled: 1, lost: 17, backlogLimit: 64, rateLimit: 0 });
    expect(check('record-loss', { auditStatus: { enabled: 1, lost: 17, backlogLimit: 64, rateLimit: 0 } }).status).toBe('warn');
    expect(check('record-loss', { auditStatus: { enabled: 1, lost: 0, backlogLimit: 8192, rateLimit: 0 } }).status).toBe('ok');
    const log = kernelLogLoss('audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64\naudit: backlog limit exceeded\nkauditd_printk_skb: 12 callbacks suppressed\n', 'journal');
    expect(log).toEqual({ source: 'journal', suppressed: 12, lostLines: ['audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64', 'audit: backlog limit exceeded'], lostLineCount: 2 });
    expect(line('record-loss', { kernelLog: log })).toContain('the kernel log of this boot says records were dropped: "audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64", "audit: backlog limit exceeded"');
  });

  it('counts suppressed printk messages only where the kernel log is the records\' only way out', () => {
    const suppressed = kernelLogLoss('kauditd_printk_skb: 47 callbacks suppressed\n', 'dmesg');
    expect(check('record-loss', { kernelLog: suppressed }).status).toBe('ok');
    expect(check('record-loss', { kernelLog: suppressed, journaldAuditSocket: 'inactive' }).status).toBe('warn');
    expect(check('record-loss', { kernelLog: null, auditStatus: null }).status).toBe('warn');
  });
});

describe('the unit', () => {
  it('lists its seccomp settings, and warns when it has none', () => {
    expect(line('unit-settings', {}, KILLING)).toBe('ok    unit-settings: app.service sets SystemCallFilter=@system-service, SystemCallArchitectures=native');
    expect(check('unit-settings', {}, unit('plain.service', '[Service]\nExecStart=/bin/true\n')).status).toBe('warn');
  });

  it('warns about +commands, which run outside the filters', () => {
    const plus = unit('plus.service', '[Service]\nExecStartPre=-+/usr/bin/prepare\nExecStart=/usr/bin/app\nExecStartPost=!/usr/bin/notify\nSystemCallFilter=@system-service\n');
    expect(check('unit-unsandboxed-commands', {}, plus)).toMatchObject({ status: 'warn', commands: [{ key: 'ExecStartPre', value: '-+/usr/bin/prepare' }] });
    expect(line('unit-unsandboxed-commands', {}, plus)).toContain('plus.service runs ExecStartPre=-+/usr/bin/prepare (/etc/systemd/system/plus.service:2) with the + prefix');
    expect(check('unit-unsandboxed-commands', {}, KILLING).status).toBe('ok');
  });

  it('warns when the loaded unit differs from its files', () => {
    const stale = unit('app.service', '[Service]\nSystemCallFilter=@system-service\n', true);
    expect(line('unit-reload', {}, stale)).toBe([
      'warn  unit-reload: app.service\'s files changed since PID 1 loaded it (NeedDaemonReload=yes): the running filter is the old one',
      '      fix: systemctl daemon-reload && systemctl restart app.service',
    ].join('\n'));
    expect(check('unit-reload', {}, unit('app.service', '[Service]\nSystemCallFilter=@system-service\n', false)).status).toBe('ok');
    expect(doctorChecks(healthy, KILLING, groups).some((entry) => entry.id === 'unit-reload')).toBe(false);
  });
});

describe('the report', () => {
  it('puts the worst first and says whether a denial would be logged', () => {
    const checks = doctorChecks({ ...healthy, journaldAuditSocket: 'inactive' }, EPERM, groups);
    expect(checks.map((entry) => `${entry.status} ${entry.id}`)).toEqual([
      'fail errno-logging', 'warn record-destination', 'ok pid1', 'ok container', 'ok actions-logged', 'ok audit-boot', 'ok audit-kernel', 'ok audit-rules',
      'ok record-loss', 'ok unit-settings', 'ok unit-unsandboxed-commands',
    ]);
    expect(denialsLogged(checks)).toBe(false);
    expect(denialsLogged(doctorChecks(healthy, KILLING, groups))).toBe(true);
    const report: DoctorReport = { unit: 'app.service', checks, logged: false };
    expect(renderDoctorText(report, 1, PLAIN_PALETTE).trimEnd().split('\n').at(-1)).toBe('a seccomp denial of app.service would not be logged: mend the failures above (exit 1)');
  });

  it('writes --json as { checks: [{ id, status, detail, fix, data }] }', () => {
    const checks = doctorChecks(healthy, null, groups);
    const json = JSON.parse(renderDoctorJson({ unit: null, checks, logged: true }, 0)) as { checks: { id: string; status: string; detail: string; fix: string | null; data: unknown }[]; logged: boolean; exit_status: number };
    expect(json.checks[0]).toEqual({
      id: 'errno-logging', status: 'warn', detail: expect.stringContaining('PID 1 runs without SYSTEMD_LOG_SECCOMP=1') as unknown, fix: expect.stringContaining('SYSTEMD_LOG_SECCOMP=1') as unknown,
      data: { logSeccomp: false, unit: null, errnoSettings: [] },
    });
    expect(json.checks.find((entry) => entry.id === 'pid1')).toMatchObject({ status: 'ok', fix: null });
    expect([json.logged, json.exit_status]).toEqual([true, 0]);
  });

  it('escapes what it did not write itself', () => {
    const hostile = unit('app.service', '[Service]\nSystemCallFilter=@system-service \u001b[2J\n');
    expect(line('unit-settings', { container: 'x\u001b]0;y' }, hostile)).not.toContain('\u001b');
    expect(line('container', { container: 'x\u001b]0;y' })).not.toContain('\u001b');
  });
});
