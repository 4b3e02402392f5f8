import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DenialAggregator, emptyStats, type DenialFilter, type DenialSummary, type ExplainStats } from '../analysis/index.js';
import type { AbiRegistry, Denial } from '../decode/index.js';
import { fileSource, stdinSource, type InputSource } from '../input/index.js';
import { describeHostLogChoice, type HostLogChoice, type NotTextInput, type UnitAttribution } from '../render/index.js';
import type { SystemdGroups } from '../systemd/index.js';
import { chooseHostLog } from './host-logs.js';
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
  /** Note the units systemd logged a SIGSYS exit of (for a hint that names `suggest`). */
  findUnits?: boolean;
}

export interface ExplainListener {
  /** A line for stderr: an input that could not be read, or is not text. */
  tell: (message: string) => void;
  /** Which of the host's logs is read, when no file was named and stdin is a terminal. */
  onHostLog?: (choice: HostLogChoice) => void;
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
  /** Units systemd logged a SIGSYS exit of (findUnits), up to LISTED_UNITS, in order met. */
  units: string[];
  /** Named files that hold bytes no log holds. */
  notText: NotTextInput[];
}

/** Units named in the hint at most. */
const LISTED_UNITS = 5;
/** How much of a named file is looked at to tell whether it is text. */
const TEXT_PROBE_BYTES = 64 * 1024;
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
/** The first bytes of a journald file. */
const JOURNAL_FILE_MAGIC = Buffer.from('LPKSHHRH');

/** The first bytes of a named regular file (decompressed when gzip), or null for anything else. */
function firstBytes(path: string): Buffer | null {
  try {
    if (!statSync(path).isFile()) return null;
    const descriptor = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(TEXT_PROBE_BYTES);
      const read = buffer.subarray(0, readSync(descriptor, buffer, 0, buffer.length, 0));
      if (!read.subarray(0, 2).equals(GZIP_MAGIC)) return read;
      return gunzipSync(read, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: TEXT_PROBE_BYTES }).subarray(0, TEXT_PROBE_BYTES);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // Unreadable or damaged: reading it says so.
    return null;
  }
}

/** Whether a named file is not text: a journald file, or one that holds NUL bytes, which no log does. */
function notText(path: string): NotTextInput | null {
  if (path === '-') return null;
  const bytes = firstBytes(path);
  if (bytes === null) return null;
  if (bytes.subarray(0, JOURNAL_FILE_MAGIC.length).equals(JOURNAL_FILE_MAGIC)) return { path, kind: 'journal-file' };
  return bytes.includes(0) ? { path, kind: 'binary' } : null;
}

/** With no file named and a terminal on stdin, the host's own log (chooseHostLog). */
function defaultSources(files: string[], listener: ExplainListener): InputSource[] {
  if (files.length > 0) return files.map(fileSource);
  if (!process.stdin.isTTY) return [stdinSource()];
  const { source, choice } = chooseHostLog();
  if (source === null) throw new UsageError(describeHostLogChoice(choice));
  listener.onHostLog?.(choice);
  return [source];
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
      return { summaries: [], stats: emptyStats(), attribution: null, events, inputFailed: false, units: [], notText: [] };
    }
    const { summaries, stats } = store.explanation(request.filter);
    return { summaries, stats, attribution: await attribute(summaries, request), events: summaries.length, inputFailed: false, units: [], notText: [] };
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
  const sources = defaultSources(request.files, listener);
  const notTextInputs = request.files.map(notText).filter((input) => input !== null);
  const units: string[] = [];
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
    onUnitExit: request.findUnits ? (exit) => {
      if (units.length < LISTED_UNITS && !units.includes(exit.unit)) units.push(exit.unit);
    } : undefined,
  }, stats);
  for await (const denial of denials) {
    events++;
    if (request.streaming) await listener.onEvent?.(denial);
    else aggregator.add(denial);
  }
  stats.overflow = aggregator.overflow;
  const summaries = aggregator.summaries();
  return { summaries, stats, attribution: await attribute(summaries, request), events, inputFailed, units, notText: notTextInputs };
}
