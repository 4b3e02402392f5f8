import { describe, expect, it } from 'vitest';
import { decodeAction, decodeRecord, loadBundledSyscallTables, signalName, type Denial } from '../src/decode/index.js';
import { isMalformed, parseRecordLine } from '../src/records/index.js';
import { FIXTURE_NOW } from './support/run.js';

const tables = loadBundledSyscallTables();

function decode(line: string, assumedAbi = 'x86_64'): Denial {
  const reading = parseRecordLine(line, { now: FIXTURE_NOW });
  if (reading === null || isMalformed(reading)) throw new Error('not a record');
  const result = decodeRecord(reading, { tables, assumedAbi });
  if ('malformed' in result) throw new Error(result.malformed);
  return result.denial;
}

const kernel = (fields: string): string => `audit: type=1326 audit(1678972350.266:4): auid=4294967295 uid=1009 gid=1008 ses=4294967295 pid=7 comm="p" exe="/p" ${fields}`;

describe('decodeAction', () => {
  it('names every action of linux/seccomp.h, telling kill_process from kill_thread', () => {
    expect(decodeAction('0x80000000').action).toBe('kill_process');
    expect(decodeAction('0x0').action).toBe('kill_thread');
    expect(decodeAction('0x30000').action).toBe('trap');
    expect(decodeAction('0x50000').action).toBe('errno');
    expect(decodeAction('0x50001').action).toBe('errno');
    expect(decodeAction('0x7fc00000').action).toBe('user_notif');
    expect(decodeAction('0x7ff00000').action).toBe('trace');
    expect(decodeAction('0x7ffc0000').action).toBe('log');
    expect(decodeAction('0x7fff0000').action).toBe('allow');
    expect(decodeAction('0x12340000')).toEqual({ action: 'unknown', note: { code: 'action-code-unknown', value: '0x12340000' } });
  });

  it('says that ausearch -i\'s "kill" does not tell thread from process', () => {
    expect(decodeAction('kill')).toMatchObject({ action: 'unknown' });
    expect(decodeAction('errno').action).toBe('errno');
  });
});

describe('decodeRecord', () => {
  it('decodes the Mattermost record', () => {
    expect(decode(kernel('sig=31 arch=c000003e syscall=160 compat=0 ip=0x40440e code=0x80000000'))).toMatchObject({
      arch: 'c000003e', abi: 'x86_64', nr: 160, syscall: 'setrlimit', action: 'kill_process', signal: 'SIGSYS',
      uid: 1009, auid: null, pid: 7, compat: false,
    });
  });

  it('tells x32 from x86_64 by the 0x40000000 bit', () => {
    expect(decode(kernel('sig=31 arch=c000003e syscall=1073741984 compat=0 ip=0x1 code=0x80000000'))).toMatchObject({ abi: 'x32', nr: 1073741984, syscall: 'setrlimit' });
  });

  it('decodes i386, aarch64, arm, mips o32/n64/n32 through their own tables', () => {
    expect(decode(kernel('sig=31 arch=40000003 syscall=75 compat=1 ip=0x1 code=0x0'))).toMatchObject({ abi: 'i386', syscall: 'setrlimit', compat: true, action: 'kill_thread' });
    expect(decode(kernel('sig=31 arch=c00000b7 syscall=164 compat=0 ip=0x1 code=0x80000000'))).toMatchObject({ abi: 'aarch64', syscall: 'setrlimit' });
    expect(decode(kernel('sig=31 arch=40000028 syscall=75 compat=1 ip=0x1 code=0x80000000'))).toMatchObject({ abi: 'arm', syscall: 'setrlimit' });
    expect(decode(kernel('sig=12 arch=8 syscall=4075 compat=0 ip=0x1 code=0x80000000'))).toMatchObject({ abi: 'mips', arch: '00000008', syscall: 'setrlimit', signal: 'SIGSYS' });
    expect(decode(kernel('sig=12 arch=c0000008 syscall=5155 compat=0 ip=0x1 code=0x80000000'))).toMatchObject({ abi: 'mips64el', syscall: 'setrlimit' });
    expect(decode(kernel('sig=12 arch=e0000008 syscall=6155 compat=0 ip=0x1 code=0x80000000'))).toMatchObject({ abi: 'mipsn32el', syscall: 'setrlimit' });
  });

  it('reads numbers of 1 to 10 digits only: syscall numbers may be negative, ids may not', () => {
    expect(decode(kernel('sig=0031 arch=c000003e syscall=00160 compat=0 ip=0x1 code=0x80000000'))).toMatchObject({ nr: 160, syscall: 'setrlimit', signal: 'SIGSYS', pid: 7 });
    expect(decode(kernel('sig=31 arch=c000003e syscall=-1 compat=0 ip=0x1 code=0x80000000'))).toMatchObject({ nr: -1, syscall: null });
    const reading = (fields: string) => parseRecordLine(`audit: type=1326 audit(1678972350.266:4): ${fields}`, { now: FIXTURE_NOW });
    const decoded = (fields: string) => {
      const record = reading(fields);
      if (record === null || isMalformed(record)) throw new Error('not a record');
      return decodeRecord(record, { tables, assumedAbi: 'x86_64' });
    };
    expect(decoded('pid=7 uid=-5 auid=12345678901 arch=c000003e syscall=1 code=0x0')).toMatchObject({ denial: { pid: 7, uid: null, auid: null } });
    expect(decoded('pid=7 arch=c000003e syscall=12345678901 code=0x0')).toEqual({ malformed: 'syscall=12345678901 is not a number' });
    expect(decoded('pid=7 arch=c000003e syscall=- code=0x0')).toEqual({ malformed: 'syscall=- is not a number' });
  });

  it('shows a number no table knows as unknown, not a guess', () => {
    const denial = decode(kernel('sig=31 arch=c000003e syscall=999 compat=0 ip=0x1 code=0x80000000'));
    expect(denial).toMatchObject({ abi: 'x86_64', nr: 999, syscall: null });
    const foreign = decode(kernel('sig=31 arch=c0001234 syscall=1 compat=0 ip=0x1 code=0x80000000'));
    expect(foreign).toMatchObject({ abi: null, arch: 'c0001234', nr: 1, syscall: null });
    expect(foreign.notes).toContainEqual({ code: 'arch-unknown', arch: 'c0001234' });
  });

  it('checks ausearch -i names against our tables', () => {
    const line = (syscall: string, arch = 'x86_64'): string => `type=SECCOMP msg=audit(11/23/26 12:27:46.178:2) : auid=unset uid=root gid=root ses=unset pid=2012 comm=deny exe=/tmp/deny sig=SIGSYS arch=${arch} syscall=${syscall} compat=0 ip=0x7f code=kill`;
    expect(decode(line('setrlimit'))).toMatchObject({ abi: 'x86_64', arch: 'c000003e', nr: 160, syscall: 'setrlimit', user: 'root', uid: null, action: 'unknown', signal: 'SIGSYS' });
    expect(decode(line('unknown-syscall(1073741984)'))).toMatchObject({ abi: 'x32', nr: 1073741984, syscall: 'setrlimit' });
    const bogus = decode(line('made_up_call'));
    expect(bogus).toMatchObject({ nr: null, syscall: null });
    expect(bogus.notes[0]).toMatchObject({ code: 'interpreted-syscall-unknown', name: 'made_up_call' });
    expect(decode(line('setrlimit', 'i386'))).toMatchObject({ abi: 'i386', nr: 75 });
  });

  it('keeps our name when ENRICHED disagrees, and says so', () => {
    const denial = decode(`type=SECCOMP msg=audit(1678972350.266:4): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=1 comm="p" exe="/p" sig=31 arch=c000003e syscall=17 compat=0 ip=0x1 code=0x80000000\x1dAUID="unset" UID="root" ARCH=x86_64 SYSCALL=pread`);
    expect(denial.syscall).toBe('pread64');
    expect(denial.user).toBe('root');
    expect(denial.notes).toContainEqual({ code: 'auditd-named-differently', name: 'pread' });
  });

  it('assumes the given ABI for legacy records without arch=, and says so', () => {
    const denial = decode('type=1701 audit(1351424567.591:30): auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=1234 comm="chrome" reason="seccomp" sig=0 syscall=4 compat=0 ip=0x7f2a code=0x50000', 'i386');
    expect(denial).toMatchObject({ abi: 'i386', syscall: 'write', action: 'errno', format: 'kernel-abend' });
    expect(denial.notes[0]).toEqual({ code: 'assumed-abi', abi: 'i386' });
  });

  it('names strict-mode kills', () => {
    const denial = decode(kernel('sig=9 arch=c000003e syscall=110 compat=0 ip=0x1 code=0x0'));
    expect(denial.signal).toBe('SIGKILL');
    expect(denial.notes[0]).toEqual({ code: 'strict-mode-kill' });
  });
});

describe('signalName', () => {
  it('uses the ABI family\'s numbering', () => {
    expect(signalName(31, 'x86_64')).toBe('SIGSYS');
    expect(signalName(12, 'mips64el')).toBe('SIGSYS');
    expect(signalName(0, 'x86_64')).toBeNull();
  });
});
