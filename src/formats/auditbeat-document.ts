import { isObject, isRawIdentity, isoTimeOf, pathOf, serialOf, textOf, type JsonObject, type SeccompDocumentReading } from './seccomp-document.js';

/**
 * Auditbeat's (and Elastic Agent's auditd integration's) seccomp events, as they are shipped
 * and stored: `event.action: violated-seccomp-policy`, the record's own fields under
 * `auditd.data` (`arch`, `syscall`, `sig`, `code`, `compat`, `ip`), the process under
 * `process.*`, the ids under `user.*`, the host under `host.*`, the audit serial as
 * `auditd.sequence` and the audit id's time as `@timestamp`. Two generations: until go-libaudit
 * 0.4 (Auditbeat 7.9, mid-2020) `auditd.data` kept the numbers (`arch: "c000003e"`,
 * `syscall: "59"`, `sig: "31"`); since, names (`arch: "x86_64"`, `syscall: "getpgid"`,
 * `sig: "SIGSYS"`). Pre-ECS documents (6.x) name the ids `user.uid`/`user.auid` and the
 * program `process.exe`. A search response's hit is read through its `_source`.
 */

export const AUDITBEAT_MARKER = 'violated-seccomp-policy';

function hostOf(document: JsonObject): string | null {
  const host = textOf(pathOf(document, 'host', 'name')) ?? textOf(pathOf(document, 'host', 'hostname'))
    ?? textOf(pathOf(document, 'agent', 'hostname')) ?? textOf(pathOf(document, 'host', 'id'));
  return host === undefined || host === '' ? null : host;
}

function actionOf(document: JsonObject): boolean {
  const action = pathOf(document, 'event', 'action');
  return action === AUDITBEAT_MARKER || (Array.isArray(action) && action.includes(AUDITBEAT_MARKER));
}

export function readAuditbeatDocument(parsed: JsonObject, text: string): SeccompDocumentReading {
  if (!text.includes(AUDITBEAT_MARKER)) return null;
  const document = isObject(parsed._source) ? parsed._source : parsed;
  if (!actionOf(document)) return null;
  const data = pathOf(document, 'auditd', 'data');
  if (!isObject(data)) return { damaged: 'Auditbeat seccomp event without auditd.data' };
  const fields: Record<string, string> = {};
  const put = (name: string, value: unknown): void => {
    const valueText = textOf(value);
    if (valueText !== undefined && valueText !== '') fields[name] = valueText;
  };
  for (const name of ['arch', 'syscall', 'sig', 'code', 'compat', 'ip']) put(name, data[name]);
  put('pid', pathOf(document, 'process', 'pid'));
  put('comm', pathOf(document, 'process', 'name'));
  put('exe', pathOf(document, 'process', 'executable') ?? pathOf(document, 'process', 'exe'));
  put('uid', pathOf(document, 'user', 'id') ?? pathOf(document, 'user', 'uid'));
  put('gid', pathOf(document, 'user', 'group', 'id') ?? pathOf(document, 'user', 'gid'));
  put('auid', pathOf(document, 'user', 'audit', 'id') ?? pathOf(document, 'user', 'auid'));
  put('ses', pathOf(document, 'auditd', 'session'));
  for (const required of ['arch', 'syscall', 'code']) {
    if (fields[required] === undefined) return { damaged: `Auditbeat seccomp event without auditd.data.${required}` };
  }
  const enriched: Record<string, string> = {};
  const userName = textOf(pathOf(document, 'user', 'name'));
  if (userName !== undefined && userName !== '') enriched.UID = userName;
  const serial = serialOf(pathOf(document, 'auditd', 'sequence'));
  const time = isoTimeOf(document['@timestamp']);
  return {
    format: 'auditbeat',
    time,
    timePrecise: time !== null,
    serial,
    host: hostOf(document),
    fields,
    enriched,
    interpreted: !isRawIdentity(fields.arch, fields.syscall),
  };
}
