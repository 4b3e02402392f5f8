import { posix } from 'node:path';
import { execStartPrograms, programCandidates } from './exec-start.js';
import { orderUnitFiles, UNIT_DIRECTORIES, type UnitConfiguration } from './unit-configuration.js';
import { parseUnitFile, type UnitFile } from './unit-file.js';
import type { ExecStartEntry } from './unit-identification.js';
import { isValidUnitName, templateOf } from './unit-name.js';
import { isMasked, resolveInImage, type FileSkipReason, type UnitFileSystem } from './unit-file-system.js';

/** A unit file or drop-in that was found but not read. */
export interface SkippedUnitFile {
  /** The path as on this machine. */
  path: string;
  /** Where the path's links led inside the image, when somewhere else; else null. */
  linkedTo: string | null;
  reason: FileSkipReason;
}

/** Told of each unit file or drop-in that was found but not read; the discovery goes on without it. */
export type SkippedFileReporter = (skipped: SkippedUnitFile) => void;

/** Why a unit could not be loaded at all. */
export type UnitNotLoadedReason =
  | { code: 'invalid-name'; unit: string }
  | { code: 'masked'; unit: string; path: string }
  | { code: 'no-unit-file'; unit: string; directories: readonly string[] };

export class UnitNotLoaded extends Error {
  override name = 'UnitNotLoaded';

  constructor(readonly reason: UnitNotLoadedReason) {
    super(`${reason.unit}: ${reason.code}`);
  }
}

/**
 * A unit file or drop-in, read only when it resolves inside the image to a regular file the
 * file system will read (at most UNIT_FILE_SIZE_LIMIT bytes); anything else is reported and left
 * out. A masked unit file ends the load.
 */
function readUnitText(files: UnitFileSystem, unit: string, path: string, onSkipped: SkippedFileReporter): UnitFile | null {
  const resolved = resolveInImage(files, path);
  if (isMasked(files, path, resolved)) throw new UnitNotLoaded({ code: 'masked', unit, path: files.hostPath(path) });
  if (resolved === null) return null;
  const read = files.readFile(resolved);
  if (read.read) return parseUnitFile(read.text, files.hostPath(path));
  onSkipped({ path: files.hostPath(path), linkedTo: resolved === posix.normalize(path) ? null : resolved, reason: read.reason });
  return null;
}

function dropInFiles(files: UnitFileSystem, unit: string, directory: string, onSkipped: SkippedFileReporter): UnitFile[] {
  const resolved = resolveInImage(files, directory);
  if (resolved === null) return [];
  const names = files.list(resolved)?.filter((name) => name.endsWith('.conf')) ?? [];
  return names.flatMap((name) => {
    const path = `${directory}/${name}`;
    // A drop-in linked to /dev/null masks the drop-in of that name in lower directories (systemd.unit(5)).
    if (isMasked(files, path, resolveInImage(files, path))) return [parseUnitFile('', files.hostPath(path))];
    const file = readUnitText(files, unit, path, onSkipped);
    return file ? [file] : [];
  });
}

/**
 * A unit's files as systemd loads them (systemd.unit(5)): the unit file from the first unit
 * directory that has it (for an instance `foo@bar.service`, else its template `foo@.service`),
 * then the `.conf` drop-ins of every unit directory's `UNIT.d/`, the template's `.d/` and the
 * type's (`service.d/`), ordered by orderUnitFiles. Throws UnitNotLoaded for an invalid name, a
 * masked unit or none found.
 */
export function loadUnitFiles(files: UnitFileSystem, unit: string, onSkipped: SkippedFileReporter): UnitConfiguration {
  if (!isValidUnitName(unit)) throw new UnitNotLoaded({ code: 'invalid-name', unit });
  const template = templateOf(unit);
  const names = template ? [unit, template] : [unit];
  let main: UnitFile | null = null;
  for (const name of names) {
    for (const directory of UNIT_DIRECTORIES) {
      main ??= readUnitText(files, unit, `${directory}/${name}`, onSkipped);
    }
  }
  if (!main) throw new UnitNotLoaded({ code: 'no-unit-file', unit, directories: UNIT_DIRECTORIES });
  const type = unit.slice(unit.lastIndexOf('.') + 1);
  const dropIns = UNIT_DIRECTORIES.flatMap((directory) => [...names, type].flatMap((name) => dropInFiles(files, unit, `${directory}/${name}.d`, onSkipped)));
  return orderUnitFiles(unit, main, dropIns);
}

/**
 * The service units of the file system (templates left out) and the program each one's
 * `ExecStart=` runs, found in the image as systemd would (PROGRAM_SEARCH_PATH for a bare name)
 * and its links resolved. A unit that cannot be loaded is left out.
 */
export function listExecStarts(files: UnitFileSystem, onSkipped: SkippedFileReporter): ExecStartEntry[] {
  const seen = new Set<string>();
  const entries: ExecStartEntry[] = [];
  for (const directory of UNIT_DIRECTORIES) {
    const resolved = resolveInImage(files, directory);
    if (resolved === null) continue;
    const names = files.list(resolved)?.filter((name) => name.endsWith('.service') && isValidUnitName(name) && !name.includes('@.'));
    for (const unit of names ?? []) {
      if (seen.has(unit)) continue;
      seen.add(unit);
      let configuration: UnitConfiguration;
      try {
        configuration = loadUnitFiles(files, unit, onSkipped);
      } catch {
        // Masked, gone meanwhile, or a link the file system could not read: systemd would not run it either.
        continue;
      }
      for (const { program, assignment } of execStartPrograms(configuration)) {
        const path = programCandidates(program).map((candidate) => resolveInImage(files, candidate)).find((found) => found !== null);
        if (path) entries.push({ unit, path, source: `${assignment.path}:${assignment.line}` });
      }
    }
  }
  return entries;
}
