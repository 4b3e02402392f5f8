import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Who is asking, for the default store path. */
export interface StorePathContext {
  uid: number;
  env: Record<string, string | undefined>;
  home: string;
}

const STORE_DIRECTORY = 'seccomp-explain';
const STORE_FILE = 'denials.db';

/** Where root keeps the store: beside other daemons' state, readable by root only. */
export const SYSTEM_STORE_PATH = `/var/lib/${STORE_DIRECTORY}/${STORE_FILE}`;

/**
 * The store a command uses when no `--db` is given: `/var/lib/seccomp-explain/denials.db`
 * for root, else `$XDG_STATE_HOME/seccomp-explain/denials.db`, `$XDG_STATE_HOME` being
 * `~/.local/state` when unset, empty or relative (the XDG base directory rules). Pure.
 */
export function defaultStorePath(context: StorePathContext): string {
  if (context.uid === 0) return SYSTEM_STORE_PATH;
  const stateHome = context.env.XDG_STATE_HOME;
  const base = stateHome !== undefined && isAbsolute(stateHome) ? stateHome : join(context.home, '.local', 'state');
  return join(base, STORE_DIRECTORY, STORE_FILE);
}

/** This process's user, environment and home, for `defaultStorePath`. */
export function currentStorePathContext(): StorePathContext {
  return { uid: process.getuid?.() ?? -1, env: process.env, home: process.env.HOME || homedir() };
}
