import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeIngest } from '../src/render/index.js';
import { CLI, fixture, runCli, temporaryDirectories } from './support/run.js';

const temporaryDirectory = temporaryDirectories('explain-words');
const MATTERMOST = fixture('reported', 'mattermost-setrlimit.log');
const TRIGGERS = fixture('rig', '10-trigger-x86_64', 'dmesg.log');
const hasScript = spawnSync('script', ['--version']).status === 0;

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Runs the built command on a terminal (a pty from script(1)) `columns` wide: stdin and stdout are that terminal. */
function runInTerminal(args: string[], env: Record<string, string> = {}, columns = 80): { stdout: string } {
  const command = `stty cols ${columns} rows 50; ${[process.execPath, CLI, ...args].map(shellQuote).join(' ')}`;
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TZ: 'UTC', TERM: 'dumb', ...env },
  });
  return { stdout: result.stdout.replace(/\r\n/g, '\n') };
}

/** A directory with a stand-in `dmesg` that prints `file`, and a `journalctl` that shows nothing, as on a host without a journal. */
function hostWithoutJournal(file: string): string {
  const bin = temporaryDirectory();
  writeFileSync(join(bin, 'dmesg'), `#!/bin/sh\nexec cat ${shellQuote(file)}\n`);
  writeFileSync(join(bin, 'journalctl'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'dmesg'), 0o755);
  chmodSync(join(bin, 'journalctl'), 0o755);
  return bin;
}

function journalFilesOnThisHost(): boolean {
  return ['/var/log/journal', '/run/log/journal'].some((directory) => {
    try {
      return readdirSync(directory, { recursive: true }).some((name) => String(name).endsWith('.journal'));
    } catch {
      return false;
    }
  });
}

/** The kernel's ring buffer can be opened here (root, or kernel.dmesg_restrict off). */
function ringBufferReadable(): boolean {
  return spawnSync('sh', ['-c', 'exec 3</dev/kmsg']).status === 0;
}

const plainHost = hasScript && !existsSync('/var/log/audit/audit.log') && ringBufferReadable();

describe('explain with no file on a host without auditd or a journal', () => {
  it.skipIf(!plainHost)('reads the kernel ring buffer (dmesg) and says why not auditd\'s log or the journal', () => {
    const bin = hostWithoutJournal(TRIGGERS);
    const result = runInTerminal(['--no-color'], { PATH: `${bin}:${process.env.PATH ?? ''}` });
    const journal = journalFilesOnThisHost() ? 'the journal holds no kernel messages of this boot' : 'no journal files in /var/log/journal or /run/log/journal';
    expect(result.stdout.split('\n')[0]).toBe(`seccomp-explain: reading dmesg (no file given; /var/log/audit/audit.log does not exist; ${journal})`);
    expect(result.stdout).toContain('\n5 distinct denials from 5 seccomp records in 5 lines\n');
  });

  it.skipIf(!plainHost)('--quiet leaves out which log was read', () => {
    const bin = hostWithoutJournal(TRIGGERS);
    const result = runInTerminal(['--no-color', '--quiet'], { PATH: `${bin}:${process.env.PATH ?? ''}` });
    expect(result.stdout).not.toContain('reading');
    expect(result.stdout.startsWith('getppid (x86_64 #110)  log')).toBe(true);
  });
});

describe('explain\'s words', () => {
  it('says what each action met means, once per action', () => {
    const result = runCli([TRIGGERS]);
    expect(result.stdout.split('\n').slice(-7).join('\n')).toBe([
      'errno: the call failed with an error number and the program went on (the record does not say which error)',
      'kill_process: the whole process was killed with SIGSYS at this call',
      'log: the call was allowed and only logged: nothing was stopped',
      'trace: the call was handed to a ptrace tracer; without one it failed with ENOSYS',
      'trap: the thread got SIGSYS at this call; the program\'s own handler decided what came next',
      '5 distinct denials from 5 seccomp records in 5 lines',
      '',
    ].join('\n'));
  });

  it('explains the log when --unit cannot be loaded, with a warning, and exits 2', () => {
    const result = runCli(['--unit', 'no-such-unit-here.service', MATTERMOST]);
    expect(result.stderr).toMatch(/^seccomp-explain: warning: .*no-such-unit-here\.service.*; explaining the denials without the unit\n$/);
    expect(result.stdout).toContain('setrlimit (x86_64 #160)  kill_process  1×  /opt/mattermost/bin/mattermost');
    expect(result.stdout.endsWith('1 distinct denial from 1 seccomp record in 1 line\n')).toBe(true);
    expect(result.status).toBe(2);
  });

  it('says an empty input was empty, not "0 lines"', () => {
    const result = runCli([], '');
    expect(result.stdout).toBe('no seccomp records: the input was empty\n');
    expect(result.status).toBe(1);
  });

  it('says an empty store is empty', () => {
    const db = join(temporaryDirectory(), 'denials.db');
    expect(runCli(['ingest', '--db', db], 'nothing here\n').status).toBe(1);
    const result = runCli(['explain', '--from-db', '--db', db]);
    expect(result.stdout).toBe('no seccomp events in the store (or none the filters let through): ingest or watch a log first\n');
  });

  it('says a journald file is not text, and how to read it', () => {
    const journal = join(temporaryDirectory(), 'system.journal');
    writeFileSync(journal, gunzipSync(readFileSync(fixture('rig', '01-mattermost-setrlimit', 'system.journal.gz'))));
    const result = runCli([journal]);
    expect(result.stderr).toBe(`seccomp-explain: ${journal} is not text but a journald file: journalctl --file ${journal} -o json | seccomp-explain\n`);
  });

  it('says a binary file is not text', () => {
    const directory = temporaryDirectory();
    const binary = join(directory, 'prog');
    copyFileSync(process.execPath, binary);
    const result = runCli([binary]);
    expect(result.stderr).toBe(`seccomp-explain: ${binary} is not text: it holds NUL bytes, as no log does (records in it, if any, may be damaged)\n`);
    expect(result.stdout).toBe(`no seccomp records: ${binary} is not text\n`);
  });

  it('groups thousands with commas', () => {
    const lines = readFileSync(MATTERMOST, 'utf8').trimEnd();
    const result = runCli([], `${`${lines}\n`.repeat(1)}${'filler\n'.repeat(1500)}`);
    expect(result.stdout.endsWith('1 distinct denial from 1 seccomp record in 1,501 lines\n')).toBe(true);
  });

  it('words ingest\'s second sightings within the input as seen twice, not known', () => {
    expect(describeIngest({ added: 1, known: 0, seenTwice: 1, malformed: 0, path: '/tmp/d.db' }))
      .toBe('ingested 2 records: 1 new denial, 0 already known, 1 seen twice in the input, 0 malformed (/tmp/d.db)');
  });
});

describe.skipIf(!hasScript)('colour on a terminal', () => {
  it('colours actions for what they did, the syscall bold, the fix green; piped output has none', () => {
    const result = runInTerminal([TRIGGERS]);
    expect(result.stdout).toContain('\x1b[31mkill_process\x1b[0m');
    expect(result.stdout).toContain('\x1b[33merrno\x1b[0m');
    expect(result.stdout).toContain('\x1b[33mtrap\x1b[0m');
    expect(result.stdout).toContain('\x1b[33mtrace\x1b[0m');
    expect(result.stdout).toContain('\x1b[2mlog\x1b[0m');
    expect(result.stdout).toContain('\x1b[1msetrlimit (x32 #1073741984)\x1b[0m');
    const unit = fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service');
    const attributed = runInTerminal(['--unit-file', unit, '--systemd-version', '252', fixture('rig', '01-mattermost-setrlimit', 'dmesg.log')]);
    expect(attributed.stdout).toContain('  \x1b[1;32mfix: SystemCallFilter=setrlimit\x1b[0m\n');
    expect(runCli([TRIGGERS]).stdout).not.toContain('\x1b');
  });
});

describe('groups', () => {
  it.skipIf(!hasScript)('wraps members between names to the terminal\'s width', () => {
    const result = runInTerminal(['groups', '--systemd-version', '252', '@known'], {}, 70);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines.slice(2)) {
      expect(line.length).toBeLessThanOrEqual(70);
      expect(line.startsWith('  ')).toBe(true);
    }
    const piped = runCli(['groups', '--systemd-version', '252', '@known']).stdout.split('\n');
    expect(lines.slice(2).map((line) => line.slice(2)).join(' ')).toBe(piped[2]?.slice(2));
  });

  it('keeps each group\'s members on one line when piped', () => {
    const piped = runCli(['groups', '--systemd-version', '252', '@resources']).stdout;
    expect(piped.split('\n').slice(1)).toEqual([
      '@resources  (13 syscalls)',
      '  ioprio_set mbind migrate_pages move_pages nice sched_setaffinity sched_setattr sched_setparam sched_setscheduler set_mempolicy set_mempolicy_home_node setpriority setrlimit',
      '',
    ]);
  });
});
