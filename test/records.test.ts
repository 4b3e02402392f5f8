import { describe, expect, it } from 'vitest';
import { isMalformed, parseRecordLine, type AuditRecord } from '../src/records/index.js';
import { FIXTURE_NOW } from './support/run.js';

const context = { now: FIXTURE_NOW };
const BODY = 'auid=4294967295 uid=1009 gid=1008 ses=4294967295 subj=unconfined pid=2999066 comm="mattermost" exe="/opt/mattermost/bin/mattermost" sig=31 arch=c000003e syscall=160 compat=0 ip=0x40440e code=0x80000000';

function record(line: string): AuditRecord {
  const reading = parseRecordLine(line, context);
  if (reading === null || isMalformed(reading)) throw new Error(`not a record: ${JSON.stringify(reading)}`);
  return reading;
}

describe('parseRecordLine reads every form a seccomp record is logged in', () => {
  it('reads the kernel form with any prefix, taking time and serial from audit(...)', () => {
    for (const prefix of ['', '[  188.335115] ', '[Thu Mar 16 14:12:30 2023] ', 'Mar 16 14:12:30 web1 kernel: ', 'Mar 16 14:12:30 web1 kernel: [ 12.3] ', '2023-03-16T14:12:30+0000 web1 kernel: ']) {
      const parsed = record(`${prefix}audit: type=1326 audit(1678972350.266:4): ${BODY}`);
      expect(parsed.format).toBe('kernel');
      expect(parsed.time).toBe(1678972350266);
      expect(parsed.serial).toBe(4);
      expect(parsed.fields).toMatchObject({ pid: '2999066', comm: 'mattermost', exe: '/opt/mattermost/bin/mattermost', arch: 'c000003e', syscall: '160', code: '0x80000000', subj: 'unconfined' });
      expect(parsed.host).toBe(prefix.includes('web1') ? 'web1' : null);
    }
  });

  it('decodes hex-encoded comm and exe', () => {
    const parsed = record('[  722.406309] audit: type=1326 audit(1795439793.352:28): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=14523 comm=6D7920617070 exe=2F746D702F73632D66697874757265732F7363206469722F6D792074726967676572 sig=31 arch=c000003e syscall=160 compat=0 ip=0x7f89870c8829 code=0x80000000');
    expect(parsed.fields.comm).toBe('my app');
    expect(parsed.fields.exe).toBe('/tmp/sc-fixtures/sc dir/my trigger');
  });

  it('reads auditd raw lines, with and without node=', () => {
    const plain = record(`type=SECCOMP msg=audit(1678972350.266:4): ${BODY}`);
    expect(plain).toMatchObject({ format: 'auditd', time: 1678972350266, serial: 4, host: null });
    const remote = record(`node=web1 type=SECCOMP msg=audit(1678972350.266:4): ${BODY}`);
    expect(remote).toMatchObject({ format: 'auditd', host: 'web1' });
  });

  it('reads ENRICHED lines, and ENRICHED pastes that lost the 0x1d byte', () => {
    const enriched = record(`type=SECCOMP msg=audit(1678972350.266:4): ${BODY}\x1dAUID="unset" UID="mattermost" GID="mattermost" ARCH=x86_64 SYSCALL=setrlimit`);
    expect(enriched.format).toBe('auditd-enriched');
    expect(enriched.fields.code).toBe('0x80000000');
    expect(enriched.enriched).toMatchObject({ UID: 'mattermost', ARCH: 'x86_64', SYSCALL: 'setrlimit' });
    const pasted = record(`type=SECCOMP msg=audit(1678972350.266:4): ${BODY}AUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=setrlimit`);
    expect(pasted.fields.code).toBe('0x80000000');
    expect(pasted.enriched).toMatchObject({ AUID: 'unset', UID: 'root', SYSCALL: 'setrlimit' });
  });

  it('reads ausearch -i lines, splitting values with spaces on the known field names', () => {
    const parsed = record('type=SECCOMP msg=audit(11/23/26 12:27:46.178:2) : auid=unset uid=root gid=root ses=unset pid=2012 comm=my app exe=/tmp/sc/my app sig=SIGSYS arch=x86_64 syscall=setrlimit compat=0 ip=0x7f7cdf7e5829 code=kill');
    expect(parsed.format).toBe('ausearch-interpreted');
    expect(parsed.interpreted).toBe(true);
    expect(parsed.serial).toBe(2);
    expect(parsed.fields).toMatchObject({ uid: 'root', pid: '2012', comm: 'my app', exe: '/tmp/sc/my app', sig: 'SIGSYS', arch: 'x86_64', syscall: 'setrlimit', code: 'kill' });
  });

  it('reads journald\'s audit transport in text form, which has no serial', () => {
    const parsed = record(`Mar 16 14:12:30 web1 audit[2999066]: SECCOMP ${BODY}`);
    expect(parsed).toMatchObject({ format: 'journal-audit', serial: null, host: 'web1', timePrecise: false });
    expect(new Date(parsed.time as number).getMonth()).toBe(2);
  });

  it('reads journal JSON of both transports, and a MESSAGE given as bytes', () => {
    const kernel = record(JSON.stringify({ _TRANSPORT: 'kernel', _HOSTNAME: 'web1', MESSAGE: `audit: type=1326 audit(1678972350.266:4): ${BODY}` }));
    expect(kernel).toMatchObject({ format: 'journal-json', host: 'web1', serial: 4, time: 1678972350266 });
    const audit = record(JSON.stringify({ _TRANSPORT: 'audit', _AUDIT_TYPE: '1326', _AUDIT_ID: '4', _SOURCE_REALTIME_TIMESTAMP: '1678972350266000', _HOSTNAME: 'web1', MESSAGE: `SECCOMP ${BODY}` }));
    expect(audit).toMatchObject({ format: 'journal-json', host: 'web1', serial: 4, time: 1678972350266 });
    const bytes = record(JSON.stringify({ _TRANSPORT: 'kernel', MESSAGE: [...Buffer.from(`audit: type=1326 audit(1678972350.266:4): ${BODY}`)] }));
    expect(bytes.fields.syscall).toBe('160');
  });

  it('reads the legacy type=1701 form only when its reason is seccomp', () => {
    const parsed = record('[  629.474037] type=1701 audit(1351424567.591:30): auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=1234 comm="chrome" reason="seccomp" sig=0 syscall=4 compat=0 ip=0x7f2a code=0x50000');
    expect(parsed.format).toBe('kernel-abend');
    expect(parsed.fields.arch).toBeUndefined();
    expect(parseRecordLine('[  629.474037] type=1701 audit(1351424567.591:30): auid=4294967295 uid=1000 pid=1234 comm="x" sig=11 res=1', context)).toBeNull();
  });

  it('skips lines that are not records, and flags damaged ones', () => {
    expect(parseRecordLine('type=SYSCALL msg=audit(1678972350.266:3): arch=c000003e syscall=59 success=yes', context)).toBeNull();
    expect(parseRecordLine('systemd[1]: Failed to apply SECCOMP filter', context)).toBeNull();
    const truncated = parseRecordLine('audit: type=1326 audit(1678972350.266:4): auid=4294967295 uid=1009 gid=1008 ses=4294967295 pid=2999066 comm="matt', context);
    expect(truncated && isMalformed(truncated)).toBe(true);
    const badId = parseRecordLine(`audit: type=1326 audit(16789723:x): ${BODY}`, context);
    expect(badId && isMalformed(badId)).toBe(true);
    const badJson = parseRecordLine('{"MESSAGE":"audit: type=1326 audit(1678972350.266:4): auid=', context);
    expect(badJson && isMalformed(badJson)).toBe(true);
  });

  it('trusts the first of a repeated field, and takes nothing but values from the log', () => {
    const parsed = record(`audit: type=1326 audit(1678972350.266:4): ${BODY} syscall=59 comm="evil"`);
    expect(parsed.fields.syscall).toBe('160');
    expect(parsed.fields.comm).toBe('mattermost');
  });

  it('reads a key only where a word starts, and lists the fields in the kernel’s order whatever the line’s', () => {
    const parsed = record('audit: type=1326 audit(1678972350.266:4): code=0x80000000 xpid=1 comm="a pid=3" pid=5 syscall=160 arch=c000003e');
    expect(parsed.fields).toEqual({ comm: '"a', pid: '3"', syscall: '160', arch: 'c000003e', code: '0x80000000' });
    expect(Object.keys(parsed.fields)).toEqual(['pid', 'comm', 'arch', 'syscall', 'code']);
  });

  it('reads the event id digit by digit: seconds, three digits of milliseconds, a serial that fits', () => {
    const idOf = (id: string): { time: number | null; serial: number | null } | string => {
      const reading = parseRecordLine(`audit: type=1326 audit(${id}): ${BODY}`, context);
      return reading === null || isMalformed(reading) ? 'malformed' : { time: reading.time, serial: reading.serial };
    };
    expect(idOf('1678972350.266:4')).toEqual({ time: 1678972350266, serial: 4 });
    expect(idOf('0.000:00012')).toEqual({ time: 0, serial: 12 });
    expect(idOf('999999999999.999:9007199254740991')).toEqual({ time: 999999999999999, serial: 9007199254740991 });
    for (const bad of ['1678972350.26:4', '1678972350.2666:4', '.266:4', '1234567890123.266:4', '1.266:', '1.266:x', '1.2a6:4', '1,266:4', '1.266:-4', '1.266:9007199254740992', '1.266:123456789012345678901']) {
      expect(idOf(bad), bad).toBe('malformed');
    }
  });
});
