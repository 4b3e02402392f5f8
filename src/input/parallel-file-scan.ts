import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CandidateLineCounts } from './candidate-lines.js';
import { scanFileRange, type FileRange, type ScanSettings } from './file-range-scan.js';
import { MessageInbox } from '../message-inbox.js';
import { type RangeScanJob, type RangeScanMessage } from './range-scan-protocol.js';

/**
 * A worker keeps almost nothing alive (its scanner's state and one batch), so a small heap
 * makes it collect often instead of letting garbage grow the process.
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 };

/** Bytes of candidate lines a worker may have posted and not yet had taken. */
const BUDGET_BYTES_PER_WORKER = 16 * 1024 * 1024;

/**
 * The share of the file the reading thread scans itself, against 1 for each worker. It
 * starts later (it loads the program first) and parses what every range finds, so it takes
 * less; measured best on a 2-core machine.
 */
const READER_SHARE = 0.4;

/** Plain files at least this large are scanned by several threads at once. */
export const PARALLEL_SCAN_MIN_BYTES = 64 * 1024 * 1024;

export function parallelScanThreads(): number {
  return Math.min(4, availableParallelism());
}

/** One worker's posts, taken in order; its failure, after what it posted before. */
class RangeWorker {
  private readonly worker: Worker;
  private readonly budget = new Int32Array(new SharedArrayBuffer(4));
  private readonly inbox = new MessageInbox<RangeScanMessage | { kind: 'failed'; error: Error }>();
  /** Bytes this worker has scanned, as of its latest post. */
  bytesRead = 0;

  constructor(job: Omit<RangeScanJob, 'budget'>) {
    Atomics.store(this.budget, 0, BUDGET_BYTES_PER_WORKER);
    const workerJob: RangeScanJob = { ...job, budget: this.budget.buffer as SharedArrayBuffer };
    this.worker = new Worker(new URL('./range-scan-worker.js', import.meta.url), { workerData: workerJob, resourceLimits: WORKER_HEAP_LIMITS });
    this.worker.on('message', (message: RangeScanMessage) => {
      if (message.kind !== 'done') this.bytesRead = message.bytesRead;
      this.inbox.push(message);
    });
    this.worker.on('error', (error) => this.inbox.push({ kind: 'failed', error }));
  }

  async next(): Promise<RangeScanMessage> {
    const message = await this.inbox.next();
    if (message.kind === 'failed') throw message.error;
    if (message.kind === 'lines') {
      Atomics.add(this.budget, 0, message.lines.byteLength);
      Atomics.notify(this.budget, 0);
    }
    return message;
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

function addCounts(total: CandidateLineCounts, part: CandidateLineCounts): void {
  total.bytes += part.bytes;
  total.lines += part.lines;
  total.overlongRecords += part.overlongRecords;
}

/**
 * Scans a large plain file in `threads` ranges at once, each with the same
 * CandidateLineScanner over the lines that start in it, and yields their candidate lines in
 * file order. This thread scans the first range itself while workers scan the others, so
 * `threads` threads are busy, not one more. Counts are summed into `counts`.
 */
export async function* scanFileInParallel(
  path: string,
  size: number,
  scan: ScanSettings,
  counts: CandidateLineCounts,
  onProgress?: (bytes: number) => void,
  threads = parallelScanThreads(),
): AsyncGenerator<Buffer> {
  // The reading thread also parses what all ranges find, so it takes a smaller share.
  const shares = Array.from({ length: threads }, (_, index) => (index === 0 ? READER_SHARE : 1));
  const total = shares.reduce((sum, share) => sum + share, 0);
  const ranges: FileRange[] = [];
  let start = 0;
  for (const [index, share] of shares.entries()) {
    const end = index === threads - 1 ? size : Math.min(size, start + Math.floor((size * share) / total));
    ranges.push({ path, start, end });
    start = end;
  }
  const [own, ...others] = ranges as [FileRange, ...FileRange[]];
  const workers = others.map((range) => new RangeWorker({ range, scan }));
  const othersRead = (): number => workers.reduce((sum, worker) => sum + worker.bytesRead, 0);
  const chunks = scanFileRange(own, scan);
  try {
    let step = chunks.next();
    for (; !step.done; step = chunks.next()) {
      onProgress?.(step.value.bytesRead + othersRead());
      if (step.value.lines) yield step.value.lines;
    }
    addCounts(counts, step.value);
    const ownBytes = step.value.bytes;
    for (const worker of workers) {
      for (;;) {
        const message = await worker.next();
        if (message.kind === 'done') {
          addCounts(counts, message.counts);
          break;
        }
        onProgress?.(ownBytes + othersRead());
        if (message.kind === 'lines') yield Buffer.from(message.lines.buffer, message.lines.byteOffset, message.lines.byteLength);
      }
    }
  } finally {
    // Closes this thread's range (its file) when the caller stops early; a no-op once it is done.
    chunks.return({ bytes: 0, lines: 0, overlongRecords: 0 });
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}
