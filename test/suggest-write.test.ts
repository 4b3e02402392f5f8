import { copyFileSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, temporaryDirectories } from './support/run.js';

interface SuggestJson {
  unit: string;
  how_found: string;
  files_from: string;
  dropin: { path: string; text: string } | null;
  findings: { syscall: string; cause: string; allow: string | null; explanation: string }[];
  added: Record<string, string[]>;
  written: { path: string; replaced: boolean } | null;
  warnings: string[];
}

const temporaryDirectory = temporaryDirectories('suggest-write');

/** An offline image with the rig case's unit in /etc/systemd/system and its program in /opt/rig. */
function imageWith(caseName: string): string {
  const root = temporaryDirectory();
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  mkdirSync(join(root, 'opt/rig'), { recursive: true });
  writeFileSync(join(root, 'opt/rig/prog'), '');
  copyFileSync(fixture('rig', caseName, 'case', 'rigtest.service'), join(root, 'etc/systemd/system/rigtest.service'));
  return root;
}


function suggestJson(args: string[]): SuggestJson {
  const result = runCli(['suggest', '--json', '--systemd-version', '252', ...args]);
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as SuggestJson;
}

const DROP_IN = 'etc/systemd/system/rigtest.service.d/zz-seccomp-explain.conf';

describe('suggest finds the unit when --unit is not given', () => {
  it('from systemd\'s "status=31/SYS" exit line in the journal (short)', () => {
    const root = imageWith('01-mattermost-setrlimit');
    const report = suggestJson(['--root', root, fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(report.unit).toBe('rigtest.service');
    expect(report.how_found).toBe('from the journal: systemd logged "rigtest.service: Main process exited, code=killed, status=31/SYS" as /opt/rig/prog (denied setrlimit) was killed');
    expect(report.dropin?.path).toBe(join(root, DROP_IN));
  });

  it('from the same entry in journalctl -o json', () => {
    const report = suggestJson(['--root', imageWith('03-arch-native-i386'), fixture('rig', '03-arch-native-i386', 'journal.json')]);
    expect(report.unit).toBe('rigtest.service');
    expect(report.how_found).toMatch(/^from the journal: systemd logged "rigtest.service: Main process exited/);
    expect(report.dropin?.text).toMatch(/\nSystemCallArchitectures=x86\n$/);
  });

  it('from a systemd-coredump entry naming the killed pid', () => {
    const kill = 'audit: type=1326 audit(1795439837.632:51): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=15216 comm="prog" exe="/usr/bin/other" sig=31 arch=c000003e syscall=160 compat=0 ip=0x439ad9 code=0x80000000';
    const coredump = JSON.stringify({
      MESSAGE: 'Process 15216 (prog) of user 0 dumped core.', COREDUMP_UNIT: 'rigtest.service', COREDUMP_PID: '15216',
      COREDUMP_SIGNAL: '31', _HOSTNAME: 'rig', __REALTIME_TIMESTAMP: '1795439899000000',
    });
    const root = imageWith('01-mattermost-setrlimit');
    const result = runCli(['suggest', '--json', '--systemd-version', '252', '--root', root], `${kill}\n${coredump}\n`);
    const report = JSON.parse(result.stdout) as SuggestJson;
    expect(report.how_found).toBe('from the journal: systemd-coredump names rigtest.service for pid 15216, killed in /usr/bin/other (denied setrlimit)');
  });

  it('from ExecStart= of the units under --root when the log has only the kernel line', () => {
    const root = imageWith('01-mattermost-setrlimit');
    const report = suggestJson(['--root', root, fixture('rig', '01-mattermost-setrlimit', 'dmesg.log')]);
    expect(report.how_found).toBe(`from ExecStart= at ${join(root, 'etc/systemd/system/rigtest.service')}:9, which runs /opt/rig/prog`);
  });

  it('lists the candidates and asks for --unit when two units run the program', () => {
    const root = imageWith('01-mattermost-setrlimit');
    copyFileSync(join(root, 'etc/systemd/system/rigtest.service'), join(root, 'etc/systemd/system/other.service'));
    const result = runCli(['suggest', '--root', root, fixture('rig', '01-mattermost-setrlimit', 'dmesg.log')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('more than one unit; give --unit NAME');
    expect(result.stderr).toMatch(/  other\.service: from ExecStart= .*\n  rigtest\.service: from ExecStart=/);
  });

  it('asks for --unit when nothing ties the denials to a unit', () => {
    const result = runCli(['suggest', '--root', imageWith('02-deny-mount'), fixture('kernel', 'x86_64-kill-process', 'dmesg.log')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cannot tell which unit the denials came from.*give --unit NAME/);
  });
});

// These runs test the writer on saved logs, whose origin the test knows: --trust-input
// (test/trust.test.ts tests what --write believes without it).
describe('suggest --write', () => {
  it('writes the drop-in 0644, then updates it in place as the unit fails on the next call', () => {
    const root = imageWith('02-deny-mount');
    const first = suggestJson(['--root', root, '--write', '--trust-input', fixture('rig', '02-deny-mount', 'journal.short')]);
    const path = join(root, DROP_IN);
    expect(first.written).toEqual({ path, replaced: false });
    expect(lstatSync(path).mode & 0o777).toBe(0o644);
    expect(readFileSync(path, 'utf8')).toMatch(/^# Written by seccomp-explain \S+ from 1 denial of mount \(x86_64 #165\), first 2026-11-23 13:17:19Z\n\[Service\]\nSystemCallFilter=mount\n$/);

    const second = suggestJson(['--root', root, '--write', '--trust-input', fixture('rig', '02-deny-mount', 'journal-after-allowing-mount.short')]);
    expect(second.findings.map((finding) => finding.syscall)).toEqual(['umount2']);
    expect(second.written).toEqual({ path, replaced: true });
    expect(readFileSync(path, 'utf8')).toMatch(/\n\[Service\]\nSystemCallFilter=mount umount2\n$/);
  });

  it('prints what to run next', () => {
    const root = imageWith('01-mattermost-setrlimit');
    const result = runCli(['suggest', '--systemd-version', '252', '--root', root, '--write', '--trust-input', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(root, DROP_IN)}\nnow (on the system under ${root}): systemctl daemon-reload && systemctl restart rigtest.service\n`);
  });

  it('says a denial its earlier drop-in already allows came before that drop-in', () => {
    const root = imageWith('01-mattermost-setrlimit');
    suggestJson(['--root', root, '--write', '--trust-input', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    const again = suggestJson(['--root', root, fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(again.findings.map((finding) => finding.cause)).toEqual(['allowed-since']);
    expect(again.dropin).toBeNull();
  });

  it('never replaces a drop-in it did not write', () => {
    const root = imageWith('01-mattermost-setrlimit');
    mkdirSync(join(root, 'etc/systemd/system/rigtest.service.d'));
    writeFileSync(join(root, DROP_IN), '[Service]\nSystemCallFilter=mine\n');
    const result = runCli(['suggest', '--systemd-version', '252', '--root', root, '--write', '--trust-input', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('was not written by seccomp-explain: not replacing it');
    expect(readFileSync(join(root, DROP_IN), 'utf8')).toBe('[Service]\nSystemCallFilter=mine\n');
  });

  it('never writes through a symbolic link', () => {
    const root = imageWith('01-mattermost-setrlimit');
    const elsewhere = temporaryDirectory();
    symlinkSync(elsewhere, join(root, 'etc/systemd/system/rigtest.service.d'));
    const linkedDirectory = runCli(['suggest', '--systemd-version', '252', '--root', root, '--write', '--trust-input', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(linkedDirectory.status).toBe(2);
    expect(linkedDirectory.stderr).toContain('is a symbolic link: not writing through it');

    rmSync(join(root, 'etc/systemd/system/rigtest.service.d'));
    mkdirSync(join(root, 'etc/systemd/system/rigtest.service.d'));
    symlinkSync(join(elsewhere, 'target.conf'), join(root, DROP_IN));
    const linkedFile = runCli(['suggest', '--systemd-version', '252', '--root', root, '--write', '--trust-input', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(linkedFile.status).toBe(2);
    expect(linkedFile.stderr).toContain('is a symbolic link: not replacing it');
  });

  it('keeps an image\'s absolute links inside the image', () => {
    const root = imageWith('01-mattermost-setrlimit');
    // /etc/systemd/system → /srv/units inside the image, never the host's /srv/units.
    mkdirSync(join(root, 'srv'));
    copyFileSync(join(root, 'etc/systemd/system/rigtest.service'), join(root, 'srv/rigtest.service'));
    rmSync(join(root, 'etc/systemd/system'), { recursive: true });
    mkdirSync(join(root, 'srv/units'));
    copyFileSync(join(root, 'srv/rigtest.service'), join(root, 'srv/units/rigtest.service'));
    symlinkSync('/srv/units', join(root, 'etc/systemd/system'));
    const report = suggestJson(['--root', root, '--write', '--trust-input', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(report.written?.path).toBe(join(root, 'srv/units/rigtest.service.d/zz-seccomp-explain.conf'));
  });

  it('refuses a unit name systemd would not accept', () => {
    const result = runCli(['suggest', '--unit', '../../etc/passwd.service', '--write', '--trust-input', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not a unit name');
  });
});

describe('warnings', () => {
  it('an errno default action: its denials leave no record', () => {
    const root = imageWith('01-mattermost-setrlimit');
    writeFileSync(join(root, 'etc/systemd/system/rigtest.service'), `${readFileSync(join(root, 'etc/systemd/system/rigtest.service'), 'utf8')}SystemCallErrorNumber=EPERM\n`);
    const report = suggestJson(['--root', root, fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(report.warnings).toContainEqual(expect.stringMatching(/rigtest\.service:\d+ SystemCallErrorNumber=EPERM: calls this unit's SystemCallFilter= denies fail with EPERM and leave no audit record unless PID 1 runs with SYSTEMD_LOG_SECCOMP=1/));
  });

  it('an allow list under systemd 255 or later: ENOSYS outside @known', () => {
    const root = imageWith('01-mattermost-setrlimit');
    const result = runCli(['suggest', '--json', '--systemd-version', '257', '--root', root, fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    const report = JSON.parse(result.stdout) as SuggestJson;
    expect(report.warnings).toContainEqual(expect.stringMatching(/^systemd 257\.\d+ answers calls outside @known .* with ENOSYS under this allow list/));
    const older = suggestJson(['--root', root, fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(older.warnings.filter((warning) => warning.includes('ENOSYS'))).toEqual([]);
  });
});

describe('explain --unit', () => {
  it('adds the attribution to each denial', () => {
    const result = runCli(['--systemd-version', '252', '--unit', 'rigtest.service', '--root', imageWith('01-mattermost-setrlimit'), fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^unit rigtest\.service\nsetrlimit \(x86_64 #160\)  kill_process  1× .*\n.*\n  blocked by .*rigtest\.service:12 SystemCallFilter=~@debug @privileged @resources \(through @resources\)\n.*\n  fix: SystemCallFilter=setrlimit\n/);
  });

  it('--json gives each denial its attribution', () => {
    const result = runCli(['--json', '--systemd-version', '252', '--unit-file', fixture('rig', '03-arch-native-i386', 'case', 'rigtest.service'), fixture('rig', '03-arch-native-i386', 'journal.short')]);
    const report = JSON.parse(result.stdout) as { unit: string; denials: { syscall: string; attribution: { cause: string; allow: string } }[] };
    expect(report.unit).toBe('rigtest.service');
    expect(report.denials.map((denial) => [denial.syscall, denial.attribution.cause, denial.attribution.allow])).toEqual([['brk', 'SystemCallArchitectures', 'x86']]);
  });
});
