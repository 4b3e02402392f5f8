import { accessSync, constants } from 'node:fs';
import { DenialAggregator, emptyStats, type DenialFilter, type DenialSummary, type ExplainStats } from '../analysis/index.js';
import type { AbiRegistry, Denial } from '../decode/index.js';
import { commandSource, fileSource, stdinSource, type InputSource } from '../input/index.js';
import type { UnitAttribution } from '../render/index.js';
import type { SystemdGroups } from '../systemd/index.js';
import { DEFAULT_AUDIT_LOG } from './host-logs.js';
import { openStore } from './open-store.js';
import { readDenials } from './read-denials.js';
import type { LoadedUnit } from './unit-loading.js';
import { UsageError } from './usage-error.js';


export interface ExplainRequest {
  files: string[];
  filter: DenialFilter;
  tables: AbiRegistry;
  /** The ABI of records without `arch=`. */
  abi: string;
  /** With a unit: what `SystemCallArchitectures=native` admits. */
  nativeAbi: string;
  /** The unit whose settings each denial is attributed to, and the groups to replay it with. */
  unit: { loaded: LoadedUnit; groups: SystemdGroups } | null;
  /** Read the history store instead of logs (`--from-db`), at `db` or the default store. */
  fromDb: boolean;
  db?: string;
  /** Hand each event to `onEvent` as it is read, and summarise nothing (`--ndjson`). */
  streaming: boolean;
}

export interface ExplainListener {
  /** A line for stderr: which input was chosen, an input that could not be read. */
  tell: (message: string) => void;
  /** Each event, once, as read (streaming only); its promise holds reading back. */
  onEvent?: (denial: Denial) => Promise<void> | void;
  /** The bytes read so far of a source, for a progress line. */
  onBytes?: (source: InputSource, bytes: number) => void;
  /** Before a message about a source that could not be read. */
  onInputError?: () => void;
}

export interface ExplainOutcome {
  summaries: DenialSummary[];
  stats: ExplainStats;
  attribution: UnitAttribution | null;
  /** Events read (streaming) or summarised. */
  events: number;
  inputFailed: boolean;
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** With no file named and a terminal on stdin, the host's own logs: auditd's, else the kernel's. */
function defaultSources(files: string[], tell: (line: string) => void): InputSource[] {
  if (files.length > 0) return files.map(fileSource);
  if (!process.stdin.isTTY) return [stdinSource()];
  if (isReadable(DEFAULT_AUDIT_LOG)) {
    tell(`reading ${DEFAULT_AUDIT_LOG} (no file given)`);
    return [fileSource(DEFAULT_AUDIT_LOG)];
  }
  const journal = commandSource('journalctl', ['-k', '-b', '-o', 'json', '--no-pager']);
  tell(`reading ${journal.label} (no file given, ${DEFAULT_AUDIT_LOG} is not readable)`);
  return [journal];
}

/** Each summary's attribution to the unit's settings, when a unit was given. */
async function attribute(summaries: DenialSummary[], request: ExplainRequest): Promise<UnitAttribution | null> {
  if (!request.unit) return null;
  const { attributeDenial } = await import('../systemd/index.js');
  const context = { configuration: request.unit.loaded.configuration, groups: request.unit.groups, tables: request.tables, nativeAbi: request.nativeAbi };
  return { unit: request.unit.loaded.configuration.unit, findings: new Map(summaries.map((summary) => [summary, attributeDenial(summary, context)])) };
}

/** `explain --from-db`: the same explanation, of the stored history. */
async function explainStore(request: ExplainRequest, listener: ExplainListener): Promise<ExplainOutcome> {
  const store = await openStore(request.db, true);
  try {
    if (request.streaming) {
      let events = 0;
      for (const denial of store.denials(request.filter)) {
        events++;
        await listener.onEvent?.(denial);
      }
      return { summaries: [], stats: emptyStats(), attribution: null, events, inputFailed: false };
    }
    const { summaries, stats } = store.explanation(request.filter);
    return { summaries, stats, attribution: await attribute(summaries, request), events: summaries.length, inputFailed: false };
  } finally {
    await store.close();
  }
}

/**
 * `explain`: every distinct denial of the logs (or the store), once per event, with its
 * attribution to a unit's settings when one is given; or, streaming, each event as it is read.
 */
export async function explain(request: ExplainRequest, listener: ExplainListener): Promise<ExplainOutcome> {
  if (request.fromDb) {
    if (request.files.length > 0) throw new UsageError('--from-db reads the store: give no log files with it');
    return explainStore(request, listener);
  }
  if (request.db !== undefined) throw new UsageError('--db goes with --from-db (or ingest, watch, report)');
  const sources = defaultSources(request.files, listener.tell);
  const stats = emptyStats();
  const aggregator = new DenialAggregator();
  let inputFailed = false;
  let events = 0;
  const denials = readDenials(sources, {
    decode: { tables: request.tables, assumedAbi: request.abi },
    filter: request.filter,
    now: Date.now(),
    onBytes: listener.onBytes,
    onInputError: (error) => {
      listener.onInputError?.();
      inputFailed = true;
      listener.tell(error.message);
    },
  }, stats);
  for await (const denial of denials) {
    events++;
    if (request.streaming) await listener.onEvent?.(denial);
    else aggregator.add(denial);
  }
  stats.overflow = aggregator.overflow;
  const summaries = aggregator.summaries();
  return { summaries, stats, attribution: await attribute(summaries, request), events, inputFailed };
}
