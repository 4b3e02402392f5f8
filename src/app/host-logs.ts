/** auditd's log, where `explain` and `suggest` look first when given no file and no pipe. */
export const DEFAULT_AUDIT_LOG = '/var/log/audit/audit.log';
