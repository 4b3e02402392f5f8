import { basename, dirname } from 'node:path';
import type { UnitAssignment, UnitFile } from './unit-file.js';

/** A unit as systemd loads it: its file, then its drop-ins in application order. */
export interface UnitConfiguration {
  unit: string;
  files: UnitFile[];
}

/** Unit directories in priority order: a drop-in in an earlier one masks one of the same name in a later one. */
export const UNIT_DIRECTORIES: readonly string[] = [
  '/etc/systemd/system.control',
  '/run/systemd/system.control',
  '/run/systemd/transient',
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
];

function directoryPriority(path: string): number {
  const unitDirectory = dirname(dirname(path));
  const index = UNIT_DIRECTORIES.findIndex((directory) => unitDirectory.endsWith(directory));
  return index === -1 ? UNIT_DIRECTORIES.length : index;
}

/**
 * Orders a unit's files as systemd applies them (systemd.unit(5), drop-ins): the unit file
 * first, then the drop-ins sorted by file name across all directories, keeping only the
 * highest-priority directory's file of each name (/etc masks /run masks /usr/lib).
 */
export function orderUnitFiles(unit: string, main: UnitFile, dropIns: UnitFile[]): UnitConfiguration {
  const byName = new Map<string, UnitFile>();
  for (const file of dropIns) {
    const name = basename(file.path);
    const kept = byName.get(name);
    if (!kept || directoryPriority(file.path) < directoryPriority(kept.path)) byName.set(name, file);
  }
  const ordered = [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, file]) => file);
  return { unit, files: [main, ...ordered] };
}

/** Every assignment of the unit's exec settings, in application order. */
export function execAssignments(configuration: UnitConfiguration): UnitAssignment[] {
  return configuration.files.flatMap((file) => file.assignments);
}
