import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, FIXTURES, REPO, fixture, runCli, temporaryDirectories } from './support/run.js';

const scratch = temporaryDirectories('suggest-history-options');
const UNIT = fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service');
const JOURNAL = fixture('rig', '01-mattermost-setrlimit', 'journal.short');
const MIXED = fixture('formats', 'mixed', 'input.log');

function joined(...files: string[]): string {
  const path = join(scratch(), 'input.log');
  writeFileSync(path, files.map((file) => readFileSync(file, 'utf8')).join(''));
  return path;
}

function findings(args: string[]): string[] {
  const result = runCli(['suggest', '--json', '--systemd-version', '252', '--unit-file', UNIT, ...args]);
  return (JSON.parse(result.stdout) as { findings: { abi: string; syscall: string; action: string }[] }).findings
    .map((finding) => `${finding.abi} ${finding.syscall} ${finding.action}`);
}

describe('suggest --since, --until and --comm narrow the denials, as explain\'s do', () => {
  it('--since and --until', () => {
    // setrlimit killed at 13:17:17, mount at 13:17:19.
    const log = joined(fixture('rig', '01-mattermost-setrlimit', 'dmesg.log'), fixture('rig', '02-deny-mount', 'dmesg.log'));
    expect(findings(['--since', '2026-11-23 13:17:18', log])).toEqual(['x86_64 mount kill_process']);
    expect(findings(['--until', '2026-11-23 13:17:18', log])).toEqual(['x86_64 setrlimit kill_process']);
    const wrong = runCli(['suggest', '--unit-file', UNIT, '--since', 'never', log]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('seccomp-explain: --since never: not a time (try 2023-03-16, "2023-03-16 14:12", @1678972350, "2h ago", today)\n');
  });

  it('--comm', () => {
    const log = joined(fixture('rig', '01-mattermost-setrlimit', 'dmesg.log'), fixture('rig', '10-trigger-x86_64', 'dmesg.log'));
    expect(findings(['--comm', 'prog', log])).toEqual(['x86_64 setrlimit kill_process']);
    expect(findings(['--comm', 'my app', log])).toEqual([
      'x86_64 getppid log', 'x86_64 getpid errno', 'x86_64 getuid trap', 'x86_64 sync trace', 'x32 setrlimit kill_process',
    ]);
  });
});

describe('a refused --write shows the drop-in it did not write, for putting in place by hand', () => {
  it('says so above the drop-in, and in --json\'s warnings', () => {
    const root = scratch();
    const directory = join(root, 'etc/systemd/system/rigtest.service.d');
    mkdirSync(directory, { recursive: true });
    copyFileSync(UNIT, join(root, 'etc/systemd/system/rigtest.service'));
    const path = join(directory, 'zz-seccomp-explain.conf');
    writeFileSync(path, '[Service]\nSystemCallFilter=mine\n');
    const args = ['suggest', '--systemd-version', '252', '--root', root, '--write', '--trust-input', JOURNAL];
    const result = runCli(args);
    expect(result.status).toBe(2);
    const refusal = `${path} was not written by seccomp-explain: not replacing it (move it away, or merge the lines by hand)`;
    expect(result.stderr).toBe(`seccomp-explain: ${refusal}\n`);
    expect(result.stdout).toContain(`\nwarning: not written (${refusal}): the drop-in below is for putting in place at ${path} by hand\n\n# ${path}\n# Written by seccomp-explain`);
    expect(result.stdout).toMatch(/\n\[Service\]\nSystemCallFilter=mine setrlimit\n\nthen \(on the system under .*\): systemctl daemon-reload && systemctl restart rigtest\.service\n$/);
    const json = JSON.parse(runCli([...args, '--json']).stdout) as { written: unknown; warning_codes: unknown[] };
    expect(json.written).toBeNull();
    expect(json.warning_codes).toContainEqual({ code: 'not-written', path, failure: refusal });
    expect(readFileSync(path, 'utf8')).toBe('[Service]\nSystemCallFilter=mine\n');
  });
});

describe('report --ndjson', () => {
  it('prints each stored event as explain --ndjson prints it', () => {
    const db = join(scratch(), 'denials.db');
    runCli(['ingest', '--db', db, JOURNAL, MIXED]);
    const reported = runCli(['report', '--ndjson', '--db', db, '--exe', '/opt/rig/prog']);
    expect(reported.status).toBe(0);
    expect(reported.stdout).toBe(runCli(['--ndjson', JOURNAL]).stdout);
    const all = runCli(['report', '--ndjson', '--db', db]).stdout.trimEnd().split('\n');
    expect(all).toHaveLength(18);
    expect(runCli(['report', '--ndjson', '--db', db, '--exe', '/nowhere'])).toEqual({ status: 1, stdout: '', stderr: '' });
    expect(runCli(['report', '--ndjson', '--json', '--db', db]).stderr).toBe('seccomp-explain: --json and --ndjson exclude each other: pick one\n');
  });
});

/** A running `watch`, its output so far, and a way to wait for it. */
function startWatch(args: string[]): { child: ChildProcessWithoutNullStreams; out: { stdout: string; stderr: string }; until: (check: () => boolean) => Promise<void> } {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], { env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (data: Buffer) => { out.stdout += data.toString(); });
  child.stderr.on('data', (data: Buffer) => { out.stderr += data.toString(); });
  const until = async (check: () => boolean): Promise<void> => {
    for (let waited = 0; !check(); waited += 50) {
      if (waited > 15_000) throw new Error(`timed out; stdout: ${out.stdout} stderr: ${out.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, out, until };
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.kill('SIGTERM');
  return exited;
}

describe('watch', () => {
  it('says that a file not there yet does not exist, and reads it once it is created', async () => {
    const directory = scratch();
    const log = join(directory, 'audit.log');
    const db = join(directory, 'denials.db');
    const { child, out, until } = startWatch(['--db', db, log]);
    await until(() => out.stderr.includes('watching'));
    expect(out.stderr).toBe(`seccomp-explain: ${log} does not exist yet: it is read once it is created\nseccomp-explain: watching ${log}, storing in ${db} (Ctrl-C ends)\n`);
    writeFileSync(log, readFileSync(JOURNAL));
    await until(() => out.stdout.includes('setrlimit'));
    expect(await stop(child)).toBe(0);
  }, 30_000);

  it('--exe prints only that program\'s new denials, --json as explain --ndjson does; every event is stored', async () => {
    const directory = scratch();
    const log = join(directory, 'audit.log');
    const db = join(directory, 'denials.db');
    writeFileSync(log, '');
    const { child, out, until } = startWatch(['--db', db, '--json', '--exe', '/opt/rig/*', log]);
    await until(() => out.stderr.includes('watching'));
    appendFileSync(log, readFileSync(MIXED));
    appendFileSync(log, readFileSync(JOURNAL));
    await until(() => out.stdout.includes('setrlimit'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stop(child)).toBe(0);
    expect(out.stdout).toBe(runCli(['--ndjson', JOURNAL]).stdout);
    expect(out.stderr).toMatch(/\nseccomp-explain: stored 18 new events, 2 already known\n$/);
  }, 30_000);
});

describe('suggest --quiet', () => {
  it('leaves out informational lines, not warnings', () => {
    const args = ['suggest', '--abi', 'i386', '--unit-file', join(REPO, 'test', 'systemd-e2e', 'cases', 'mattermost', 'mattermost.service'), join(FIXTURES, 'rig', '01-mattermost-setrlimit', 'journal.short')];
    expect(runCli(args).stderr).toContain('seccomp-explain: --abi names the ABI of records without arch= only');
    const quiet = runCli([...args, '--quiet']);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('warning: left out 1 denial of /opt/rig/prog');
  });
});
