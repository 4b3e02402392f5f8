import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import {
  UNIT_DIRECTORIES, isValidUnitName, orderUnitFiles, parseUnitFile, templateOf,
  type ExecStartEntry, type UnitConfiguration, type UnitFile,
} from '../systemd/index.js';
import { escapeForTerminal } from '../render/index.js';
import { UsageError } from './exit-code.js';
import { FileNotRead, readRegularFile } from './regular-file.js';

const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `path` inside the tree at `root` as the image itself would see it: symbolic links
 * are followed with an absolute target taken relative to `root`, and `..` never climbs above
 * it. Returns the resolved path inside the tree (starting with `/`), or null when a component
 * is missing or the links loop.
 */
export function resolveInRoot(root: string, path: string): string | null {
  const pending = path.split('/').filter(Boolean);
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const inner = `/${[...resolved, part].join('/')}`;
    let isLink: boolean;
    try {
      isLink = lstatSync(posix.join(root, inner)).isSymbolicLink();
    } catch {
      return null;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) return null;
    const target = readlinkSync(posix.join(root, inner));
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return `/${resolved.join('/')}`;
}

function hostPath(root: string, inner: string): string {
  return root === '/' ? inner : posix.join(root, inner);
}

/** Told of each unit file that was found but not read: `path` as on this machine, `why` in words. */
export type SkippedFileReporter = (path: string, why: string) => void;

const warnedPaths = new Set<string>();

/** The default reporter: one warning line on standard error per file, however often it is met. */
export function warnSkippedFile(path: string, why: string): void {
  if (warnedPaths.has(path)) return;
  warnedPaths.add(path);
  process.stderr.write(`seccomp-explain: warning: skipped ${escapeForTerminal(path)}: ${escapeForTerminal(why)}\n`);
}

/**
 * Whether a unit file or drop-in is masked: a link to /dev/null, whether or not the image has a
 * /dev/null for it to resolve to.
 */
function isMasked(root: string, inner: string, resolved: string | null): boolean {
  if (resolved === '/dev/null') return true;
  const parent = resolveInRoot(root, posix.dirname(inner));
  if (parent === null) return false;
  const path = hostPath(root, posix.join(parent, posix.basename(inner)));
  try {
    return lstatSync(path).isSymbolicLink() && posix.normalize(readlinkSync(path)) === '/dev/null';
  } catch {
    return false;
  }
}

/**
 * A unit file or drop-in of the tree, read only when it is a regular file of at most
 * UNIT_FILE_SIZE_LIMIT bytes (a FIFO would hang the read, a link to the image's /dev/zero would
 * never end); anything else is reported and left out.
 */
function readUnitText(root: string, inner: string, onSkipped: SkippedFileReporter): UnitFile | null {
  const resolved = resolveInRoot(root, inner);
  if (isMasked(root, inner, resolved)) throw new UsageError(`${hostPath(root, inner)} is masked (a link to /dev/null)`);
  if (resolved === null) return null;
  try {
    return parseUnitFile(readRegularFile(hostPath(root, resolved), { followLinks: false }), hostPath(root, inner));
  } catch (error) {
    if (!(error instanceof FileNotRead)) throw error;
    const linked = resolved === posix.normalize(inner) ? '' : ` (a link to ${resolved} in the image)`;
    onSkipped(`${hostPath(root, inner)}${linked}`, error.why);
    return null;
  }
}

function dropInFiles(root: string, directory: string, onSkipped: SkippedFileReporter): UnitFile[] {
  const resolved = resolveInRoot(root, directory);
  if (resolved === null) return [];
  let names: string[];
  try {
    names = readdirSync(hostPath(root, resolved)).filter((name) => name.endsWith('.conf'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const inner = `${directory}/${name}`;
    // A drop-in linked to /dev/null masks the drop-in of that name in lower directories (systemd.unit(5)).
    if (isMasked(root, inner, resolveInRoot(root, inner))) return [parseUnitFile('', hostPath(root, inner))];
    const file = readUnitText(root, inner, onSkipped);
    return file ? [file] : [];
  });
}

/**
 * A unit's files as systemd would load them from the tree at `root` (an offline image, or `/`):
 * the unit file from the first unit directory that has it (for an instance, its template), and
 * the `.conf` drop-ins of every directory: `UNIT.d/`, the template's, and the type's
 * (`service.d/`). Paths are given as on this machine.
 */
export function readUnitFromRoot(root: string, unit: string, onSkipped: SkippedFileReporter = warnSkippedFile): UnitConfiguration {
  if (!isValidUnitName(unit)) throw new UsageError(`--unit ${unit}: not a unit name (NAME.service, NAME.socket, …)`);
  const template = templateOf(unit);
  const names = template ? [unit, template] : [unit];
  let main: UnitFile | null = null;
  for (const name of names) {
    for (const directory of UNIT_DIRECTORIES) {
      main ??= readUnitText(root, `${directory}/${name}`, onSkipped);
    }
  }
  if (!main) throw new UsageError(`${unit}: no unit file in ${root}'s unit directories (${UNIT_DIRECTORIES.join(', ')})`);
  const type = unit.slice(unit.lastIndexOf('.') + 1);
  const dropIns = UNIT_DIRECTORIES.flatMap((directory) => [...names, type].flatMap((name) => dropInFiles(root, `${directory}/${name}.d`, onSkipped)));
  return orderUnitFiles(unit, main, dropIns);
}

/** The program of an `ExecStart=` value: its first word, without the `@-:+!` prefixes. */
function programOf(value: string): string | null {
  const word = /^[@\-:+!|]*("([^"]+)"|'([^']+)'|(\S+))/.exec(value);
  return word ? (word[2] ?? word[3] ?? word[4] ?? null) : null;
}

const PROGRAM_SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The service units of the tree at `root` and the program each one's `ExecStart=` runs, links resolved. */
export function listExecStarts(root: string, onSkipped: SkippedFileReporter = warnSkippedFile): ExecStartEntry[] {
  const seen = new Set<string>();
  const entries: ExecStartEntry[] = [];
  for (const directory of UNIT_DIRECTORIES) {
    const resolved = resolveInRoot(root, directory);
    if (resolved === null) continue;
    let names: string[];
    try {
      names = readdirSync(hostPath(root, resolved)).filter((name) => name.endsWith('.service') && isValidUnitName(name) && !name.includes('@.'));
    } catch {
      continue;
    }
    for (const unit of names) {
      if (seen.has(unit)) continue;
      seen.add(unit);
      let configuration: UnitConfiguration;
      try {
        configuration = readUnitFromRoot(root, unit, onSkipped);
      } catch {
        continue;
      }
      const assignments = configuration.files.flatMap((file) => file.assignments).filter((assignment) => assignment.key === 'ExecStart');
      const lastReset = assignments.map((assignment) => assignment.value).lastIndexOf('');
      for (const assignment of assignments.slice(lastReset + 1)) {
        const program = programOf(assignment.value);
        if (program === null) continue;
        const candidates = program.startsWith('/') ? [program] : PROGRAM_SEARCH_PATH.map((directory) => `${directory}/${program}`);
        const path = candidates.map((candidate) => resolveInRoot(root, candidate)).find((found) => found !== null);
        if (path) entries.push({ unit, path, source: `${assignment.path}:${assignment.line}` });
      }
    }
  }
  return entries;
}
