/**
 * Writes a large, realistic auditd `audit.log` (RAW log_format) for the throughput benchmark.
 *
 * About 0.1 % of the lines are `type=SECCOMP` records from a handful of programs, ABIs and
 * actions; the rest are the records a busy host's auditd writes: execve and failed-open syscall
 * events (SYSCALL, EXECVE, CWD, PATH, PROCTITLE), PAM and sudo (USER_*, CRED_*, LOGIN), systemd
 * (SERVICE_START/STOP, BPF) and crashes (ANOM_ABEND, including the sig=31 one that follows a
 * seccomp kill). Audit ids increase like a real boot's. The output is deterministic (seeded).
 *
 * Standalone: node dist/bench/generate-audit-log.js [--size 256M] [--out FILE]
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Bump when the generated content changes, so cached logs are regenerated. */
const GENERATOR_VERSION = 1;
const SEED = 0x5eccc0;
/** Mean distance in lines between two SECCOMP records: 0.1 % of the lines. */
const SECCOMP_EVERY = 1000;
const CHUNK_CHARS = 16 * 1024 * 1024;

export interface GeneratedLog {
  path: string;
  /** The size asked for; the file stops at the first line end at or after it. */
  targetBytes: number;
  bytes: number;
  lines: number;
  seccompRecords: number;
  generatorVersion: number;
}

/** `1G`, `256M`, `512k`, `1073741824`: binary units. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!match) throw new Error(`not a size: ${JSON.stringify(text)} (try 256M or 1G)`);
  const exponent = ' kmgt'.indexOf((match[2] || ' ').toLowerCase());
  return Math.round(Number(match[1]) * 1024 ** exponent);
}

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 2)} ${units[unit]}`;
}

/**
 * Returns the cached log in `dir` for this size, generating it when it is missing, its size
 * differs from what its manifest says, or it was written by another generator version.
 */
export function ensureAuditLog(dir: string, targetBytes: number): { log: GeneratedLog; reused: boolean } {
  const path = join(dir, `audit-${targetBytes}.log`);
  const manifestPath = `${path}.json`;
  const cached = readManifest(manifestPath);
  if (
    cached &&
    cached.generatorVersion === GENERATOR_VERSION &&
    cached.targetBytes === targetBytes &&
    existsSync(path) &&
    statSync(path).size === cached.bytes
  ) {
    return { log: { ...cached, path }, reused: true };
  }
  const log = generateAuditLog(path, targetBytes);
  writeFileSync(manifestPath, JSON.stringify(log, null, 2) + '\n');
  return { log, reused: false };
}

function readManifest(path: string): GeneratedLog | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GeneratedLog;
  } catch {
    return null;
  }
}

/** Writes the log to `path` (through a temporary file) and says what it holds. */
export function generateAuditLog(path: string, targetBytes: number): GeneratedLog {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  const log = new AuditLogWriter(SEED);
  let bytes = 0;
  try {
    while (bytes < targetBytes) {
      const chunk = Buffer.from(log.nextChunk(Math.min(CHUNK_CHARS, targetBytes - bytes)), 'latin1');
      writeSync(fd, chunk);
      bytes += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return { path, targetBytes, bytes, lines: log.lines, seccompRecords: log.seccompRecords, generatorVersion: GENERATOR_VERSION };
}

interface Program {
  comm: string;
  exe: string;
  argv: string[];
}

interface SeccompProfile {
  comm: string;
  exe: string;
  /** Hex-encoded comm/exe (names with spaces) are written unquoted, as the kernel does. */
  quoted: boolean;
  uid: number;
  arch: string;
  syscalls: number[];
  compat: 0 | 1;
  code: string;
  weight: number;
}

const KILL_CODES = new Set(['0x80000000', '0x0']);

const PROGRAMS: Program[] = [
  { comm: 'ls', exe: '/usr/bin/ls', argv: ['ls', '--color=auto', '-la'] },
  { comm: 'cat', exe: '/usr/bin/cat', argv: ['cat', '/etc/os-release'] },
  { comm: 'grep', exe: '/usr/bin/grep', argv: ['grep', '-r', 'TODO', 'src'] },
  { comm: 'python3', exe: '/usr/bin/python3.11', argv: ['python3', '/usr/lib/python3/dist-packages/apt_check.py'] },
  { comm: 'systemctl', exe: '/usr/bin/systemctl', argv: ['systemctl', 'is-active', 'nginx.service'] },
  { comm: 'bash', exe: '/usr/bin/bash', argv: ['/bin/bash', '/usr/local/bin/backup.sh'] },
  { comm: 'git', exe: '/usr/bin/git', argv: ['git', 'fetch', '--prune', 'origin'] },
  { comm: 'node', exe: '/usr/bin/node', argv: ['node', '/srv/app/server.js'] },
  { comm: 'curl', exe: '/usr/bin/curl', argv: ['curl', '-fsS', 'http://127.0.0.1:8080/healthz'] },
  { comm: 'ps', exe: '/usr/bin/ps', argv: ['ps', '-eo', 'pid,comm,rss'] },
  { comm: 'sed', exe: '/usr/bin/sed', argv: ['sed', '-i', 's/^#Port 22/Port 22/', '/etc/ssh/sshd_config'] },
  { comm: 'run-parts', exe: '/usr/bin/run-parts', argv: ['run-parts', '--report', '/etc/cron.hourly'] },
];

const SECCOMP_PROFILES: SeccompProfile[] = [
  // A service killed for setrlimit (the classic systemd SystemCallFilter= surprise).
  { comm: '"mattermost"', exe: '"/opt/mattermost/bin/mattermost"', quoted: true, uid: 998, arch: 'c000003e', syscalls: [160], compat: 0, code: '0x80000000', weight: 3 },
  // A 32-bit program on a 64-bit kernel: i386 socketcall and ipc denied with errno.
  { comm: '"steam"', exe: '"/home/alice/.local/share/Steam/ubuntu12_32/steam"', quoted: true, uid: 1000, arch: '40000003', syscalls: [102, 117], compat: 1, code: '0x50000', weight: 2 },
  // A browser sandbox returning errnos.
  { comm: '"chrome"', exe: '"/opt/google/chrome/chrome"', quoted: true, uid: 1000, arch: 'c000003e', syscalls: [165, 272, 310], compat: 0, code: '0x50000', weight: 3 },
  // systemd SystemCallLog=: allowed and logged.
  { comm: '"nginx"', exe: '"/usr/sbin/nginx"', quoted: true, uid: 33, arch: 'c000003e', syscalls: [41, 288, 232], compat: 0, code: '0x7ffc0000', weight: 4 },
  // A program whose name has a space: hex-encoded, unquoted. x32 setrlimit, thread killed.
  { comm: '6D7920617070', exe: '2F6F70742F6D79206170702F62696E2F6D7920617070', quoted: false, uid: 1001, arch: 'c000003e', syscalls: [1073741984], compat: 0, code: '0x0', weight: 1 },
  // A trap-based sandbox (SIGSYS handler).
  { comm: '"firejail"', exe: '"/usr/bin/firejail"', quoted: true, uid: 1000, arch: 'c000003e', syscalls: [101], compat: 0, code: '0x30000', weight: 1 },
];

const SECCOMP_PICKS = SECCOMP_PROFILES.flatMap((profile) => Array<SeccompProfile>(profile.weight).fill(profile));

const UNITS = ['apt-daily', 'man-db', 'logrotate', 'systemd-tmpfiles-clean', 'fwupd-refresh', 'certbot', 'phpsessionclean', 'sysstat-collect'];
const DIRS = ['/home/alice', '/home/bob/src/api', '/root', '/srv/app', '/var/lib/jenkins/workspace/build', '/'];
const DENIED = ['/etc/shadow', '/root/.ssh/id_ed25519', '/var/log/auth.log', '/etc/sudoers', '/proc/kcore'];

function hex(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex').toUpperCase();
}

/** Precomputed per-program text, so generation is mostly string concatenation. */
const PROGRAM_TEXT = PROGRAMS.map((program) => ({
  ...program,
  execve: `argc=${program.argv.length} ${program.argv.map((arg, i) => `a${i}="${arg}"`).join(' ')}`,
  proctitle: hex(program.argv.join('\0')),
}));

/** Produces the log as text, chunk by chunk; counts what it wrote. */
class AuditLogWriter {
  lines = 0;
  seccompRecords = 0;
  private state: number;
  private clockMs = Date.UTC(2026, 10, 23, 6, 25, 0);
  private serial = 1042;
  private pid = 4000;
  private ses = 3;
  private progId = 40;
  private nextSeccompLine: number;
  private out: string[] = [];

  constructor(seed: number) {
    this.state = seed >>> 0;
    this.nextSeccompLine = this.int(2 * SECCOMP_EVERY);
  }

  /** At least `minChars` characters of whole lines (pure ASCII). */
  nextChunk(minChars: number): string {
    let chars = 0;
    this.out = [];
    while (chars < minChars) {
      const start = this.out.length;
      this.event();
      for (let i = start; i < this.out.length; i++) chars += this.out[i]!.length;
    }
    this.lines += this.out.length;
    return this.out.join('');
  }

  /** mulberry32 */
  private random(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A new event id: `audit(SECONDS.MILLIS:SERIAL)`. */
  private id(): string {
    this.clockMs += this.int(4);
    const ms = this.clockMs % 1000;
    return `${(this.clockMs - ms) / 1000}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}:${this.serial++}`;
  }

  private newPid(): number {
    this.pid = this.pid >= 4_194_000 ? 300 : this.pid + 1 + this.int(7);
    return this.pid;
  }

  private addr(): string {
    return (0x55d0_0000_0000 + this.int(0xffff_ffff)).toString(16);
  }

  private event(): void {
    if (this.lines + this.out.length >= this.nextSeccompLine) {
      this.seccomp();
      this.nextSeccompLine = this.lines + this.out.length + 1 + this.int(2 * SECCOMP_EVERY - 1);
      return;
    }
    const roll = this.int(100);
    if (roll < 38) this.execve();
    else if (roll < 66) this.failedOpen();
    else if (roll < 76) this.sudo();
    else if (roll < 81) this.cronSession();
    else if (roll < 90) this.service();
    else if (roll < 99) this.bpf();
    else this.crash(this.pick([11, 6]), this.pick(PROGRAMS));
  }

  private user(): { uid: number; auid: number; ses: number } {
    const uid = this.pick([1000, 1000, 1001, 0]);
    return { uid, auid: uid === 0 ? 1000 : uid, ses: this.ses };
  }

  private creds(uid: number): string {
    return `uid=${uid} gid=${uid} euid=${uid} suid=${uid} fsuid=${uid} egid=${uid} sgid=${uid} fsgid=${uid}`;
  }

  private execve(): void {
    const id = this.id();
    const program = this.pick(PROGRAM_TEXT);
    const { uid, auid, ses } = this.user();
    const pid = this.newPid();
    this.out.push(
      `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=59 success=yes exit=0 a0=${this.addr()} a1=${this.addr()} a2=${this.addr()} a3=8 items=2 ppid=${pid - 1 - this.int(50)} pid=${pid} auid=${auid} ${this.creds(uid)} tty=pts${this.int(4)} ses=${ses} comm="${program.comm}" exe="${program.exe}" subj=unconfined key="exec"\n`,
      `type=EXECVE msg=audit(${id}): ${program.execve}\n`,
      `type=CWD msg=audit(${id}): cwd="${this.pick(DIRS)}"\n`,
      `type=PATH msg=audit(${id}): item=0 name="${program.exe}" inode=${1_835_000 + this.int(90_000)} dev=fe:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n`,
      `type=PATH msg=audit(${id}): item=1 name="/lib64/ld-linux-x86-64.so.2" inode=1837412 dev=fe:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n`,
      `type=PROCTITLE msg=audit(${id}): proctitle=${program.proctitle}\n`,
    );
  }

  private failedOpen(): void {
    const id = this.id();
    const program = this.pick(PROGRAM_TEXT);
    const uid = this.pick([1000, 1001, 33]);
    const pid = this.newPid();
    const name = this.pick(DENIED);
    this.out.push(
      `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=${this.addr()} a2=0 a3=0 items=1 ppid=${pid - 1 - this.int(50)} pid=${pid} auid=${uid} ${this.creds(uid)} tty=(none) ses=${this.ses} comm="${program.comm}" exe="${program.exe}" subj=unconfined key="access"\n`,
      `type=CWD msg=audit(${id}): cwd="${this.pick(DIRS)}"\n`,
      `type=PATH msg=audit(${id}): item=0 name="${name}" inode=${390_000 + this.int(9_000)} dev=fe:01 mode=0100640 ouid=0 ogid=42 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n`,
      `type=PROCTITLE msg=audit(${id}): proctitle=${program.proctitle}\n`,
    );
  }

  private pam(type: string, pid: number, uid: number, auid: number, ses: number, op: string, exe: string, terminal: string): void {
    this.out.push(
      `type=${type} msg=audit(${this.id()}): pid=${pid} uid=${uid} auid=${auid} ses=${ses} subj=unconfined msg='op=PAM:${op} grantors=pam_permit,pam_unix acct="root" exe="${exe}" hostname=? addr=? terminal=${terminal} res=success'\n`,
    );
  }

  private sudo(): void {
    const pid = this.newPid();
    const auid = this.pick([1000, 1001]);
    const program = this.pick(PROGRAM_TEXT);
    const tty = `/dev/pts/${this.int(4)}`;
    this.pam('USER_ACCT', pid, auid, auid, this.ses, 'accounting', '/usr/bin/sudo', tty);
    this.out.push(
      `type=USER_CMD msg=audit(${this.id()}): pid=${pid} uid=${auid} auid=${auid} ses=${this.ses} subj=unconfined msg='cwd="${this.pick(DIRS)}" cmd=${program.proctitle.replaceAll('00', '20')} exe="/usr/bin/sudo" terminal=${tty.slice(5)} res=success'\n`,
    );
    this.pam('CRED_REFR', pid, 0, auid, this.ses, 'setcred', '/usr/bin/sudo', tty);
    this.pam('USER_START', pid, 0, auid, this.ses, 'session_open', '/usr/bin/sudo', tty);
    this.pam('USER_END', pid, 0, auid, this.ses, 'session_close', '/usr/bin/sudo', tty);
    this.pam('CRED_DISP', pid, 0, auid, this.ses, 'setcred', '/usr/bin/sudo', tty);
  }

  private cronSession(): void {
    const pid = this.newPid();
    const ses = ++this.ses;
    this.pam('CRED_ACQ', pid, 0, 4294967295, 4294967295, 'setcred', '/usr/sbin/cron', 'cron');
    this.out.push(
      `type=LOGIN msg=audit(${this.id()}): pid=${pid} uid=0 subj=unconfined old-auid=4294967295 auid=0 tty=(none) old-ses=4294967295 ses=${ses} res=1\n`,
    );
    this.pam('USER_START', pid, 0, 0, ses, 'session_open', '/usr/sbin/cron', 'cron');
    this.pam('CRED_DISP', pid, 0, 0, ses, 'setcred', '/usr/sbin/cron', 'cron');
    this.pam('USER_END', pid, 0, 0, ses, 'session_close', '/usr/sbin/cron', 'cron');
  }

  private service(): void {
    const unit = this.pick(UNITS);
    for (const type of ['SERVICE_START', 'SERVICE_STOP']) {
      this.out.push(
        `type=${type} msg=audit(${this.id()}): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='unit=${unit} comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=success'\n`,
      );
    }
  }

  /** systemd attaching a cgroup BPF program to a unit, and the old one going away. */
  private bpf(): void {
    const id = this.id();
    this.progId++;
    this.out.push(
      `type=BPF msg=audit(${id}): prog-id=${this.progId} op=LOAD\n`,
      `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=321 success=yes exit=${10 + this.int(20)} a0=5 a1=7ffd${this.addr().slice(4)} a2=90 a3=7ffd${this.addr().slice(4)} items=0 ppid=0 pid=1 auid=4294967295 ${this.creds(0)} tty=(none) ses=4294967295 comm="systemd" exe="/usr/lib/systemd/systemd" subj=unconfined key=(null)\n`,
      `type=PROCTITLE msg=audit(${id}): proctitle=2F7362696E2F696E6974\n`,
      `type=BPF msg=audit(${this.id()}): prog-id=${this.progId - 1} op=UNLOAD\n`,
    );
  }

  private crash(sig: number, program: { comm: string; exe: string }, pid = this.newPid(), uid = 1000, quoted = true): void {
    const q = quoted ? '"' : '';
    this.out.push(
      `type=ANOM_ABEND msg=audit(${this.id()}): auid=${uid} uid=${uid} gid=${uid} ses=${this.ses} subj=unconfined pid=${pid} comm=${q}${program.comm}${q} exe=${q}${program.exe}${q} sig=${sig} res=1\n`,
    );
  }

  private seccomp(): void {
    const profile = this.pick(SECCOMP_PICKS);
    const pid = this.newPid();
    const kill = KILL_CODES.has(profile.code);
    const auid = profile.uid >= 1000 ? profile.uid : 4294967295;
    const ses = profile.uid >= 1000 ? this.ses : 4294967295;
    this.out.push(
      `type=SECCOMP msg=audit(${this.id()}): auid=${auid} uid=${profile.uid} gid=${profile.uid} ses=${ses} subj=unconfined pid=${pid} comm=${profile.comm} exe=${profile.exe} sig=${kill ? 31 : 0} arch=${profile.arch} syscall=${this.pick(profile.syscalls)} compat=${profile.compat} ip=0x7f${this.addr().slice(2)} code=${profile.code}\n`,
    );
    this.seccompRecords++;
    if (kill) {
      const unquote = (text: string) => (profile.quoted ? text.slice(1, -1) : text);
      this.crash(31, { comm: unquote(profile.comm), exe: unquote(profile.exe) }, pid, profile.uid, profile.quoted);
    }
  }
}

function main(): void {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: '256M' }, out: { type: 'string', default: 'audit.log' } },
  });
  const started = performance.now();
  const log = generateAuditLog(values.out, parseSize(values.size));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${log.path}: ${formatSize(log.bytes)}, ${log.lines} lines, ${log.seccompRecords} SECCOMP records, written in ${seconds.toFixed(1)} s`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
