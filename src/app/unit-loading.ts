import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  bundledGroupsFor, isValidUnitName, NoSyscallGroups, newestBundledGroups, orderUnitFiles, parseSystemctlCat, parseSystemctlShow,
  parseSystemdAnalyzeGroups, parseUnitFile, systemdVersionOf, type LoadedUnitState, type SkippedFileReporter, type SystemdGroups, type UnitConfiguration,
  type UnitFile,
} from '../systemd/index.js';
import { UsageError, notAUnitName } from './usage-error.js';
import { FileNotRead, readRegularFile } from './regular-file.js';
import { readUnitFromRoot } from './unit-tree.js';

const COMMAND_TIMEOUT_MS = 10_000;

/** A file named on the command line: a regular file of at most UNIT_FILE_SIZE_LIMIT bytes, else exit 2. */
function readText(path: string, what: string): string {
  try {
    return readRegularFile(path, { followLinks: true });
  } catch (error) {
    if (error instanceof FileNotRead) throw new UsageError(`${what} ${error.message}`);
    throw error;
  }
}

/** Whether this machine's PID 1 is systemd, so that its `systemctl` describes live units. */
export function hostRunsSystemd(): boolean {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd';
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface LoadedUnit {
  configuration: UnitConfiguration;
  /** Where the unit's files were read: the files named, the root, or this host's systemctl. */
  filesFrom: string;
  /** What PID 1 has loaded, when the unit was read from this live host. */
  loaded: LoadedUnitState | null;
}

/**
 * The unit's files in application order: from `--unit-file` (a unit file and its drop-ins, or a
 * saved `systemctl cat`), from the unit directories of `--root`, or from this host's
 * `systemctl cat` and `systemctl show` when it runs systemd. Files under `root` that are not
 * read go to `onSkipped` (tellSkippedFiles words them).
 */
export function loadUnit(unit: string | undefined, unitFiles: string[], root: string | null, onSkipped: SkippedFileReporter): LoadedUnit {
  if (unitFiles.length > 0) {
    const files: UnitFile[] = unitFiles.flatMap((path) => {
      const text = readText(path, '--unit-file');
      return /^# \//.test(text) ? parseSystemctlCat(text) : [parseUnitFile(text, path)];
    });
    const [main, ...dropIns] = files as [UnitFile, ...UnitFile[]];
    const name = unit ?? basename(main.path);
    if (!isValidUnitName(name)) throw new UsageError(`${name}: not a unit name; give --unit NAME.service`);
    return { configuration: orderUnitFiles(name, main, dropIns), filesFrom: unitFiles.join(', '), loaded: null };
  }
  if (!unit) throw new UsageError('give --unit NAME (and --unit-file FILE or --root DIR unless this host runs the unit)');
  if (!isValidUnitName(unit)) throw notAUnitName(unit);
  if (root !== null) return { configuration: readUnitFromRoot(root, unit, onSkipped), filesFrom: `the unit directories under ${root}`, loaded: null };
  if (!hostRunsSystemd()) throw new UsageError(`this host does not run systemd: give --unit-file with ${unit}'s unit file (or a saved systemctl cat ${unit}), or --root DIR`);
  let text: string;
  try {
    text = run('systemctl', ['cat', '--no-pager', '--', unit]);
  } catch (error) {
    throw new UsageError(`systemctl cat ${unit} failed: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`);
  }
  const [main, ...dropIns] = parseSystemctlCat(text);
  if (!main) throw new UsageError(`systemctl cat ${unit} printed no unit file`);
  let loaded: LoadedUnitState | null = null;
  try {
    loaded = parseSystemctlShow(run('systemctl', ['show', '-p', 'NeedDaemonReload', '-p', 'SystemCallFilter', '--', unit]));
  } catch {
    // Without it the suggestion stands; only the cross-check is lost.
  }
  return { configuration: { unit, files: [main, ...dropIns] }, filesFrom: `systemctl cat ${unit} on this host`, loaded };
}

/** `--root DIR`: an existing directory, without a trailing slash. */
export function rootOption(root: string | undefined): string | null {
  if (root === undefined) return null;
  const path = resolve(root);
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Reported below.
  }
  if (!isDirectory) throw new UsageError(`--root ${root}: not a directory`);
  return path;
}

/**
 * The syscall groups to evaluate with, first match wins: a saved `systemd-analyze
 * syscall-filter` (--systemd-groups), a version (--systemd-version, nearest bundled at or
 * below), this host's own systemd-analyze when PID 1 is systemd, the newest bundled table.
 */
export function chooseGroups(groupsFile: string | undefined, version: string | undefined): SystemdGroups {
  if (groupsFile) {
    const text = readText(groupsFile, '--systemd-groups');
    try {
      return parseSystemdAnalyzeGroups(text, { code: 'file', path: groupsFile });
    } catch (error) {
      if (error instanceof NoSyscallGroups) throw new UsageError(`--systemd-groups ${groupsFile}: no syscall groups in it (expected saved systemd-analyze syscall-filter output)`);
      throw error;
    }
  }
  if (version) {
    if (!/^\d+(\.\d+)*$/.test(version)) throw new UsageError(`--systemd-version ${version}: not a version (e.g. 252 or 257.13)`);
    return bundledGroupsFor(version);
  }
  if (hostRunsSystemd()) {
    try {
      const live = run('systemctl', ['--version']);
      const liveVersion = systemdVersionOf(live);
      const groups = parseSystemdAnalyzeGroups(run('systemd-analyze', ['syscall-filter', '--no-pager']), { code: 'host-systemd-analyze', version: liveVersion });
      return { ...groups, version: liveVersion };
    } catch {
      // Fall through to the bundled table, which names itself.
    }
  }
  return newestBundledGroups();
}
