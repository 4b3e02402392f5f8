import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DenialSummary } from '../src/analysis/index.js';
import { loadBundledSyscallTables, type SeccompAction } from '../src/decode/index.js';
import {
  attributeDenial, broadAlternative, bundledGroupsFor, bundledGroupVersions, execAssignments, filterVerdict, orderUnitFiles,
  parseUnitFile, replayArchitectures, replaySyscallFilter, suggestDropIn, unitWarnings, WRITTEN_BY, type SystemdGroups,
  type UnitConfiguration,
} from '../src/systemd/index.js';
import { abiOfSystemdArchitecture } from '../src/systemd/architecture-names.js';

const tables = loadBundledSyscallTables();
const abis = tables.abiNames().sort();
const versions = bundledGroupVersions();
const groupsByVersion = new Map<string, SystemdGroups>(versions.map((version) => [version, bundledGroupsFor(version)]));
const newestGroups = groupsByVersion.get(versions[versions.length - 1] as string) as SystemdGroups;
const oldestKnown = new Set([...(groupsByVersion.get(versions[0] as string) as SystemdGroups).expanded.values()].flat());
const ACTIONS: SeccompAction[] = ['kill_process', 'kill_thread', 'trap', 'errno', 'user_notif', 'trace', 'log', 'allow', 'unknown'];
/** Names the newest systemd knows and the oldest does not (mseal, cachestat…), and names no systemd knows. */
const newerNames = [...new Set([...newestGroups.expanded.values()].flat())].filter((name) => !oldestKnown.has(name));
const commonNames = ['setrlimit', 'mount', 'umount2', 'personality', 'getpid', 'write', 'socket', 'mmap', 'chmod', 'clone3', 'seccomp', 'ptrace', 'reboot'];
const groupNames = [...newestGroups.expanded.keys()];
const ARCHITECTURE_WORDS = ['native', 'x86', 'x86-64', 'x32', 'arm', 'arm64', 's390x', 'ppc64-le', 'riscv64', 'loongarch64', 'alpha'];
const UNIT_PATH = '/etc/systemd/system/app.service';
const OVERRIDE_PATH = '/etc/systemd/system/app.service.d/override.conf';
const OWN_PATH = '/etc/systemd/system/app.service.d/zz-seccomp-explain.conf';

const filterWord = fc.oneof(
  fc.constantFrom(...commonNames),
  fc.constantFrom(...newerNames),
  fc.constantFrom(...groupNames),
  fc.constantFrom('no_such_call', '@no-such-group'),
).chain((name) => fc.constantFrom(name, `${name}:EPERM`, `${name}:kill`, name, name));

const filterLine = fc.oneof(
  { weight: 1, arbitrary: fc.constant('SystemCallFilter=') },
  { weight: 6, arbitrary: fc.tuple(fc.boolean(), fc.array(filterWord, { minLength: 1, maxLength: 5 })).map(([inverted, words]) => `SystemCallFilter=${inverted ? '~' : ''}${words.join(' ')}`) },
);
const architecturesLine = fc.oneof(
  { weight: 1, arbitrary: fc.constant('SystemCallArchitectures=') },
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...ARCHITECTURE_WORDS), { minLength: 1, maxLength: 3 }).map((words) => `SystemCallArchitectures=${words.join(' ')}`) },
);
const errorNumberLine = fc.constantFrom('SystemCallErrorNumber=EPERM', 'SystemCallErrorNumber=kill', 'SystemCallErrorNumber=');
const unitLines = fc.array(fc.oneof({ weight: 4, arbitrary: filterLine }, { weight: 2, arbitrary: architecturesLine }, { weight: 1, arbitrary: errorNumberLine }), { maxLength: 6 });

const configuration = fc.record({
  main: unitLines,
  override: unitLines,
  own: fc.option(fc.tuple(fc.array(fc.constantFrom(...commonNames, ...newerNames), { maxLength: 3 }), fc.array(fc.constantFrom(...ARCHITECTURE_WORDS.slice(1)), { maxLength: 2 }))),
}).map(({ main, override, own }): UnitConfiguration => {
  const dropIns = [parseUnitFile(`[Service]\n${override.join('\n')}\n`, OVERRIDE_PATH)];
  if (own) {
    const [names, architectures] = own;
    const lines = [`${WRITTEN_BY} 0.1.0 from earlier denials`, '[Service]'];
    if (names.length > 0) lines.push(`SystemCallFilter=${names.join(' ')}`);
    if (architectures.length > 0) lines.push(`SystemCallArchitectures=${architectures.join(' ')}`);
    dropIns.push(parseUnitFile(`${lines.join('\n')}\n`, OWN_PATH));
  }
  return orderUnitFiles('app.service', parseUnitFile(`[Service]\nExecStart=/usr/bin/app\n${main.join('\n')}\n`, UNIT_PATH), dropIns);
});

/** A denial as the decoder makes it: a known number of its ABI (often a name systemd lacks), or a number no table has. */
const denial = fc.record({
  abi: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('x86_64', 'i386', 'x32', 'aarch64') }, { weight: 1, arbitrary: fc.constantFrom(...abis) }),
  pick: fc.oneof(
    fc.nat().map((index) => ({ index })),
    fc.constantFrom(...newerNames, ...commonNames).map((name) => ({ name })),
    fc.integer({ min: 0, max: 0x7fffffff }).map((nr) => ({ nr })),
  ),
  action: fc.constantFrom(...ACTIONS),
}).map(({ abi, pick, action }): DenialSummary => {
  const table = tables.forAbi(abi);
  if (!table) throw new Error(`no table ${abi}`);
  const entries = [...table.entries()];
  let nr: number;
  if ('index' in pick) nr = (entries[pick.index % entries.length] as [number, string])[0];
  else if ('name' in pick) nr = table.numberOf(pick.name) ?? (entries[0] as [number, string])[0];
  else nr = pick.nr;
  return {
    abi, arch: table.auditArch.toString(16).padStart(8, '0'), nr, syscall: table.nameOf(nr), action,
    exe: '/usr/bin/app', comm: 'app', count: 1, first: null, last: null,
    pids: [1], pidCount: 1, uids: [0], users: [], hosts: [], formats: ['kernel'], notes: [],
  };
});

function allowedNames(unit: UnitConfiguration, groups: SystemdGroups, abi: string): Set<string> {
  const replay = replaySyscallFilter(execAssignments(unit), groups, groups.version);
  const allowed = new Set<string>();
  for (const [, name] of tables.forAbi(abi)?.entries() ?? []) if (filterVerdict(replay, name).allowed) allowed.add(name);
  return allowed;
}

describe('suggest\'s pipeline over any decodable denials and any unit', () => {
  it('never throws, and a drop-in it makes has no empty assignment and allows exactly what was denied', () => {
    fc.assert(fc.property(
      configuration, fc.array(denial, { minLength: 1, maxLength: 6 }), fc.constantFrom(...versions), fc.constantFrom('x86_64', 'x86_64', 'aarch64', 'i386', 'x32', 'alpha'),
      (unit, summaries, version, nativeAbi) => {
        const groups = groupsByVersion.get(version) as SystemdGroups;
        const context = { configuration: unit, groups, tables, nativeAbi };
        const findings = summaries.map((summary) => attributeDenial(summary, context));
        unitWarnings(unit, groups, findings, null);
        for (const finding of findings) broadAlternative(finding, unit, groups, tables);
        const dropIn = suggestDropIn(findings, { ...context, dropInDirectory: '/etc/systemd/system', header: `${WRITTEN_BY} test` });
        for (const finding of findings) {
          if (finding.cause === 'SystemCallArchitectures') expect(finding.allow === null ? null : abiOfSystemdArchitecture(finding.allow)).toBe(finding.summary.abi);
        }
        if (dropIn === null) {
          expect(findings.filter((finding) => finding.allow !== null && finding.cause !== 'not-this-unit')).toEqual([]);
          return;
        }
        expect(dropIn.text).not.toMatch(/^[A-Za-z]+=\s*$/m);
        // Independent of suggestDropIn's own proof: replay the unit with the drop-in in place of our earlier one.
        const after = orderUnitFiles(unit.unit, unit.files[0] as never, [
          ...unit.files.slice(1).filter((file) => file.path !== OWN_PATH && file.path !== dropIn.path),
          parseUnitFile(dropIn.text, dropIn.path),
        ]);
        const wantedCalls = findings.filter((finding) => finding.allow !== null && finding.cause !== 'SystemCallArchitectures');
        for (const finding of wantedCalls) {
          expect(allowedNames(after, groups, finding.summary.abi as string).has(finding.allow as string)).toBe(true);
        }
        const archBefore = replayArchitectures(execAssignments(unit)).architectures;
        const archAfter = replayArchitectures(execAssignments(after)).architectures;
        for (const word of archBefore) if (word !== 'native' && abiOfSystemdArchitecture(word) !== null) expect(archAfter.has(word)).toBe(true);
        for (const finding of findings.filter((each) => each.cause === 'SystemCallArchitectures' && each.allow !== null)) {
          expect(archAfter.has(finding.allow as string)).toBe(true);
        }
      },
    ), { numRuns: Number(process.env.RUNS ?? 3000), seed: process.env.SEED ? Number(process.env.SEED) : 20261123 });
  });
});
