import { basename } from 'node:path';
import type { UnitConfiguration } from './unit-configuration.js';
import type { UnitFile } from './unit-file.js';

/** The drop-in name seccomp-explain writes (more `z`s in front when another drop-in sorts later), and the mark that says it wrote it. */
export const DROP_IN_NAME = 'zz-seccomp-explain.conf';
export const WRITTEN_BY = '# Written by seccomp-explain';

export function isOwnDropInName(name: string): boolean {
  return /^z*zz-seccomp-explain\.conf$/.test(name);
}

/** seccomp-explain's earlier drop-in among the unit's files, so that a new suggestion updates it instead of adding another. */
export function ownDropIn(configuration: UnitConfiguration): UnitFile | null {
  return configuration.files.slice(1).find((file) => isOwnDropInName(basename(file.path))) ?? null;
}

export function withoutFile(configuration: UnitConfiguration, file: UnitFile): UnitConfiguration {
  return { ...configuration, files: configuration.files.filter((other) => other !== file) };
}
