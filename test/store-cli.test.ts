import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, fixture, runCli, temporaryDirectories } from './support/run.js';

const scratch = temporaryDirectories('store-cli');

const MIXED = fixture('formats', 'mixed', 'input.log');
const JOURNAL = fixture('rig', '01-mattermost-setrlimit', 'journal.short');

describe('ingest and report', () => {
  it('stores each event once, however often and in whatever form it is ingested', () => {
    const db = join(scratch(), 'denials.db');
    const first = runCli(['ingest', '--db', db, JOURNAL, MIXED]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(`ingested 20 records: 18 new denials, 0 already known, 2 seen twice in the input, 2 malformed (${db})\n`);
    const again = runCli(['ingest', '--db', db, MIXED, JOURNAL]);
    expect(again.stdout).toBe(`ingested 20 records: 0 new denials, 18 already known, 2 seen twice in the input, 2 malformed (${db})\n`);
  });

  it('report --json is explain --json of the same events', () => {
    const db = join(scratch(), 'denials.db');
    runCli(['ingest', '--db', db, MIXED]);
    const explained = JSON.parse(runCli(['--json', MIXED]).stdout) as { denials: { first: string; count: number }[] };
    const reported = JSON.parse(runCli(['report', '--json', '--db', db]).stdout) as { denials: unknown[]; stats: { records: number } };
    const order = (denials: unknown[]): unknown[] => [...denials].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(order(reported.denials)).toEqual(order(explained.denials));
    expect(reported.stats.records).toBe(explained.denials.reduce((sum, denial) => sum + denial.count, 0));
  });

  it('report narrows by time, program and host', () => {
    const db = join(scratch(), 'denials.db');
    runCli(['ingest', '--db', db, MIXED, JOURNAL]);
    const rig = JSON.parse(runCli(['report', '--json', '--db', db, '--host', 'rig']).stdout) as { denials: { syscall: string; hosts: string[] }[] };
    expect(rig.denials.map((denial) => [denial.syscall, denial.hosts])).toEqual([['setrlimit', ['rig']]]);
    const late = runCli(['report', '--db', db, '--since', '2026-11-23 13:17:00']);
    expect(late.stdout).toMatch(/^setrlimit \(x86_64 #160\)  kill_process  1×  \/opt\/rig\/prog/);
    expect(runCli(['report', '--db', db, '--exe', '/nowhere']).status).toBe(1);
  });

  it('explain --from-db and suggest --from-db read the history', () => {
    const root = scratch();
    const db = join(root, 'denials.db');
    runCli(['ingest', '--db', db, '--unit', 'rigtest.service', JOURNAL]);
    expect(runCli(['--from-db', '--db', db]).stdout).toMatch(/^setrlimit \(x86_64 #160\)  kill_process  1×/);
    const suggestion = runCli(['suggest', '--json', '--from-db', '--db', db, '--systemd-version', '252', '--unit-file', fixture('rig', '01-mattermost-setrlimit', 'case', 'rigtest.service')]);
    expect((JSON.parse(suggestion.stdout) as { added: unknown }).added).toEqual({ x86_64: ['setrlimit'] });
  });

  it('says what is wrong with the store, and never overwrites a file that is not one', () => {
    const directory = scratch();
    expect(runCli(['report', '--db', join(directory, 'missing.db')]).stderr).toMatch(/no store here yet/);
    const notAStore = join(directory, 'notes.txt');
    writeFileSync(notAStore, 'my notes\n');
    const result = runCli(['ingest', '--db', notAStore, JOURNAL]);
    expect(result.status).toBe(2);
    expect(readFileSync(notAStore, 'utf8')).toBe('my notes\n');
  });
});

describe('watch', () => {
  it('prints each new distinct denial once as the log grows, and stores every event, until SIGTERM', async () => {
    const directory = scratch();
    const log = join(directory, 'audit.log');
    const db = join(directory, 'denials.db');
    writeFileSync(log, '');
    const child = spawn(process.execPath, [CLI, 'watch', '--db', db, log], { env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => { stdout += data.toString(); });
    child.stderr.on('data', (data: Buffer) => { stderr += data.toString(); });
    const until = async (check: () => boolean): Promise<void> => {
      for (let waited = 0; !check(); waited += 50) {
        if (waited > 15_000) throw new Error(`timed out; stdout: ${stdout} stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => stderr.includes('watching'));
    appendFileSync(log, readFileSync(JOURNAL));
    await until(() => stdout.includes('setrlimit'));
    appendFileSync(log, readFileSync(JOURNAL));
    appendFileSync(log, readFileSync(fixture('formats', 'auditd-raw', 'input.log')));
    await until(() => stdout.includes('getppid'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout.split('\n').filter((line) => line.includes('setrlimit (x86_64 #160)  kill_process  /opt/rig/prog'))).toHaveLength(1);
    const reported = JSON.parse(runCli(['report', '--json', '--db', db]).stdout) as { stats: { records: number } };
    expect(reported.stats.records).toBe(24);
    expect(runCli(['ingest', '--db', db, log]).stdout).toMatch(/: 0 new denials/);
  }, 30_000);
});
