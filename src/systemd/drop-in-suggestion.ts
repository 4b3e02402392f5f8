import { basename } from 'node:path';
import type { AbiRegistry } from '../decode/index.js';
import { abiOfSystemdArchitecture, admittedAbis } from './architecture-names.js';
import type { Finding } from './attribution.js';
import { systemdKnowsSyscall, type SystemdGroups } from './syscall-groups.js';
import { filterVerdict, replayArchitectures, replaySyscallFilter } from './syscall-filter.js';
import { DROP_IN_NAME, isOwnDropInName, ownDropIn, withoutFile } from './own-drop-in.js';
import { execAssignments, type UnitConfiguration } from './unit-configuration.js';
import { parseUnitFile, type UnitFile } from './unit-file.js';


export interface DropInSuggestion {
  path: string;
  text: string;
  /** The calls the drop-in allows, per ABI: proven to be exactly what the filter gains. */
  added: Record<string, string[]>;
  /** The architectures it admits. */
  architectures: string[];
}

export interface SuggestionContext {
  configuration: UnitConfiguration;
  groups: SystemdGroups;
  tables: AbiRegistry;
  nativeAbi: string;
  /** Where unit drop-ins go: `/etc/systemd/system` (under `--root` when given). */
  dropInDirectory: string;
  /** The header's first line, `# Written by seccomp-explain VERSION from …`. */
  header: string;
}

/** A suggestion that failed its proof: a bug or a case the model does not cover; never printed as a fix. */
export class UnprovenSuggestion extends Error {}

/** A name that sorts after every existing drop-in setting one of these keys. */
function dropInName(configuration: UnitConfiguration, keys: Set<string>): string {
  let name = DROP_IN_NAME;
  for (const file of configuration.files.slice(1)) {
    const other = basename(file.path);
    if (isOwnDropInName(other) || !file.assignments.some((assignment) => keys.has(assignment.key))) continue;
    while (other >= name) name = `z${name}`;
  }
  return name;
}

function valuesOf(file: UnitFile | null, key: string): string[] {
  return (file?.assignments ?? []).filter((assignment) => assignment.key === key).flatMap((assignment) => assignment.value.split(/\s+/).filter(Boolean));
}

function allowedOnAbi(configuration: UnitConfiguration, context: SuggestionContext, abi: string): Set<string> {
  const table = context.tables.forAbi(abi);
  const replay = replaySyscallFilter(execAssignments(configuration), context.groups, context.groups.version);
  const allowed = new Set<string>();
  for (const [, name] of table?.entries() ?? []) if (filterVerdict(replay, name).allowed) allowed.add(name);
  return allowed;
}

function withDropIn(configuration: UnitConfiguration, dropIn: UnitFile, replacing: UnitFile | null): UnitConfiguration {
  const files = replacing ? withoutFile(configuration, replacing).files : configuration.files;
  return { ...configuration, files: [...files, dropIn] };
}

/**
 * The one drop-in that allows exactly the denied calls and architectures: `SystemCallFilter=`
 * names (valid in allow and deny mode alike; a name counts on every ABI that has the call) and
 * `SystemCallArchitectures=` names (additive).
 * Never an empty assignment, a `~` entry or a group, nor a name this systemd cannot resolve
 * or an ABI it has no name for (whatever the findings say). It is proven before it is returned: the
 * unit is replayed with it, and the filter must gain exactly the denied calls on each ABI and
 * the architecture list exactly the denied ABIs; else UnprovenSuggestion.
 */
export function suggestDropIn(findings: Finding[], context: SuggestionContext): DropInSuggestion | null {
  const calls = new Map<string, Set<string>>();
  const architectures = new Set<string>();
  const deniedAbis = new Set<string>();
  for (const finding of findings) {
    if (finding.allow === null || finding.summary.abi === null) continue;
    if (finding.cause === 'SystemCallArchitectures') {
      if (abiOfSystemdArchitecture(finding.allow) !== finding.summary.abi) continue;
      architectures.add(finding.allow);
      deniedAbis.add(finding.summary.abi);
    } else if ((finding.cause === 'SystemCallFilter' || finding.cause === 'errno-candidates') && systemdKnowsSyscall(context.groups, finding.allow)) {
      const set = calls.get(finding.summary.abi) ?? new Set();
      set.add(finding.allow);
      calls.set(finding.summary.abi, set);
    }
  }
  if (calls.size === 0 && architectures.size === 0) return null;

  const earlier = ownDropIn(context.configuration);
  const allNames = [...new Set([...valuesOf(earlier, 'SystemCallFilter'), ...[...calls.values()].flatMap((set) => [...set])])].sort();
  const allArchitectures = [...new Set([...valuesOf(earlier, 'SystemCallArchitectures'), ...architectures])].sort();
  const keys = new Set(['SystemCallFilter', 'SystemCallArchitectures']);
  const name = earlier ? basename(earlier.path) : dropInName(context.configuration, keys);
  const path = `${context.dropInDirectory}/${context.configuration.unit}.d/${name}`;
  const lines = [context.header];
  const kept = [...valuesOf(earlier, 'SystemCallFilter'), ...valuesOf(earlier, 'SystemCallArchitectures')]
    .filter((name) => ![...calls.values()].some((set) => set.has(name)) && !architectures.has(name));
  if (kept.length > 0) lines.push(`# Kept from earlier runs: ${[...new Set(kept)].sort().join(' ')}`);
  lines.push('[Service]');
  if (allNames.length > 0) lines.push(`SystemCallFilter=${allNames.join(' ')}`);
  if (allArchitectures.length > 0) lines.push(`SystemCallArchitectures=${allArchitectures.join(' ')}`);
  const text = `${lines.join('\n')}\n`;

  const dropIn = parseUnitFile(text, path);
  const after = withDropIn(context.configuration, dropIn, earlier);
  const added: Record<string, string[]> = {};
  // systemd resolves a name on every ABI the unit admits: a call denied on x32 is allowed on
  // x86_64 too. So each denied ABI must gain exactly the denied names its table has.
  const deniedNames = new Set([...calls.values()].flatMap((set) => [...set]));
  for (const abi of calls.keys()) {
    const table = context.tables.forAbi(abi);
    const allowedBefore = allowedOnAbi(context.configuration, context, abi);
    const gained = [...allowedOnAbi(after, context, abi)].filter((call) => !allowedBefore.has(call)).sort();
    const expected = [...deniedNames].filter((call) => (table?.numberOf(call) ?? null) !== null && !allowedBefore.has(call)).sort();
    if (gained.join(' ') !== expected.join(' ')) {
      throw new UnprovenSuggestion(`the drop-in would allow ${gained.join(' ') || 'nothing'} on ${abi}, not exactly ${expected.join(' ')}`);
    }
    added[abi] = gained;
  }
  const admittedBefore = admittedAbis(replayArchitectures(execAssignments(context.configuration)).architectures, context.nativeAbi);
  const admittedAfter = admittedAbis(replayArchitectures(execAssignments(after)).architectures, context.nativeAbi);
  const gainedAbis = [...admittedAfter].filter((abi) => !admittedBefore.has(abi)).sort();
  const expectedAbis = [...deniedAbis].filter((abi) => !admittedBefore.has(abi)).sort();
  if (gainedAbis.join(' ') !== expectedAbis.join(' ')) {
    throw new UnprovenSuggestion(`the drop-in would admit ${gainedAbis.join(' ') || 'no ABI'}, not exactly ${expectedAbis.join(' ')}`);
  }
  return { path, text, added, architectures: [...architectures].sort() };
}
