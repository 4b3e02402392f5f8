import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Writes a generator's index.json. When no table changed, the old `generated` date is kept if
 * that makes the file identical, so a refresh without news is a no-op in git.
 */
export function writeGeneratedIndex<T extends { generated: string }>(indexFile: string, index: T, changed: boolean): void {
  if (!changed && existsSync(indexFile)) {
    try {
      const oldText = readFileSync(indexFile, 'utf8');
      const old = JSON.parse(oldText) as { generated?: unknown };
      const candidate = { ...index, generated: typeof old.generated === 'string' ? old.generated : index.generated };
      if (`${JSON.stringify(candidate, null, 2)}\n` === oldText) index.generated = candidate.generated;
    } catch {
      // An unreadable old index is rewritten.
    }
  }
  writeFileSync(indexFile, `${JSON.stringify(index, null, 2)}\n`);
}
