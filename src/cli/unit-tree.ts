import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import {
  UNIT_DIRECTORIES, isValidUnitName, orderUnitFiles, parseUnitFile, templateOf,
  type ExecStartEntry, type UnitConfiguration, type UnitFile,
} from '../systemd/index.js';
import { UsageError } from './exit-code.js';

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

function readUnitText(root: string, inner: string): UnitFile | null {
  const resolved = resolveInRoot(root, inner);
  if (resolved === null) return null;
  if (resolved === '/dev/null') throw new UsageError(`${hostPath(root, inner)} is masked (a link to /dev/null)`);
  try {
    return parseUnitFile(readFileSync(hostPath(root, resolved), 'utf8'), hostPath(root, inner));
  } catch {
    return null;
  }
}

function dropInFiles(root: string, directory: string): UnitFile[] {
  const resolved = resolveInRoot(root, directory);
  if (resolved === null) return [];
  let names: string[];
  try {
    names = readdirSync(hostPath(root, resolved)).filter((name) => name.endsWith('.conf'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const file = readUnitText(root, `${directory}/${name}`);
    return file ? [file] : [];
  });
}

/**
 * A unit's files as systemd would load them from the tree at `root` (an offline image, or `/`):
 * the unit file from the first unit directory that has it (for an instance, its template), and
 * the `.conf` drop-ins of every directory: `UNIT.d/`, the template's, and the type's
 * (`service.d/`). Paths are given as on this machine.
 */
export function readUnitFromRoot(root: string, unit: string): UnitConfiguration {
  if (!isValidUnitName(unit)) throw new UsageError(`--unit ${unit}: not a unit name (NAME.service, NAME.socket, …)`);
  const template = templateOf(unit);
  const names = template ? [unit, template] : [unit];
  let main: UnitFile | null = null;
  for (const name of names) {
    for (const directory of UNIT_DIRECTORIES) {
      main ??= readUnitText(root, `${directory}/${name}`);
    }
  }
  if (!main) throw new UsageError(`${unit}: no unit file in ${root}'s unit directories (${UNIT_DIRECTORIES.join(', ')})`);
  const type = unit.slice(unit.lastIndexOf('.') + 1);
  const dropIns = UNIT_DIRECTORIES.flatMap((directory) => [...names, type].flatMap((name) => dropInFiles(root, `${directory}/${name}.d`)));
  return orderUnitFiles(unit, main, dropIns);
}

/** The program of an `ExecStart=` value: its first word, without the `@-:+!` prefixes. */
function programOf(value: string): string | null {
  const word = /^[@\-:+!|]*("([^"]+)"|'([^']+)'|(\S+))/.exec(value);
  return word ? (word[2] ?? word[3] ?? word[4] ?? null) : null;
}

const PROGRAM_SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The service units of the tree at `root` and the program each one's `ExecStart=` runs, links resolved. */
export function listExecStarts(root: string): ExecStartEntry[] {
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
        configuration = readUnitFromRoot(root, unit);
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
