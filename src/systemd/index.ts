export { parseUnitFile, parseSystemctlCat, type UnitAssignment, type UnitFile } from './unit-file.js';
export { orderUnitFiles, execAssignments, UNIT_DIRECTORIES, type UnitConfiguration } from './unit-configuration.js';
export {
  bundledGroupsFor, newestBundledGroups, parseSystemdAnalyzeGroups, compareVersions, systemdVersionOf, NoSyscallGroups, type SystemdGroups,
  type GroupTableSource, type BundledTableChoice,
} from './syscall-groups.js';
export {
  replaySyscallFilter, filterVerdict, replayArchitectures, type SyscallFilterReplay, type FilterReplayWarning, type SourceLine, type EntryAction,
} from './syscall-filter.js';
export { attributeDenial, type Finding, type FindingCause, type FindingReason, type AttributionContext } from './attribution.js';
export { suggestDropIn, UnprovenSuggestion, type DropInSuggestion } from './drop-in-suggestion.js';
export { DROP_IN_NAME, WRITTEN_BY } from './own-drop-in.js';
export { broadAlternative } from './broad-alternative.js';
export { groupsHolding, membershipChanges, type GroupMembership, type MembershipChange } from './group-lookup.js';
export { bundledGroupVersions } from './syscall-groups.js';
export { isValidUnitName, templateOf } from './unit-name.js';
export { identifyUnit, programsOfUnit, type DeniedProcess, type ExecStartEntry, type UnitIdentification, type UnitTie } from './unit-identification.js';
export { parseSystemctlShow, loadedFilterAllows, type LoadedUnitState } from './systemctl-show.js';
export { unitWarnings, type UnitWarning } from './unit-warnings.js';
export { unitUser, uidCanBeUnits, type UnitUser } from './unit-user.js';
export {
  UNIT_FILE_SIZE_LIMIT, resolveInImage, type FileSkipReason, type FileText, type UnitFileSystem, type UnitPathKind,
} from './unit-file-system.js';
export {
  loadUnitFiles, listExecStarts, UnitNotLoaded, type SkippedFileReporter, type SkippedUnitFile, type UnitNotLoadedReason,
} from './unit-discovery.js';
export { InMemoryUnitFileSystem, type InMemoryEntry } from './in-memory-unit-file-system.js';
export { execStartPrograms, programCandidates, programOf } from './exec-start.js';
export { userIdFromPasswd } from './passwd.js';
export {
  filterOptionsConfiguration, runProperties, systemCallLogValue, wouldBeAction, wouldBeDenials, FILTER_OPTION_SOURCE, ARCHITECTURES_OPTION_SOURCE,
  type RunMode, type TransientProperty,
} from './run-filter.js';
export {
  learnDropIn, learnDropInOf, learnHeader, learningSince, isLearnDropInName, withoutLearnDropIn, LEARN_DROP_IN_NAME, type LearnDropIn, type UnenforcedFilter,
} from './learn-drop-in.js';
export {
  doctorChecks, denialsLogged, excludeRulesForSeccomp, kernelConfigAudit, kernelLogLoss, KernelLogLossCounter, parseAuditStatus, logSeccompEnabled, unitErrnoSettings, unitSeccompSettings, unsandboxedCommands, SECCOMP_RECORD_TYPE,
  type AuditRuleListing, type AuditStatus, type DoctorCheck, type DoctorCheckId, type DoctorStatus, type DoctorUnit, type ErrnoSetting, type HostFacts,
  type KernelAuditSupport, type KernelLogLoss, type UnitSeccompSetting,
} from './doctor-checks.js';
