import type { SystemdGroups } from './syscall-groups.js';

export interface GroupMembership {
  /** Groups that list the call themselves. */
  listed: string[];
  /** Every group that holds it, through nesting too, sorted. */
  all: string[];
}

/** Which groups of one systemd version hold a call. */
export function groupsHolding(groups: SystemdGroups, name: string): GroupMembership {
  const listed = [...groups.nested.entries()].filter(([, members]) => members.includes(name)).map(([group]) => group).sort();
  const all = [...groups.expanded.entries()].filter(([, members]) => members.includes(name)).map(([group]) => group).sort();
  return { listed, all };
}

export interface MembershipChange {
  group: string;
  change: 'joined' | 'left';
  /** The first version (of those compared) where the change shows. */
  version: string;
}

/** How a call's group membership changed from each version to the next (oldest first). */
export function membershipChanges(name: string, versions: SystemdGroups[]): MembershipChange[] {
  const changes: MembershipChange[] = [];
  for (let index = 1; index < versions.length; index++) {
    const before = new Set(groupsHolding(versions[index - 1] as SystemdGroups, name).all);
    const current = versions[index] as SystemdGroups;
    const after = new Set(groupsHolding(current, name).all);
    for (const group of after) if (!before.has(group)) changes.push({ group, change: 'joined', version: current.version ?? '?' });
    for (const group of before) if (!after.has(group)) changes.push({ group, change: 'left', version: current.version ?? '?' });
  }
  return changes;
}
