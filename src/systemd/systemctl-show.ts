/** What `systemctl show -p …` says of a loaded unit, as far as the suggestion needs it. */
export interface LoadedUnitState {
  /** The unit files changed on disk since the last daemon-reload. */
  needDaemonReload: boolean;
  /** The merged `SystemCallFilter=`, as PID 1 resolved it; null when the unit has none. */
  syscallFilter: { allowList: boolean; names: Set<string> } | null;
}

/** Reads `systemctl show -p NeedDaemonReload -p SystemCallFilter UNIT` output (systemctl(1) `show`). */
export function parseSystemctlShow(text: string): LoadedUnitState {
  const properties = new Map<string, string>();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) properties.set(line.slice(0, equals), line.slice(equals + 1).trim());
  }
  const filter = properties.get('SystemCallFilter') ?? '';
  const denyList = filter.startsWith('~');
  // Deny-list entries may carry `:ERRNO` or `:kill`; a lone `~` is no filter at all.
  const names = new Set(filter.replace(/^~/, '').split(/\s+/).filter(Boolean).map((entry) => entry.replace(/:.*$/, '')));
  return {
    needDaemonReload: properties.get('NeedDaemonReload') === 'yes',
    syscallFilter: filter === '' || (denyList && names.size === 0) ? null : { allowList: !denyList, names },
  };
}

/** Whether the loaded filter lets `name` through. */
export function loadedFilterAllows(state: LoadedUnitState, name: string): boolean {
  const filter = state.syscallFilter;
  if (filter === null) return true;
  return filter.allowList === filter.names.has(name);
}
