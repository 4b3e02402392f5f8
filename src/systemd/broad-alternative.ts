import type { AbiRegistry } from '../decode/index.js';
import type { Finding } from './attribution.js';
import type { SystemdGroups } from './syscall-groups.js';
import { filterVerdict, replaySyscallFilter } from './syscall-filter.js';
import { execAssignments, type UnitConfiguration } from './unit-configuration.js';

/**
 * What allowing the whole group a call was blocked through would also allow on that ABI:
 * the calls of the group the unit denies today, other than the ones that were denied.
 */
export function broadAlternative(finding: Finding, configuration: UnitConfiguration, groups: SystemdGroups, tables: AbiRegistry): string[] {
  if (finding.cause !== 'SystemCallFilter' || finding.via === null || finding.summary.abi === null) return [];
  const table = tables.forAbi(finding.summary.abi);
  const replay = replaySyscallFilter(execAssignments(configuration), groups, groups.version);
  return (groups.expanded.get(finding.via) ?? [])
    .filter((name) => name !== finding.allow && table?.numberOf(name) !== null && !filterVerdict(replay, name).allowed);
}
