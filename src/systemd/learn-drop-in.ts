import { basename } from 'node:path';
import { WRITTEN_BY } from './own-drop-in.js';
import { systemCallLogValue } from './run-filter.js';
import type { SystemdGroups } from './syscall-groups.js';
import { replaySyscallFilter, sourceLine, type SourceLine } from './syscall-filter.js';
import { execAssignments, type UnitConfiguration } from './unit-configuration.js';
import type { UnitFile } from './unit-file.js';

/** The drop-in `learn start` writes; more `z`s in front when another drop-in sorts later. */
export const LEARN_DROP_IN_NAME = 'zz-seccomp-explain-learn.conf';
const LEARNING_SINCE = '# learning since ';

export function isLearnDropInName(name: string): boolean {
  return /^z*zz-seccomp-explain-learn\.conf$/.test(name);
}

/** The unit's learn drop-in, when it is learning. */
export function learnDropInOf(configuration: UnitConfiguration): UnitFile | null {
  return configuration.files.slice(1).find((file) => isLearnDropInName(basename(file.path))) ?? null;
}

/** The unit as it is without its learn drop-in: the filter it enforces when not learning. */
export function withoutLearnDropIn(configuration: UnitConfiguration): UnitConfiguration {
  const learn = learnDropInOf(configuration);
  return learn === null ? configuration : { ...configuration, files: configuration.files.filter((file) => file !== learn) };
}

/** When learning started, as the learn drop-in's header says (ms since the epoch), or null. */
export function learningSince(text: string): number | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith(LEARNING_SINCE));
  const time = line === undefined ? Number.NaN : Date.parse(line.slice(LEARNING_SINCE.length).trim());
  return Number.isFinite(time) ? time : null;
}

/** What learning stops enforcing: the filter's mode, where it begins, how many calls it names. */
export interface UnenforcedFilter {
  mode: 'allow' | 'deny' | 'unset';
  setBy: SourceLine | null;
  calls: number;
  /** With keepDeny: the calls that stay denied. */
  keptDenied: string[];
}

export interface LearnDropIn {
  name: string;
  text: string;
  unenforced: UnenforcedFilter;
}

/** A name that sorts after every drop-in of the unit: the learn drop-in must be the last word on the filter. */
function learnDropInName(configuration: UnitConfiguration): string {
  let name = LEARN_DROP_IN_NAME;
  for (const file of configuration.files.slice(1)) {
    const other = basename(file.path);
    if (isLearnDropInName(other)) continue;
    while (other >= name) name = `z${name}`;
  }
  return name;
}

/**
 * The drop-in that puts a unit in complain mode (docs/learn.md): `SystemCallFilter=` reset,
 * `SystemCallLog=` the calls the replayed filter denies, the same `SystemCallArchitectures=`.
 * With `keepDeny`, the calls the unit names with `~` stay denied.
 */
export function learnDropIn(configuration: UnitConfiguration, groups: SystemdGroups, options: { keepDeny: boolean; since: number; header: string }): LearnDropIn {
  const unit = withoutLearnDropIn(configuration);
  const replay = replaySyscallFilter(execAssignments(unit), groups, groups.version);
  const keptDenied = !options.keepDeny ? [] : replay.mode === 'deny'
    ? [...replay.entries.keys()].sort()
    : [...replay.lastChange].filter(([name, change]) => change.effect === 'removed' && !replay.entries.has(name)).map(([name]) => name).sort();
  const logged = systemCallLogValue(unit, groups, []);
  const lines = [
    options.header,
    `${LEARNING_SINCE}${new Date(options.since).toISOString()}`,
    '# SystemCallFilter= is not enforced while the unit learns: calls outside it are logged',
    '# (`seccomp-explain learn status`); `seccomp-explain learn stop` removes this file.',
    '[Service]',
    'SystemCallFilter=',
    ...(keptDenied.length > 0 ? [`SystemCallFilter=~${keptDenied.join(' ')}`] : []),
    ...(logged === '' ? [] : [`SystemCallLog=${logged}`]),
    '',
  ];
  return {
    name: learnDropInName(unit),
    text: lines.join('\n'),
    unenforced: { mode: replay.mode, setBy: replay.modeSetBy ? sourceLine(replay.modeSetBy) : null, calls: replay.entries.size, keptDenied },
  };
}

/** The header of seccomp-explain's drop-ins, for the learn drop-in. */
export function learnHeader(version: string, unit: string): string {
  return `${WRITTEN_BY} ${version} learn start for ${unit}`;
}
