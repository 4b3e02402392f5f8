import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { posix } from 'node:path';

export interface FileReplacementOptions {
  /** The new file's mode; with `exactMode`, whatever the umask. */
  mode: number;
  exactMode?: boolean;
  /** The new file's owner, when it is to be someone else's. */
  owner?: { uid: number; gid: number } | null;
  /** Sync the file, and then its directory, so that the replacement survives a crash. */
  durable?: boolean;
}

/**
 * Writes `text` to a new file beside `path` (created, never an existing one) and renames it over
 * `path`: a reader sees the old file or the new one, and a link at `path` is replaced, never
 * written through. Throws the file system's error, with the new file removed.
 */
export function replaceFile(path: string, text: string, options: FileReplacementOptions): void {
  const directory = posix.dirname(path);
  const temporary = posix.join(directory, `.${posix.basename(path)}.${process.pid}.tmp`);
  try {
    const descriptor = openSync(temporary, 'wx', options.mode);
    try {
      if (options.exactMode) fchmodSync(descriptor, options.mode);
      writeSync(descriptor, text);
      if (options.owner) fchownSync(descriptor, options.owner.uid, options.owner.gid);
      if (options.durable) fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Not made, or already renamed.
    }
    throw error;
  }
  if (!options.durable) return;
  try {
    const directoryDescriptor = openSync(directory, 'r');
    try {
      fsyncSync(directoryDescriptor);
    } finally {
      closeSync(directoryDescriptor);
    }
  } catch {
    // The rename is done; syncing the directory entry is best effort.
  }
}
