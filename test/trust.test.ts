import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TrustedEvidence, verifyDenial, type InputProvenance, type Verification } from '../src/analysis/index.js';
import { decodeRecord, loadBundledSyscallTables } from '../src/decode/index.js';
import { isMalformed, parseRecordLine } from '../src/records/index.js';
import { FIXTURE_NOW, fixture, runCli, temporaryDirectories } from './support/run.js';

interface SuggestJson {
  unit: string;
  how_found: string;
  dropin: { path: string; text: string } | null;
  findings: { syscall: string; allow: string | null; verified: boolean; verification: Record<string, unknown>; withheld: Record<string, unknown> | null }[];
  written: { path: string; replaced: boolean } | null;
  warnings: string[];
}

const temporaryDirectory = temporaryDirectories('trust');

const SSHD_UNIT = `[Unit]
Description=OpenBSD Secure Shell server

[Service]
ExecStart=/usr/sbin/sshd -D
SystemCallFilter=@system-service
SystemCallFilter=~@debug @mount
SystemCallArchitectures=native
`;

/** An offline image whose sshd.service is hardened as Debian's admins do it, with nothing written yet. */
function sshdImage(): string {
  const root = temporaryDirectory();
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  mkdirSync(join(root, 'usr/sbin'), { recursive: true });
  writeFileSync(join(root, 'usr/sbin/sshd'), '');
  writeFileSync(join(root, 'etc/systemd/system/sshd.service'), SSHD_UNIT);
  return root;
}

const SSHD_DROP_IN = 'etc/systemd/system/sshd.service.d';

/** The rig's image (unit rigtest.service running /opt/rig/prog), optionally with its real journal. */
function rigImage(withJournal: boolean): string {
  const root = temporaryDirectory();
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  mkdirSync(join(root, 'opt/rig'), { recursive: true });
  writeFileSync(join(root, 'opt/rig/prog'), '');
  copyFileSync(fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service'), join(root, 'etc/systemd/system/rigtest.service'));
  if (withJournal) {
    // The machine id the rig's journal was written under: journalctl -D looks in such directories.
    const directory = join(root, 'var/log/journal/e57019e2967041d4bbadd709d101fcd2');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'system.journal'), gunzipSync(readFileSync(fixture('rig', '01-mattermost-setrlimit', 'system.journal.gz'))));
  }
  return root;
}

const RIG_DROP_IN = 'etc/systemd/system/rigtest.service.d/zz-seccomp-explain.conf';

function suggest(args: string[], input = ''): { status: number | null; report: SuggestJson | null; stderr: string } {
  const result = runCli(['suggest', '--json', '--systemd-version', '252', ...args], input);
  return { status: result.status, report: result.stdout ? (JSON.parse(result.stdout) as SuggestJson) : null, stderr: result.stderr };
}

/** A kill of sshd calling ptrace (x86_64 #101), as the kernel would log it. */
const PTRACE_RECORD = 'audit: type=1326 audit(1795439704.000:99): auid=1000 uid=0 gid=0 ses=1 pid=777 comm="sshd" exe="/usr/sbin/sshd" sig=31 arch=c000003e syscall=101 compat=0 ip=0x1 code=0x80000000';
const SSHD_EXIT = 'sshd.service: Main process exited, code=killed, status=31/SYS';

describe('suggest --write never loosens a unit on lines any local user can log', () => {
  it('takes no NAME[PID]: line for the kernel or PID 1 (logger)', () => {
    const root = sshdImage();
    const forged = `Nov 23 13:15:04 web1 evil[4242]: ${PTRACE_RECORD}\nNov 23 13:15:04 web1 evil[4242]: ${SSHD_EXIT}\n`;
    const result = runCli(['suggest', '--root', root, '--write', '--systemd-version', '252'], forged);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe([
      'seccomp-explain: no seccomp denials in the input',
      'seccomp-explain: left out 2 lines logged under a name that the kernel, auditd and PID 1 never log under (evil[4242])',
      '',
    ].join('\n'));
    expect(existsSync(join(root, SSHD_DROP_IN))).toBe(false);
  });

  it('takes systemd[N]: with N other than 1 for no exit message of PID 1', () => {
    const root = sshdImage();
    const forged = `Nov 23 13:15:04 web1 kernel: ${PTRACE_RECORD}\nNov 23 13:15:04 web1 systemd[4242]: ${SSHD_EXIT}\n`;
    const result = runCli(['suggest', '--root', root, '--write', '--systemd-version', '252'], forged);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('seccomp-explain: cannot tell which unit the denials came from: the input has no systemd "status=31/SYS" exit or coredump entry for them, and no unit under '
      + `${root} runs one of their programs; 1 unverified line was not used to find it (docs/security.md); give --unit NAME\n`);
    expect(existsSync(join(root, SSHD_DROP_IN))).toBe(false);
  });

  it('does not write a call that only a kernel:-tagged text line vouches for, even for the unit named', () => {
    const root = sshdImage();
    const forged = `Nov 23 13:15:04 web1 kernel: ${PTRACE_RECORD}\n`;
    const { status, report } = suggest(['--root', root, '--write', '--unit', 'sshd.service'], forged);
    expect(status).toBe(2);
    expect(report?.written).toBeNull();
    expect(report?.dropin).toBeNull();
    expect(report?.findings.map(({ syscall, allow, verified, verification, withheld }) => ({ syscall, allow, verified, verification, withheld }))).toEqual([
      { syscall: 'ptrace', allow: 'ptrace', verified: false, verification: { code: 'unverified', reason: 'text' }, withheld: { code: 'unverified' } },
    ]);
    expect(existsSync(join(root, SSHD_DROP_IN))).toBe(false);
  });

  it('says so in words, and still shows the drop-in without --write', () => {
    const root = sshdImage();
    const forged = `Nov 23 13:15:04 web1 kernel: ${PTRACE_RECORD}\n`;
    const written = runCli(['suggest', '--root', root, '--write', '--unit', 'sshd.service', '--systemd-version', '252'], forged);
    expect(written.stdout).toContain('\n  not written, unverified: a text line that any local user could have logged, found in neither the journal nor auditd\'s log\n');
    expect(written.stdout).toContain('\nno drop-in: nothing here that a change to this unit would fix\n');
    const shown = runCli(['suggest', '--root', root, '--unit', 'sshd.service', '--systemd-version', '252'], forged);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('\nSystemCallFilter=ptrace\n');
  });

  it('does not take journal JSON from the syslog transport for the kernel or PID 1', () => {
    const root = sshdImage();
    const entry = (message: string, time: string): string => JSON.stringify({
      MESSAGE: message, _TRANSPORT: 'syslog', _PID: '4242', _UID: '1000', _COMM: 'logger', SYSLOG_IDENTIFIER: 'kernel', UNIT: 'sshd.service',
      _HOSTNAME: 'web1', __REALTIME_TIMESTAMP: time,
    });
    const forged = `${entry(PTRACE_RECORD, '1795439704000000')}\n${entry(SSHD_EXIT, '1795439704100000')}\n`;
    const result = runCli(['suggest', '--root', root, '--write', '--systemd-version', '252'], forged);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^seccomp-explain: cannot tell which unit the denials came from: .* 2 unverified lines were not used to find it/);
    expect(existsSync(join(root, SSHD_DROP_IN))).toBe(false);
  });

  it('does not take a COREDUMP_UNIT field from any journal client but systemd-coredump as root', () => {
    const root = sshdImage();
    const coredump = JSON.stringify({
      MESSAGE: 'Process 777 (sshd) of user 0 dumped core.', COREDUMP_UNIT: 'sshd.service', COREDUMP_PID: '777', COREDUMP_SIGNAL: '31',
      _TRANSPORT: 'journal', _PID: '4242', _UID: '1000', _COMM: 'python3', _HOSTNAME: 'web1', __REALTIME_TIMESTAMP: '1795439704100000',
    });
    const kernel = JSON.stringify({ MESSAGE: PTRACE_RECORD.replace('/usr/sbin/sshd', '/usr/bin/other'), _TRANSPORT: 'kernel', _HOSTNAME: 'web1', __REALTIME_TIMESTAMP: '1795439704000000' });
    const result = runCli(['suggest', '--root', root, '--write', '--systemd-version', '252'], `${kernel}\n${coredump}\n`);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^seccomp-explain: cannot tell which unit the denials came from: .* 2 unverified lines were not used to find it/);
    expect(existsSync(join(root, SSHD_DROP_IN))).toBe(false);
  });

  it('does not admit a foreign ABI on a forged i386 record', () => {
    const root = sshdImage();
    const i386 = 'audit: type=1326 audit(1795439704.000:99): auid=1000 uid=0 gid=0 ses=1 pid=777 comm="sshd" exe="/usr/sbin/sshd" sig=31 arch=40000003 syscall=45 compat=1 ip=0x1 code=0x0';
    const { status, report } = suggest(['--root', root, '--write', '--unit', 'sshd.service'], `Nov 23 13:15:04 web1 kernel: ${i386}\n`);
    expect(status).toBe(2);
    expect(report?.findings.map(({ allow, withheld }) => ({ allow, withheld }))).toEqual([{ allow: 'x86', withheld: { code: 'unverified' } }]);
    expect(existsSync(join(root, SSHD_DROP_IN))).toBe(false);
  });
});

describe('suggest --write acts on what provably came from the kernel, auditd or PID 1', () => {
  it('journal JSON it reads itself: the kernel and audit transports, and PID 1\'s own exit message (here the image\'s journal)', () => {
    const root = rigImage(true);
    const { status, report } = suggest(['--root', root, '--write', fixture('rig', '01-mattermost-setrlimit', 'journal.json')]);
    expect(status).toBe(0);
    expect(report?.how_found).toBe('from the journal: systemd logged "rigtest.service: Main process exited, code=killed, status=31/SYS" as /opt/rig/prog (denied setrlimit) was killed');
    expect(report?.findings.map(({ verified, verification }) => ({ verified, verification: verification.code }))).toEqual([
      { verified: true, verification: 'confirmed' },
    ]);
    expect(readFileSync(join(root, RIG_DROP_IN), 'utf8')).toMatch(/\nSystemCallFilter=setrlimit\n$/);
  });

  it('but journal JSON from a pipe or a file is only a copy: a -o cat of a user\'s message, or a user\'s file, looks the same', () => {
    const root = rigImage(false);
    const { status, report } = suggest(['--root', root, '--write', '--unit', 'rigtest.service', fixture('rig', '01-mattermost-setrlimit', 'journal.json')]);
    expect(status).toBe(2);
    expect(report?.findings.map(({ verification, withheld }) => ({ verification, withheld }))).toEqual([
      { verification: { code: 'unverified', reason: 'journal-copy' }, withheld: { code: 'unverified' } },
    ]);
    expect(existsSync(join(root, RIG_DROP_IN))).toBe(false);
  });

  it('text lines confirmed, field for field, against the image\'s own journal', () => {
    const root = rigImage(true);
    const { status, report } = suggest(['--root', root, '--write', fixture('rig', '01-mattermost-setrlimit', 'journal.short')]);
    expect(status).toBe(0);
    expect(report?.unit).toBe('rigtest.service');
    expect(report?.findings.map(({ verification }) => verification)).toEqual([
      { code: 'confirmed', by: `journalctl -D ${root}/var/log/journal -o json --no-pager -q --since @1795439777 --until @1795439898 _TRANSPORT=kernel _TRANSPORT=audit + _PID=1 + _COMM=systemd-coredump` },
    ]);
    expect(readFileSync(join(root, RIG_DROP_IN), 'utf8')).toMatch(/\nSystemCallFilter=setrlimit\n$/);
  });

  it('but not a text line that differs from the journal in the program it names', () => {
    const root = rigImage(true);
    const lied = readFileSync(fixture('rig', '01-mattermost-setrlimit', 'journal.short'), 'utf8').replaceAll('exe="/opt/rig/prog"', 'exe="/opt/rig/prog2"');
    // Taken although the unit does not run /opt/rig/prog2: confirmation alone must keep it out.
    const { status, report } = suggest(['--root', root, '--write', '--unit', 'rigtest.service', '--all-programs'], lied);
    expect(status).toBe(2);
    expect(report?.findings.map(({ verified }) => verified)).toEqual([false]);
    expect(existsSync(join(root, RIG_DROP_IN))).toBe(false);
  });

  it('auditd\'s log read from a file only root can write', () => {
    const root = rigImage(false);
    const directory = temporaryDirectory();
    chmodSync(directory, 0o700);
    const log = join(directory, 'audit.log');
    copyFileSync(fixture('rig-auditd', '01-mattermost-setrlimit', 'audit.log'), log);
    chmodSync(log, 0o600);
    const asRoot = process.getuid?.() === 0;
    const { status, report } = suggest(['--root', root, '--write', '--unit', 'rigtest.service', log]);
    expect(report?.findings.map(({ verification }) => verification.code)).toEqual([asRoot ? 'audit-log' : 'unverified']);
    expect(status).toBe(asRoot ? 0 : 2);
    expect(existsSync(join(root, RIG_DROP_IN))).toBe(asRoot);
    chmodSync(log, 0o666);
    const writable = suggest(['--root', rigImage(false), '--write', '--unit', 'rigtest.service', log]);
    expect(writable.report?.findings.map(({ verification }) => verification.code)).toEqual(['unverified']);
  });

  it('--trust-input takes a saved log as it is, but never a line another program logged', () => {
    const root = rigImage(false);
    const text = readFileSync(fixture('rig', '01-mattermost-setrlimit', 'journal.short'), 'utf8');
    const forged = `Nov 23 13:17:17 rig evil[4242]: ${PTRACE_RECORD.replace('/usr/sbin/sshd', '/opt/rig/prog')}\n`;
    const { status, report } = suggest(['--root', root, '--write', '--trust-input'], text + forged);
    expect(status).toBe(0);
    expect(report?.findings.map(({ syscall, verification }) => ({ syscall, verification }))).toEqual([
      { syscall: 'setrlimit', verification: { code: 'trusted-input' } },
    ]);
    expect(report?.warnings).toContain('left out 1 line logged under a name that the kernel, auditd and PID 1 never log under (evil[4242])');
    expect(readFileSync(join(root, RIG_DROP_IN), 'utf8')).toMatch(/\nSystemCallFilter=setrlimit\n$/);
  });
});

describe('what a line says about its sender', () => {
  const tables = loadBundledSyscallTables();
  const verificationOf = (line: string, input: InputProvenance = { code: 'anyone' }): Verification => {
    const record = parseRecordLine(line, { now: FIXTURE_NOW });
    if (record === null || isMalformed(record)) throw new Error(`not a record: ${line}`);
    const decoded = decodeRecord(record, { tables, assumedAbi: 'x86_64' });
    if ('malformed' in decoded) throw new Error(decoded.malformed);
    return verifyDenial(decoded.denial, input);
  };
  const body = 'auid=1000 uid=0 gid=0 ses=1 pid=777 comm="sshd" exe="/usr/sbin/sshd" sig=31 arch=c000003e syscall=101 compat=0 ip=0x1 code=0x80000000';

  it.each([
    ['the kernel\'s tag', `Nov 23 13:15:04 web1 kernel: audit: type=1326 audit(1795439704.000:99): ${body}`, { code: 'unverified', reason: 'text' }],
    ['journald\'s audit transport', `Nov 23 13:15:04 web1 audit[777]: SECCOMP ${body}`, { code: 'unverified', reason: 'text' }],
    ['dmesg', `[  188.335115] audit: type=1326 audit(1795439704.000:99): ${body}`, { code: 'unverified', reason: 'text' }],
    ['dmesg -T', `[Mon Nov 23 13:15:03 2026] audit: type=1326 audit(1795439704.000:99): ${body}`, { code: 'unverified', reason: 'text' }],
    ['RFC 5424 from audit', `<14>1 2026-11-23T13:15:04.000Z web1 audit 777 - - SECCOMP ${body}`, { code: 'unverified', reason: 'text' }],
    ['a program\'s tag', `Nov 23 13:15:04 web1 evil[4242]: audit: type=1326 audit(1795439704.000:99): ${body}`, { code: 'impossible-sender', sender: 'evil[4242]' }],
    ['logger -t kernel in the journal', `Nov 23 13:15:04 web1 kernel[63]: audit: type=1326 audit(1795439704.000:99): ${body}`, { code: 'impossible-sender', sender: 'kernel[63]' }],
    ['RFC 5424 from a program', `<14>1 2026-11-23T13:15:04.000Z web1 evil 4242 - - SECCOMP ${body}`, { code: 'impossible-sender', sender: 'evil[4242]' }],
    ['journal JSON, kernel transport, piped', JSON.stringify({ MESSAGE: `audit: type=1326 audit(1795439704.000:99): ${body}`, _TRANSPORT: 'kernel' }), { code: 'unverified', reason: 'journal-copy' }],
    ['journal JSON, audit transport, piped', JSON.stringify({ MESSAGE: `SECCOMP ${body}`, _TRANSPORT: 'audit', _AUDIT_TYPE: '1326' }), { code: 'unverified', reason: 'journal-copy' }],
    ['journal JSON, syslog transport', JSON.stringify({ MESSAGE: `audit: type=1326 audit(1795439704.000:99): ${body}`, _TRANSPORT: 'syslog' }), { code: 'unverified', reason: 'journal-client' }],
    ['journal JSON without journald\'s fields', JSON.stringify({ MESSAGE: `SECCOMP ${body}`, TRANSPORT: 'audit' }), { code: 'unverified', reason: 'journal-client' }],
  ])('%s', (_name, line, expected) => {
    expect(verificationOf(line)).toEqual(expected);
  });

  it('journal JSON vouches for itself only as seccomp-explain\'s own journalctl printed it, and only the kernel\'s own message', () => {
    const own: InputProvenance = { code: 'own-journal' };
    const kernel = `audit: type=1326 audit(1795439704.000:99): ${body}`;
    expect(verificationOf(JSON.stringify({ MESSAGE: kernel, _TRANSPORT: 'kernel' }), own)).toEqual({ code: 'journal-transport', transport: 'kernel' });
    expect(verificationOf(JSON.stringify({ MESSAGE: `SECCOMP ${body}`, _TRANSPORT: 'audit', _AUDIT_TYPE: '1326' }), own)).toEqual({ code: 'journal-transport', transport: 'audit' });
    // The kernel prints some user-chosen text raw (an executable-stack warning names the file).
    const quoting = `process '/home/mallory/a ${kernel} x' started with executable stack`;
    expect(verificationOf(JSON.stringify({ MESSAGE: quoting, _TRANSPORT: 'kernel' }), own)).toEqual({ code: 'unverified', reason: 'journal-client' });
    expect(verificationOf(JSON.stringify({ MESSAGE: kernel, _TRANSPORT: 'syslog' }), own)).toEqual({ code: 'unverified', reason: 'journal-client' });
  });

  it('an auditd line vouches for itself only in a file only root can write, and only unframed', () => {
    const line = `type=SECCOMP msg=audit(1795439704.000:99): ${body}`;
    const rootOnly: InputProvenance = { code: 'root-only-file', path: '/var/log/audit/audit.log' };
    expect(verificationOf(line, rootOnly)).toEqual({ code: 'audit-log', path: '/var/log/audit/audit.log' });
    expect(verificationOf(`node=web1 ${line}`, rootOnly)).toEqual({ code: 'audit-log', path: '/var/log/audit/audit.log' });
    expect(verificationOf(line)).toEqual({ code: 'unverified', reason: 'text' });
    expect(verificationOf(`Nov 23 13:15:04 web1 audisp-syslog: ${line}`, rootOnly)).toEqual({ code: 'unverified', reason: 'text' });
  });
});

describe('TrustedEvidence', () => {
  const sighting = { pid: 777, exe: '/usr/sbin/sshd', comm: 'sshd', uid: 0, arch: 'c000003e', nr: 101, code: '0x80000000', ip: '0x1', time: 1_795_439_704_000, serial: 99 };

  it('confirms the same event stamped up to two seconds away, and nothing that differs in any field', () => {
    const evidence = new TrustedEvidence();
    evidence.addDenial(sighting);
    expect(evidence.confirmsDenial({ ...sighting, time: sighting.time + 2_000, serial: null })).toBe(true);
    expect(evidence.confirmsDenial({ ...sighting, time: sighting.time - 2_001 })).toBe(false);
    expect(evidence.confirmsDenial({ ...sighting, serial: 100 })).toBe(false);
    for (const [field, value] of Object.entries({ pid: 778, exe: '/usr/bin/other', comm: 'other', uid: 1000, arch: '40000003', nr: 102, code: '0x0', ip: '0x2' })) {
      expect(evidence.confirmsDenial({ ...sighting, [field]: value }), field).toBe(false);
    }
  });

  it('confirms an exit message only when PID 1 logged the same unit\'s death within two seconds', () => {
    const evidence = new TrustedEvidence();
    evidence.addExit({ unit: 'sshd.service', time: 5_000 });
    evidence.addExit({ unit: 'sshd.service', time: 1_000 });
    expect(evidence.confirmsExit({ unit: 'sshd.service', time: 2_900 })).toBe(true);
    expect(evidence.confirmsExit({ unit: 'sshd.service', time: 7_001 })).toBe(false);
    expect(evidence.confirmsExit({ unit: 'other.service', time: 1_000 })).toBe(false);
  });
});

describe('suggest --write loosens a unit only for records of its own user\'s processes', () => {
  // A user can get a genuine kernel record of any call, with any exe=: a filter of their own
  // around the unit's program run with LD_PRELOAD. Its uid is theirs, never the unit's.
  const record = (uid: number): string => `Nov 23 13:15:04 web1 kernel: ${PTRACE_RECORD.replace('uid=0', `uid=${uid}`)}\n`;

  function imageRunningAs(settings: string): string {
    const root = sshdImage();
    writeFileSync(join(root, 'etc/systemd/system/sshd.service'), `${SSHD_UNIT}${settings}`);
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n');
    return root;
  }

  it('a unit without User= runs as root: a kernel record of uid 1000 does not loosen it', () => {
    const root = imageRunningAs('');
    const result = runCli(['suggest', '--root', root, '--write', '--trust-input', '--unit', 'sshd.service', '--systemd-version', '252'], record(1000));
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('\n  not written: the kernel logged it for uid 1000, and sshd.service runs as root\n');
    expect(existsSync(join(root, SSHD_DROP_IN))).toBe(false);
  });

  it('User=www-data: uid 33 (the image\'s /etc/passwd) does, uid 1000 does not', () => {
    const other = imageRunningAs('User=www-data\n');
    const refused = suggest(['--root', other, '--write', '--trust-input', '--unit', 'sshd.service'], record(1000));
    expect(refused.report?.findings.map(({ withheld }) => withheld)).toEqual([
      { code: 'other-user', uids: [1000], user: { code: 'named', name: 'www-data', dynamic: false }, userId: 33 },
    ]);
    expect(existsSync(join(other, SSHD_DROP_IN))).toBe(false);
    const own = imageRunningAs('User=www-data\n');
    const written = suggest(['--root', own, '--write', '--trust-input', '--unit', 'sshd.service'], record(33));
    expect(written.status).toBe(0);
    expect(readFileSync(join(own, SSHD_DROP_IN, 'zz-seccomp-explain.conf'), 'utf8')).toMatch(/\nSystemCallFilter=ptrace\n$/);
  });

  it('DynamicUser=yes: a uid of systemd\'s dynamic range', () => {
    const root = imageRunningAs('DynamicUser=yes\n');
    const written = suggest(['--root', root, '--write', '--trust-input', '--unit', 'sshd.service'], record(61_200));
    expect(written.status).toBe(0);
    expect(existsSync(join(root, SSHD_DROP_IN, 'zz-seccomp-explain.conf'))).toBe(true);
  });
});
