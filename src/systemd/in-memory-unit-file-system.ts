import { posix } from 'node:path';
import { UNIT_FILE_SIZE_LIMIT, type FileText, type UnitFileSystem, type UnitPathKind } from './unit-file-system.js';

/** One entry of an in-memory tree: a regular file's text, a symbolic link, or another kind of node. */
export type InMemoryEntry =
  | string
  | { link: string }
  | { kind: Exclude<UnitPathKind, 'file' | 'symbolic-link' | 'missing'> };

/**
 * A UnitFileSystem held in memory, for tests and for units that come from elsewhere than a
 * directory (an archive, a saved listing). Built from absolute paths; every parent of an entry
 * is a directory. Like the real one, it never follows a final link and reads only regular files
 * of at most UNIT_FILE_SIZE_LIMIT bytes (counted in UTF-8).
 */
export class InMemoryUnitFileSystem implements UnitFileSystem {
  private readonly entries = new Map<string, InMemoryEntry>();

  constructor(tree: Record<string, InMemoryEntry>, private readonly root = '/') {
    this.entries.set('/', { kind: 'directory' });
    for (const [path, entry] of Object.entries(tree)) {
      const normalized = posix.normalize(path);
      for (let parent = posix.dirname(normalized); !this.entries.has(parent); parent = posix.dirname(parent)) {
        this.entries.set(parent, { kind: 'directory' });
      }
      this.entries.set(normalized, entry);
    }
  }

  kind(path: string): UnitPathKind {
    const entry = this.entries.get(posix.normalize(path));
    if (entry === undefined) return 'missing';
    if (typeof entry === 'string') return 'file';
    return 'link' in entry ? 'symbolic-link' : entry.kind;
  }

  readLink(path: string): string {
    const entry = this.entries.get(posix.normalize(path));
    if (entry === undefined || typeof entry === 'string' || !('link' in entry)) throw new Error(`${path}: not a symbolic link`);
    return entry.link;
  }

  list(path: string): string[] | null {
    if (this.kind(path) !== 'directory') return null;
    const directory = posix.normalize(path);
    return [...this.entries.keys()].filter((each) => each !== '/' && posix.dirname(each) === directory).map((each) => posix.basename(each));
  }

  readFile(path: string): FileText {
    const entry = this.entries.get(posix.normalize(path));
    if (entry === undefined) return { read: false, reason: { code: 'missing' } };
    if (typeof entry !== 'string') return { read: false, reason: { code: 'not-regular', kind: 'link' in entry ? 'symbolic-link' : entry.kind } };
    if (Buffer.byteLength(entry, 'utf8') > UNIT_FILE_SIZE_LIMIT) return { read: false, reason: { code: 'too-large', limit: UNIT_FILE_SIZE_LIMIT } };
    return { read: true, text: entry };
  }

  hostPath(path: string): string {
    return this.root === '/' ? path : posix.join(this.root, path);
  }
}
