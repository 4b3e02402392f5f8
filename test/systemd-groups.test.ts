// Checks the generated syscall-tables/systemd/*.json (see docs/systemd-groups.md):
// schema sanity, facts about the groups from systemd's source history, and
// agreement with this machine's `systemd-analyze syscall-filter`.
//
// The JSON files are read directly (nothing is imported from src/). Without
// systemd-analyze the comparison is skipped locally and fails under CI (CI set).
// When the machine's systemd version has a table (Debian 12: 252.39), every
// group must match exactly: description, members in source order, and the
// "Ungrouped System Calls" trailer; otherwise the comparison is skipped.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { accessSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Group {
  description: string;
  members: string[];
}

interface GroupsFile {
  systemd: string;
  source: string;
  groups: Record<string, Group>;
  expanded: Record<string, string[]>;
  conditionals?: Array<{ group: string; directive: string; members: string[] }>;
}

interface Index {
  generated: string;
  versions: Array<{ systemd: string; file: string; source: string }>;
}

const here = dirname(fileURLToPath(import.meta.url));
// Works both from test/ (vitest) and from dist/test/ (tsc output).
const repoRoot = [resolve(here, '..'), resolve(here, '../..')].find((d) => {
  try {
    accessSync(join(d, 'syscall-tables', 'systemd', 'index.json'));
    return true;
  } catch {
    return false;
  }
}) ?? resolve(here, '..');
const dir = join(repoRoot, 'syscall-tables', 'systemd');

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
}

/** Numeric comparison of dotted versions ("252.39" < "257.13" < "262"). */
function cmp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

const index = readJson<Index>('index.json');
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
const tables = new Map<string, GroupsFile>(files.map((f) => [f, readJson<GroupsFile>(f)]));
const byVersion = [...tables.values()].sort((a, b) => cmp(a.systemd, b.systemd));
const major = (t: GroupsFile): number => Number(t.systemd.split('.')[0]);
/** @default includes @sandbox (so seccomp()) from v257, and by stable backport from v254.19, v255.13 and all v256.x. */
const defaultHasSandbox = (t: GroupsFile): boolean =>
  major(t) >= 256 || (major(t) === 255 && cmp(t.systemd, '255.13') >= 0) || (major(t) === 254 && cmp(t.systemd, '254.19') >= 0);

/** Independent re-implementation of the recursive expansion. */
function expand(groups: Record<string, Group>, name: string, seen: string[] = []): Set<string> {
  const g = groups[name];
  if (!g) throw new Error(`unknown group ${name}`);
  if (seen.includes(name)) throw new Error(`cycle ${[...seen, name].join(' -> ')}`);
  const out = new Set<string>();
  for (const m of g.members) {
    if (m.startsWith('@')) for (const x of expand(groups, m, [...seen, name])) out.add(x);
    else out.add(m);
  }
  return out;
}

describe('syscall-tables/systemd: schema', () => {
  it('has at least the Debian 12 table', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(byVersion.some((t) => t.systemd.startsWith('252.'))).toBe(true);
  });

  it('index lists every file, sorted by version, with the file\'s source', () => {
    expect(index.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(index.versions.map((v) => v.file).sort()).toEqual([...files].sort());
    expect(index.versions.map((v) => v.systemd)).toEqual(byVersion.map((t) => t.systemd));
    for (const v of index.versions) {
      const t = tables.get(v.file);
      expect(t?.systemd).toBe(v.systemd);
      expect(t?.source).toBe(v.source);
    }
  });

  for (const [file, t] of tables) {
    describe(file, () => {
      it('has the documented top-level shape', () => {
        expect(Object.keys(t).sort()).toEqual(['expanded', 'groups', 'source', 'systemd', ...(t.conditionals ? ['conditionals'] : [])].sort());
        expect(file).toBe(`${t.systemd}.json`);
        expect(t.systemd).toMatch(/^\d+(\.\d+)*$/);
        expect(t.source).toMatch(new RegExp(`^systemd ${t.systemd.replace(/\./g, '\\.')}-\\S+ \\(Debian [a-z0-9-]+\\): src/shared/seccomp-util\\.c(, \\S+)*$`));
        // v252+ tables have no per-architecture #if blocks.
        if (major(t) >= 252) expect(t.conditionals).toBeUndefined();
      });

      it('groups: @default first, @known last, descriptions and well-formed members', () => {
        const names = Object.keys(t.groups);
        expect(names[0]).toBe('@default');
        if (major(t) >= 247) expect(names[names.length - 1]).toBe('@known');
        for (const [name, g] of Object.entries(t.groups)) {
          expect(name).toMatch(/^@[a-z-]+$/);
          expect(typeof g.description).toBe('string');
          expect(g.description.length).toBeGreaterThan(0);
          expect(g.members.length).toBeGreaterThan(0);
          for (const m of g.members) {
            expect(m).toMatch(/^@?[a-z0-9_-]+$/);
            if (m.startsWith('@')) expect(t.groups[m], `${name} -> ${m}`).toBeDefined();
          }
        }
        // Order: @default, then alphabetical, then @known (asserted by systemd since v254).
        const middle = names.slice(1, -1);
        expect(middle).toEqual([...middle].sort());
      });

      it('expanded is the sorted, deduplicated recursive expansion of groups', () => {
        expect(Object.keys(t.expanded)).toEqual(Object.keys(t.groups));
        for (const name of Object.keys(t.groups)) {
          const want = [...expand(t.groups, name)].sort();
          const got = t.expanded[name] ?? [];
          expect(got, name).toEqual(want);
          expect(new Set(got).size).toBe(got.length);
          expect(got.some((m) => m.startsWith('@'))).toBe(false);
        }
      });
    });
  }
});

describe('syscall-tables/systemd: facts from systemd history', () => {
  for (const t of byVersion) {
    describe(t.systemd, () => {
      it('setrlimit is in @resources, and in @system-service only through it', () => {
        expect(t.groups['@resources']?.members).toContain('setrlimit');
        expect(t.expanded['@system-service']).toContain('setrlimit');
        expect(t.groups['@system-service']?.members).not.toContain('setrlimit');
        expect(t.groups['@system-service']?.members).toContain('@resources');
        expect(t.expanded['@default']).not.toContain('setrlimit');
        for (const s of ['getrlimit', 'prlimit64']) expect(t.expanded['@default']).toContain(s);
      });

      it('seccomp() is in @default from 257 and 254.19+ (via @sandbox), never in 252', () => {
        if (defaultHasSandbox(t)) {
          expect(t.expanded['@default']).toContain('seccomp');
          expect(t.groups['@default']?.members).toContain('@sandbox');
        }
        if (major(t) === 252) {
          expect(t.expanded['@default']).not.toContain('seccomp');
          expect(t.expanded['@system-service']).not.toContain('seccomp');
          expect(t.expanded['@known']).toContain('seccomp');
        }
        if (major(t) >= 254) expect(t.groups['@sandbox']?.members).toContain('seccomp');
      });

      it('@known exists, starts with @obsolete and comes from the syscall list file', () => {
        if (major(t) < 252) return;
        const known = t.groups['@known'];
        expect(known?.members[0]).toBe('@obsolete');
        expect(t.expanded['@known']?.length).toBeGreaterThan(500);
        expect(t.source).toMatch(/syscall-list\.txt$/);
      });

      it('group count and nesting', () => {
        const n = Object.keys(t.groups).length;
        if (major(t) >= 252 && major(t) < 254) expect(n).toBe(29);
        if (major(t) >= 254) expect(n).toBe(30);
        if (major(t) >= 254) expect(t.groups['@sandbox']).toBeDefined();
        else expect(t.groups['@sandbox']).toBeUndefined();
        const refs = (g: string): string[] => (t.groups[g]?.members ?? []).filter((m) => m.startsWith('@'));
        expect(refs('@privileged')).toEqual(['@chown', '@clock', '@module', '@raw-io', '@reboot', '@swap']);
        expect(refs('@system-service')).toEqual(['@aio', '@basic-io', '@chown', '@default', '@file-system', '@io-event', '@ipc', '@keyring', '@memlock', '@network-io', '@process', '@resources', '@setuid', '@signal', '@sync', '@timer']);
        expect(refs('@default')).toEqual(defaultHasSandbox(t) ? ['@sandbox'] : []);
        expect(refs('@known')).toEqual(['@obsolete']);
        const nested = new Set(['@default', '@privileged', '@system-service', '@known']);
        for (const g of Object.keys(t.groups)) if (!nested.has(g)) expect(refs(g), g).toEqual([]);
      });
    });
  }

  it('point-release drift documented for Debian 252.39, 257.13 and 262', () => {
    for (const t of byVersion) {
      if (t.systemd === '252.39') {
        // v252 stable backports (252.31) plus uretprobe in Debian's 252.39.
        for (const s of ['futex_waitv', 'riscv_hwprobe', 'uretprobe']) expect(t.groups['@default']?.members).toContain(s);
        expect(t.groups['@file-system']?.members).toContain('fchmodat2');
        expect(t.groups['@privileged']?.members).toContain('quotactl_fd');
        expect(t.groups['@resources']?.members).toContain('set_mempolicy_home_node');
        expect(t.groups['@system-service']?.members).toContain('arm_fadvise64_64');
      }
      if (t.systemd.startsWith('257.') && cmp(t.systemd, '257.13') >= 0) {
        for (const s of ['lsm_get_self_attr', 'lsm_list_modules']) expect(t.groups['@default']?.members).toContain(s);
        for (const s of ['file_getattr', 'file_setattr']) expect(t.groups['@file-system']?.members).toContain(s);
      }
      if (major(t) >= 258) {
        expect(t.groups['@file-system']?.members).toContain('open_tree');
        expect(t.groups['@mount']?.members).not.toContain('open_tree');
        expect(t.groups['@mount']?.members).toContain('open_tree_attr');
      } else {
        expect(t.groups['@mount']?.members).toContain('open_tree');
      }
    }
  });
});

// ---------------------------------------------------------------------------
// systemd-analyze syscall-filter on this machine
// ---------------------------------------------------------------------------

interface AnalyzeOutput {
  groups: Map<string, Group>;
  /** trailing "# Title ...:" sections, e.g. "Ungrouped System Calls" and "Unlisted System Calls" */
  trailers: Map<string, string[]>;
}

/**
 * Format (v252..v262): for each group `@name` at column 0, then `    # description`,
 * then `    member` lines (syscalls and `@group` references), groups separated by
 * blank lines; then optional sections `# Title (explanation):` with `#   name` lines.
 */
function parseAnalyze(text: string): AnalyzeOutput {
  const groups = new Map<string, Group>();
  const trailers = new Map<string, string[]>();
  let group: Group | undefined;
  let trailer: string[] | undefined;
  for (const raw of text.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line === '') {
      group = undefined;
      trailer = undefined;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^(@[a-z-]+)$/.exec(line))) {
      group = { description: '', members: [] };
      groups.set(m[1] ?? '', group);
      trailer = undefined;
    } else if (group && (m = /^ {4}# (.*)$/.exec(line)) && group.description === '' && group.members.length === 0) {
      group.description = m[1] ?? '';
    } else if (group && (m = /^ {4}(@?[a-z0-9_-]+)$/.exec(line))) {
      group.members.push(m[1] ?? '');
    } else if ((m = /^# (.+?)(?: \(.*\))?:$/.exec(line))) {
      trailer = [];
      trailers.set(m[1] ?? '', trailer);
      group = undefined;
    } else if (trailer && (m = /^#\s+([a-z0-9_]+)$/.exec(line))) {
      trailer.push(m[1] ?? '');
    } else {
      throw new Error(`unexpected systemd-analyze line: ${JSON.stringify(raw)}`);
    }
  }
  return { groups, trailers };
}

function findAnalyze(): string | undefined {
  for (const p of ['/usr/bin/systemd-analyze', '/bin/systemd-analyze']) {
    try {
      accessSync(p);
      return p;
    } catch {
      // next
    }
  }
  try {
    return execFileSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const analyze = findAnalyze();
const inCI = !!process.env['CI'];

describe('agreement with systemd-analyze syscall-filter', () => {
  it.runIf(!analyze && inCI)('systemd-analyze is available under CI', () => {
    expect(analyze, 'systemd-analyze not found; CI must run on a systemd host').toBeDefined();
  });

  if (!analyze) {
    it.skip('systemd-analyze not found (skipped outside CI)', () => {});
    return;
  }
  const env = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat', LC_ALL: 'C' };
  const versionLine = execFileSync(analyze, ['--version'], { encoding: 'utf8', env }).split('\n')[0] ?? '';
  // "systemd 252 (252.39-1~deb12u2)"
  const full = /\(([^)]+)\)/.exec(versionLine)?.[1] ?? /^systemd (\S+)/.exec(versionLine)?.[1] ?? '';
  const upstream = full.replace(/^\d+:/, '').replace(/-[^-]+$/, '');
  const table = byVersion.find((t) => t.systemd === upstream);

  it('parses this machine\'s output', () => {
    const out = parseAnalyze(execFileSync(analyze, ['--no-pager', 'syscall-filter'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(out.groups.size).toBeGreaterThan(20);
    expect(out.groups.get('@default')?.description).toBe('System calls that are always permitted');
  });

  if (!table) it.skip(`no table for this machine's systemd ${versionLine}: exact comparison skipped`, () => {});

  it.runIf(!!table)(`matches ${versionLine} exactly, group by group`, () => {
    if (!table) return;
    const out = parseAnalyze(execFileSync(analyze, ['--no-pager', 'syscall-filter'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect([...out.groups.keys()]).toEqual(Object.keys(table.groups));
    for (const [name, g] of Object.entries(table.groups)) {
      const live = out.groups.get(name);
      expect(live?.description, `${name} description`).toBe(g.description);
      expect(live?.members, `${name} members`).toEqual(g.members);
    }
    // "Ungrouped System Calls": @known's own names that no other group lists.
    const others = new Set<string>();
    for (const [name, g] of Object.entries(table.groups)) if (name !== '@known') for (const m of g.members) others.add(m);
    const ungrouped = (table.groups['@known']?.members ?? []).filter((m) => !m.startsWith('@') && !others.has(m)).sort();
    const trailer = out.trailers.get('Ungrouped System Calls');
    if (ungrouped.length) expect(trailer).toEqual(ungrouped);
    else expect(trailer).toBeUndefined();
  });

  it.runIf(!!table)('each group name resolves to the same expansion as `systemd-analyze syscall-filter @group`', () => {
    if (!table) return;
    // Nested groups are printed by reference; expanding them from the live output must give our expansion.
    const out = parseAnalyze(execFileSync(analyze, ['--no-pager', 'syscall-filter'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const liveGroups = Object.fromEntries(out.groups) as Record<string, Group>;
    for (const name of Object.keys(table.groups)) {
      expect([...expand(liveGroups, name)].sort(), name).toEqual(table.expanded[name]);
    }
  });
});
