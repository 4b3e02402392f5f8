import { posix } from 'node:path';

/** The most a unit file, drop-in, saved `systemctl cat` or saved group table may hold: real ones are a few KiB. */
export const UNIT_FILE_SIZE_LIMIT = 1024 * 1024;

/** What a path names, its final symbolic link not followed. */
export type UnitPathKind =
  | 'file' | 'directory' | 'symbolic-link' | 'fifo' | 'character-device' | 'block-device' | 'socket' | 'other' | 'missing';

/** Why a file was not read. */
export type FileSkipReason =
  | { code: 'not-regular'; kind: Exclude<UnitPathKind, 'file' | 'missing'> }
  | { code: 'too-large'; limit: number }
  | { code: 'missing' }
  | { code: 'permission-denied' }
  | { code: 'error'; message: string };

export type FileText = { read: true; text: string } | { read: false; reason: FileSkipReason };

/**
 * The file system a unit is read from, as the discovery rules (unit-discovery.ts) need it: an
 * image under `--root`, this host (the root `/`), or a map in memory. Every path is absolute
 * inside that tree; the rules resolve symbolic links themselves (resolveInImage), so a path
 * handed to `list` or `readFile` has no link before its last component.
 */
export interface UnitFileSystem {
  /** What `path` is, a final link not followed; 'missing' when it cannot be looked at. */
  kind(path: string): UnitPathKind;
  /** The target of the symbolic link at `path`, as written in the link. */
  readLink(path: string): string;
  /** The entry names of the directory at `path`; null when it cannot be listed. */
  list(path: string): string[] | null;
  /**
   * The text of the regular file at `path` when it is at most UNIT_FILE_SIZE_LIMIT bytes, never
   * following a final link and never reading from a FIFO, device or socket; else why not.
   */
  readFile(path: string): FileText;
  /** `path` as named on this machine (the root's directory in front), for messages and `UnitFile.path`. */
  hostPath(path: string): string;
}

const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `path` as the image itself would see it: symbolic links are followed with an
 * absolute target taken from the image's own root, and `..` never climbs above it. Returns the
 * resolved path (starting with `/`), or null when a component is missing or the links loop.
 */
export function resolveInImage(files: UnitFileSystem, path: string): string | null {
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
    const kind = files.kind(inner);
    if (kind === 'missing') return null;
    if (kind !== 'symbolic-link') {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) return null;
    const target = files.readLink(inner);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return `/${resolved.join('/')}`;
}

/**
 * Whether the unit file or drop-in at `path` is masked: a link to /dev/null, whether or not the
 * image has a /dev/null for it to resolve to (systemd.unit(5)).
 */
export function isMasked(files: UnitFileSystem, path: string, resolved: string | null): boolean {
  if (resolved === '/dev/null') return true;
  const parent = resolveInImage(files, posix.dirname(path));
  if (parent === null) return false;
  const link = posix.join(parent, posix.basename(path));
  try {
    return files.kind(link) === 'symbolic-link' && posix.normalize(files.readLink(link)) === '/dev/null';
  } catch {
    return false;
  }
}
