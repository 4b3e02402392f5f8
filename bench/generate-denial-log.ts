/**
 * Writes an auditd log in which every line is a SECCOMP record: the input of the store
 * benchmark (bench/store-throughput.ts) and of the store's crash test. Seeded, so the same
 * count always gives the same file.
 *
 * Three hosts (two with auditd's `node=` prefix, one without), each with its own serials;
 * about a month of events; programs as a busy fleet logs them: services killed for one call
 * and restarted (a new pid each time), sandboxes and `SystemCallLog=` services logging the
 * same calls from long-lived processes, a 32-bit program, a name auditd hex-encodes.
 *
 *   node dist/bench/generate-denial-log.js --events 1000000 --out denials.log
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

/** Bumped whenever the output changes, so cached logs are written again. */
const GENERATOR_VERSION = 1;

interface Program {
  comm: string;
  exe: string;
  uid: number;
  arch: string;
  syscalls: number[];
  compat: number;
  code: string;
  /** Relative frequency. */
  weight: number;
  /** Chance that the next event comes from a new process (a kill always makes one). */
  restart: number;
}

const PROGRAMS: Program[] = [
  { comm: '"mattermost"', exe: '"/opt/mattermost/bin/mattermost"', uid: 998, arch: 'c000003e', syscalls: [160], compat: 0, code: '0x80000000', weight: 3, restart: 1 },
  { comm: '"steam"', exe: '"/home/alice/.local/share/Steam/ubuntu12_32/steam"', uid: 1000, arch: '40000003', syscalls: [102, 117], compat: 1, code: '0x50000', weight: 2, restart: 0.01 },
  { comm: '"chrome"', exe: '"/opt/google/chrome/chrome"', uid: 1000, arch: 'c000003e', syscalls: [165, 272, 310], compat: 0, code: '0x50000', weight: 6, restart: 0.002 },
  { comm: '"nginx"', exe: '"/usr/sbin/nginx"', uid: 33, arch: 'c000003e', syscalls: [41, 288, 232], compat: 0, code: '0x7ffc0000', weight: 8, restart: 0.0005 },
  { comm: '6D7920617070', exe: '2F6F70742F6D79206170702F62696E2F6D7920617070', uid: 1001, arch: 'c000003e', syscalls: [1073741984], compat: 0, code: '0x0', weight: 1, restart: 1 },
  { comm: '"firejail"', exe: '"/usr/bin/firejail"', uid: 1000, arch: 'c000003e', syscalls: [101], compat: 0, code: '0x30000', weight: 1, restart: 0.05 },
  { comm: '"postgres"', exe: '"/usr/lib/postgresql/15/bin/postgres"', uid: 105, arch: 'c000003e', syscalls: [10, 28], compat: 0, code: '0x50001', weight: 4, restart: 0.001 },
  { comm: '"node"', exe: '"/usr/bin/node"', uid: 1002, arch: 'c000003e', syscalls: [317], compat: 0, code: '0x7ffc0000', weight: 3, restart: 0.003 },
];

const PICKS = PROGRAMS.flatMap((program, index) => Array<number>(program.weight).fill(index));
const HOSTS = ['node=web1 ', 'node=web2 ', ''];
const KILL_CODES = new Set(['0x80000000', '0x0']);

export interface GeneratedDenialLog {
  path: string;
  events: number;
  bytes: number;
  version: number;
}

/** Lines of the log, `count` of them, in chunks of whole lines. */
export function* denialLogChunks(count: number, seed = 20261123): Generator<string> {
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
  let clock = Date.UTC(2026, 9, 20, 0, 0, 0);
  let nextPid = 3000;
  const serials = HOSTS.map(() => 1 + Math.floor(random() * 1000));
  const livePids = HOSTS.map(() => PROGRAMS.map(() => nextPid++));
  const ips = PROGRAMS.map((program) => program.syscalls.map(() => `0x7f${Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0')}`));
  let out: string[] = [];
  for (let written = 0; written < count; written++) {
    // About a month for a million events: a mean gap of 2.6 s, bursts and quiet spells.
    clock += Math.floor(-Math.log(1 - random()) * 2_600);
    const host = Math.floor(random() * random() * HOSTS.length);
    const programIndex = PICKS[Math.floor(random() * PICKS.length)] as number;
    const program = PROGRAMS[programIndex] as Program;
    const pids = livePids[host] as number[];
    const kill = KILL_CODES.has(program.code);
    const pid = pids[programIndex] as number;
    if (kill || random() < program.restart) pids[programIndex] = nextPid = nextPid >= 4_194_000 ? 3000 : nextPid + 1 + Math.floor(random() * 40);
    const syscallIndex = Math.floor(random() * program.syscalls.length);
    const serial = (serials[host] = (serials[host] as number) + 1 + Math.floor(random() * 6));
    const auid = program.uid >= 1000 ? program.uid : 4294967295;
    const ses = program.uid >= 1000 ? 3 : 4294967295;
    const stamp = `${Math.floor(clock / 1000)}.${String(clock % 1000).padStart(3, '0')}:${serial}`;
    out.push(
      `${HOSTS[host]}type=SECCOMP msg=audit(${stamp}): auid=${auid} uid=${program.uid} gid=${program.uid} ses=${ses} subj=unconfined pid=${pid} comm=${program.comm} exe=${program.exe} sig=${kill ? 31 : 0} arch=${program.arch} syscall=${program.syscalls[syscallIndex]} compat=${program.compat} ip=${(ips[programIndex] as string[])[syscallIndex]} code=${program.code}\n`,
    );
    if (out.length === 10_000) {
      yield out.join('');
      out = [];
    }
  }
  if (out.length > 0) yield out.join('');
}

export function generateDenialLog(path: string, events: number): GeneratedDenialLog {
  mkdirSync(dirname(path), { recursive: true });
  const file = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const chunk of denialLogChunks(events)) bytes += writeSync(file, chunk);
  } finally {
    closeSync(file);
  }
  const log = { path, events, bytes, version: GENERATOR_VERSION };
  writeFileSync(`${path}.json`, `${JSON.stringify(log)}\n`);
  return log;
}

/** The cached log of `events` records in `dir`, written when missing, changed or outdated. */
export function ensureDenialLog(dir: string, events: number): { log: GeneratedDenialLog; reused: boolean } {
  const path = join(dir, `denials-${events}.log`);
  try {
    const manifest = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as GeneratedDenialLog;
    if (manifest.version === GENERATOR_VERSION && manifest.events === events && existsSync(path) && statSync(path).size === manifest.bytes) {
      return { log: manifest, reused: true };
    }
  } catch {
    // No manifest: write the log.
  }
  return { log: generateDenialLog(path, events), reused: false };
}

function main(): void {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, out: { type: 'string', default: 'denials.log' } } });
  const log = generateDenialLog(values.out, Number(values.events));
  console.log(`${log.path}: ${log.events} SECCOMP records, ${log.bytes} bytes`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
