import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import {
  listExecStarts as listExecStartsIn, loadUnitFiles, resolveInImage, UNIT_DIRECTORIES, UnitNotLoaded,
  type ExecStartEntry, type FileText, type SkippedFileReporter, type UnitConfiguration, type UnitFileSystem, type UnitPathKind,
} from '../systemd/index.js';
import { UsageError, notAUnitName } from './usage-error.js';
import { FileNotRead, pathKindOf, readRegularFile, skipReasonWords } from './regular-file.js';

/**
 * The I/O edge of unit discovery: the UnitFileSystem of the directory tree at `root` (an offline
 * image under `--root`, or `/` for this host). The rules of which files to read and how links
 * resolve are src/systemd/'s (unit-discovery.ts); this only looks at the disk.
 */
export class RootUnitFileSystem implements UnitFileSystem {
  constructor(readonly root: string) {}

  hostPath(path: string): string {
    return this.root === '/' ? path : posix.join(this.root, path);
  }

  kind(path: string): UnitPathKind {
    try {
      return pathKindOf(lstatSync(this.hostPath(path)));
    } catch {
      return 'missing';
    }
  }

  readLink(path: string): string {
    return readlinkSync(this.hostPath(path));
  }

  list(path: string): string[] | null {
    try {
      return readdirSync(this.hostPath(path));
    } catch {
      return null;
    }
  }

  readFile(path: string): FileText {
    try {
      return { read: true, text: readRegularFile(this.hostPath(path), { followLinks: false }) };
    } catch (error) {
      if (error instanceof FileNotRead) return { read: false, reason: error.reason };
      throw error;
    }
  }
}

/**
 * Resolves `path` inside the tree at `root` as the image itself would see it (resolveInImage):
 * the resolved path inside the tree, or null when a component is missing or the links loop.
 */
export function resolveInRoot(root: string, path: string): string | null {
  return resolveInImage(new RootUnitFileSystem(root), path);
}

/**
 * A reporter of skipped unit files that tells one warning per file, however often it is met.
 * A line break in a name is shown as U+2424, so that the warning stays one line.
 */
export function tellSkippedFiles(tell: (message: string) => void): SkippedFileReporter {
  const told = new Set<string>();
  return (skipped) => {
    const path = `${skipped.path}${skipped.linkedTo === null ? '' : ` (a link to ${skipped.linkedTo} in the image)`}`;
    if (told.has(path)) return;
    told.add(path);
    tell(`warning: skipped ${path.replace(/\n/g, '\u2424')}: ${skipReasonWords(skipped.reason).replace(/\n/g, '\u2424')}`);
  };
}

/** A unit's files as systemd would load them from the tree at `root`; a unit that cannot be loaded is one line and exit 2. */
export function readUnitFromRoot(root: string, unit: string, onSkipped: SkippedFileReporter): UnitConfiguration {
  try {
    return loadUnitFiles(new RootUnitFileSystem(root), unit, onSkipped);
  } catch (error) {
    if (!(error instanceof UnitNotLoaded)) throw error;
    const reason = error.reason;
    switch (reason.code) {
      case 'invalid-name': throw notAUnitName(unit);
      case 'masked': throw new UsageError(`${reason.path} is masked (a link to /dev/null)`);
      case 'no-unit-file': throw new UsageError(`${unit}: no unit file in ${root}'s unit directories (${UNIT_DIRECTORIES.join(', ')})`);
    }
  }
}

/** The service units of the tree at `root` and the program each one's `ExecStart=` runs, links resolved. */
export function listExecStarts(root: string, onSkipped: SkippedFileReporter): ExecStartEntry[] {
  return listExecStartsIn(new RootUnitFileSystem(root), onSkipped);
}
