export { parseUnitFile, parseSystemctlCat, type UnitAssignment, type UnitFile } from './unit-file.js';
export { orderUnitFiles, execAssignments, type UnitConfiguration } from './unit-configuration.js';
export {
  bundledGroupsFor, newestBundledGroups, parseSystemdAnalyzeGroups, compareVersions, type SystemdGroups,
} from './syscall-groups.js';
export { replaySyscallFilter, filterVerdict, replayArchitectures, type SyscallFilterReplay } from './syscall-filter.js';
export { attributeDenial, type Finding, type FindingCause, type AttributionContext } from './attribution.js';
export { suggestDropIn, UnprovenSuggestion, DROP_IN_NAME, WRITTEN_BY, type DropInSuggestion } from './drop-in-suggestion.js';
export { broadAlternative } from './broad-alternative.js';
export { groupsHolding, membershipChanges, type GroupMembership, type MembershipChange } from './group-lookup.js';
export { bundledGroupVersions } from './syscall-groups.js';
