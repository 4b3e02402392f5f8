import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTimeSpec } from '../src/cli/time-spec.js';
import { CLI, decodeAll, fixture, runCli, temporaryDirectories } from './support/run.js';

const BODY = 'auid=4294967295 uid=1009 gid=1008 ses=4294967295 pid=2999066 comm="mattermost" exe="/opt/mattermost/bin/mattermost" sig=31 arch=c000003e syscall=160 compat=0 ip=0x40440e code=0x80000000';
const directory = temporaryDirectories('hostile')();

describe('inputs that are not plain files', () => {
  it('reads a FIFO once, without losing what its writer sent', () => {
    const fifo = join(directory, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer runs on its own: runCli blocks this process until the reader is done.
    const writer = spawn('sh', ['-c', `cat '${fixture('formats', 'auditd-raw', 'input.log')}' > '${fifo}'`], { stdio: 'ignore' });
    const result = runCli(['--json', fifo]);
    writer.kill();
    expect((JSON.parse(result.stdout) as { stats: { records: number } }).stats.records).toBe(23);
  });

  it('reads gzip from a pipe given by name', () => {
    const gz = join(directory, 'log.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('formats', 'auditd-raw', 'input.log'))));
    const output = execFileSync('sh', ['-c', `cat '${gz}' | '${process.execPath}' '${CLI}' --json /dev/stdin`], { encoding: 'utf8' });
    expect((JSON.parse(output) as { stats: { records: number } }).stats.records).toBe(23);
  });
});

describe('what a log may lie about', () => {
  it('treats an impossible journal time as unknown, not as a crash', () => {
    const entry = JSON.stringify({ MESSAGE: `SECCOMP ${BODY}`, _SOURCE_REALTIME_TIMESTAMP: '99999999999999999999999' });
    const result = runCli([], `${entry}\n`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('first unknown');
  });

  it('keeps two hosts\' events with equal audit ids apart', async () => {
    const { denials, stats } = await decodeAll(`node=web1 type=SECCOMP msg=audit(1678972350.266:4): ${BODY}\nnode=web2 type=SECCOMP msg=audit(1678972350.266:4): ${BODY}\n`);
    expect(denials.map((denial) => denial.host)).toEqual(['web1', 'web2']);
    expect(stats.duplicates).toBe(0);
  });

  it('never pairs sightings a day or more apart', async () => {
    const kernel = `Mar 16 14:12:30 web1 kernel: audit: type=1326 audit(1678972350.266:4): ${BODY}`;
    const audit = `Jan  2 09:00:00 web1 audit[2999066]: SECCOMP ${BODY}`;
    const { denials } = await decodeAll(`${kernel}\n${audit}\n`);
    expect(denials).toHaveLength(2);
  });

  it('escapes C1 controls in JSON, which JSON.stringify leaves raw', () => {
    const result = runCli(['--ndjson'], `audit: type=1326 audit(1678972350.266:4): auid=1 uid=1 gid=1 ses=1 pid=1 comm=619B326A exe="/x" sig=31 arch=c000003e syscall=160 compat=0 ip=0x1 code=0x80000000\n`);
    expect(result.stdout).not.toMatch(/\u009b/);
    expect((JSON.parse(result.stdout) as { comm: string }).comm).toBe('a\u009b2j');
  });
});

describe('more ways a record is framed', () => {
  const forms: Record<string, string> = {
    'journalctl -o cat': `SECCOMP ${BODY}`,
    'RFC 5424 syslog': `<14>1 2023-03-16T14:12:30.266+01:00 web1 audit 2999066 - - SECCOMP ${BODY}`,
    'journalctl -o short-full': `Thu 2023-03-16 13:12:30 UTC web1 audit[2999066]: SECCOMP ${BODY}`,
    'journalctl -o short-unix': `1678972350.266000 web1 audit[2999066]: SECCOMP ${BODY}`,
    'journalctl -o json-seq': `\x1e${JSON.stringify({ MESSAGE: `SECCOMP ${BODY}`, _HOSTNAME: 'web1', _SOURCE_REALTIME_TIMESTAMP: '1678972350266000' })}`,
  };
  for (const [name, line] of Object.entries(forms)) {
    it(name, async () => {
      const { denials } = await decodeAll(`${line}\n`);
      expect(denials.map((denial) => [denial.syscall, denial.action, denial.exe])).toEqual([['setrlimit', 'kill_process', '/opt/mattermost/bin/mattermost']]);
      if (name !== 'journalctl -o cat') {
        expect(denials[0]?.host).toBe('web1');
        expect(Math.floor((denials[0]?.time as number) / 1000)).toBe(1678972350);
      }
    });
  }
});

describe('ausearch -i as other locales and versions print it', () => {
  let serial = 0;
  const line = (date: string, arch = 'x86_64', code = 'kill'): string => {
    serial++;
    return `type=SECCOMP msg=audit(${date} 12:27:46.178:${serial}) : auid=unset uid=root gid=root ses=unset pid=${2000 + serial} comm=deny exe=/tmp/deny sig=SIGSYS arch=${arch} syscall=setrlimit compat=0 ip=0x7f code=${code}`;
  };

  it('reads day-first and ISO dates, and keeps a record whose date it cannot read', async () => {
    const { denials } = await decodeAll([line('11/23/26'), line('23/11/26'), line('2026-11-23'), line('99/99/26')].join('\n'));
    expect(denials.map((denial) => denial.time && new Date(denial.time).toISOString())).toEqual([
      '2026-11-23T12:27:46.178Z', '2026-11-23T12:27:46.178Z', '2026-11-23T12:27:46.178Z', null,
    ]);
  });

  it('decodes auparse\'s names for values its tables lack', async () => {
    const { denials } = await decodeAll([
      line('11/23/26', 'unknown-elf-type(c00000b7)', 'unknown-seccomp-code(0x7fc00000)'),
      line('11/23/26', 'armv7l', 'errno'),
    ].join('\n'));
    expect(denials.map((denial) => [denial.abi, denial.nr, denial.action])).toEqual([['aarch64', 164, 'user_notif'], ['arm', 75, 'errno']]);
  });
});

describe('parseTimeSpec', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it('reads the documented forms', () => {
    expect(parseTimeSpec('@1678972350', now)).toBe(1678972350000);
    expect(parseTimeSpec('2h ago', now)).toBe(now - 7_200_000);
    expect(parseTimeSpec('-30min', now)).toBe(now - 1_800_000);
    expect(parseTimeSpec('2023-03-16 14:12:30Z', now)).toBe(Date.parse('2023-03-16T14:12:30Z'));
    expect(parseTimeSpec('2023-03-16T14:12:30+01:00', now)).toBe(Date.parse('2023-03-16T13:12:30Z'));
  });
  it('refuses what is not a time rather than guessing', () => {
    for (const text of ['2 constructor ago', '1 __proto__ ago', '2023-02-31', '2023-03-16 25:00', 'soon']) {
      expect(parseTimeSpec(text, now), text).toBeNull();
    }
  });
});
