import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, temporaryDirectories } from './support/run.js';

const scratch = temporaryDirectories('terminal-escapes');

/** An OSC sequence that retitles the terminal, ended by BEL. */
const RETITLE = '\x1b]0;owned\x07';
const RETITLE_ESCAPED = '\\x1b]0;owned\\x07';
const HOSTILE_EXE = `/opt/prog${RETITLE}`;
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

/** A kernel SECCOMP record of `exe`, hex-encoded as auditd writes a name with control bytes. */
function recordOf(exe: string): string {
  const hex = Buffer.from(exe).toString('hex').toUpperCase();
  return `type=SECCOMP msg=audit(1678972350.266:4): auid=4294967295 uid=1009 gid=1008 ses=4294967295 subj=unconfined pid=2999066 comm="prog" exe=${hex} sig=31 arch=c000003e syscall=160 compat=0 ip=0x40440e code=0x80000000\n`;
}

describe('text from a log or a store never reaches the terminal raw', () => {
  it('the list of matching units in suggest\'s error escapes the exe', () => {
    const root = scratch();
    mkdirSync(join(root, 'etc', 'systemd', 'system'), { recursive: true });
    mkdirSync(join(root, 'opt'));
    writeFileSync(join(root, HOSTILE_EXE), '');
    for (const unit of ['first.service', 'second.service']) {
      writeFileSync(join(root, 'etc', 'systemd', 'system', unit), `[Service]\nExecStart=${HOSTILE_EXE}\n`);
    }
    const result = runCli(['suggest', '--root', root, '-'], recordOf(HOSTILE_EXE));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('more than one unit');
    expect(result.stderr).toContain(`first.service: from ExecStart= at ${root}/etc/systemd/system/first.service:2, which runs /opt/prog${RETITLE_ESCAPED}\n`);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  });

  it('report escapes a stored syscall, ABI and action', () => {
    const db = join(scratch(), 'denials.db');
    expect(runCli(['ingest', '--db', db, fixture('reported', 'mattermost-setrlimit.log')]).status).toBe(0);
    const store = new Database(db);
    store.prepare('UPDATE denial_group SET syscall = ?, abi = ?, action = ?').run(`setrlimit${RETITLE}`, `x86_64${RETITLE}`, `kill${RETITLE}`);
    store.close();
    const result = runCli(['report', '--db', db]);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      `setrlimit${RETITLE_ESCAPED} (x86_64${RETITLE_ESCAPED} #160)  kill${RETITLE_ESCAPED}  1×  /opt/mattermost/bin/mattermost (comm mattermost, uid 1009)`,
    );
    expect(result.stdout).not.toMatch(RAW_CONTROL);
  });

  it('an error a hostile store file raises is printed escaped', () => {
    const db = join(scratch(), 'denials.db');
    expect(runCli(['ingest', '--db', db, fixture('reported', 'mattermost-setrlimit.log')]).status).toBe(0);
    const store = new Database(db);
    store.exec(`CREATE TRIGGER hostile BEFORE INSERT ON event BEGIN SELECT RAISE(ABORT, 'gotcha${RETITLE}'); END`);
    store.close();
    const result = runCli(['ingest', '--db', db, fixture('formats', 'mixed', 'input.log')]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`gotcha${RETITLE_ESCAPED}`);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  });

  it('a usage error quoting the command line is printed escaped', () => {
    const result = runCli([`--since=${RETITLE}`, '-'], '');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`seccomp-explain: --since ${RETITLE_ESCAPED}: not a time (try 2023-03-16, "2023-03-16 14:12", @1678972350, "2h ago", today)\n`);
    const unknown = runCli([`--colour${RETITLE}`]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(`--colour${RETITLE_ESCAPED}`);
    expect(unknown.stderr).not.toMatch(RAW_CONTROL);
  });
});
