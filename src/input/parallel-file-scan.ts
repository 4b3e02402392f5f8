import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CandidateLineCounts } from './candidate-lines.js';
import { BATCH_BYTES, type RangeScanJob, type RangeScanMessage } from './range-scan-protocol.js';

/** Bytes of candidate lines a worker may have posted and not yet had taken. */
const BUDGET_BYTES_PER_WORKER = 8 * BATCH_BYTES;

/** Plain files at least this large are scanned by several threads at once. */
export const PARALLEL_SCAN_MIN_BYTES = 64 * 1024 * 1024;

export function parallelScanThreads(): number {
  return Math.min(4, availableParallelism());
}

/** One worker's posts, taken in order. */
class RangeWorker {
  private readonly worker: Worker;
  private readonly budget = new Int32Array(new SharedArrayBuffer(4));
  private readonly queue: RangeScanMessage[] = [];
  private failure: Error | null = null;
  /** Bytes this worker has scanned, as of its latest post. */
  bytesRead = 0;
  private wake: (() => void) | null = null;

  constructor(job: Omit<RangeScanJob, 'budget'>) {
    Atomics.store(this.budget, 0, BUDGET_BYTES_PER_WORKER);
    const workerJob: RangeScanJob = { ...job, budget: this.budget.buffer as SharedArrayBuffer };
    this.worker = new Worker(new URL('./range-scan-worker.js', import.meta.url), { workerData: workerJob });
    this.worker.on('message', (message: RangeScanMessage) => this.arrive(message));
    this.worker.on('error', (error) => {
      this.failure = error;
      this.wake?.();
    });
  }

  private arrive(message: RangeScanMessage): void {
    if (message.kind !== 'done') this.bytesRead = message.bytesRead;
    this.queue.push(message);
    this.wake?.();
  }

  async next(): Promise<RangeScanMessage> {
    for (;;) {
      const message = this.queue.shift();
      if (message) {
        if (message.kind === 'lines') {
          Atomics.add(this.budget, 0, message.lines.byteLength);
          Atomics.notify(this.budget, 0);
        }
        return message;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * Scans a large plain file with one worker thread per range, each running the same
 * CandidateLineScanner over the lines that start in its range, and yields their candidate
 * lines in file order. Counts are summed into `counts` as each range finishes.
 */
export async function* scanFileInParallel(
  path: string,
  size: number,
  maxLineBytes: number,
  counts: CandidateLineCounts,
  onProgress?: (bytes: number) => void,
  threads = parallelScanThreads(),
): AsyncGenerator<Buffer> {
  const workers: RangeWorker[] = [];
  for (let index = 0; index < threads; index++) {
    const start = Math.floor((size * index) / threads);
    const end = Math.floor((size * (index + 1)) / threads);
    workers.push(new RangeWorker({ range: { path, start, end }, maxLineBytes }));
  }
  try {
    for (const worker of workers) {
      for (;;) {
        const message = await worker.next();
        if (message.kind === 'done') {
          counts.bytes += message.counts.bytes;
          counts.lines += message.counts.lines;
          counts.overlongRecords += message.counts.overlongRecords;
          break;
        }
        onProgress?.(workers.reduce((sum, each) => sum + each.bytesRead, 0));
        if (message.kind === 'lines') yield Buffer.from(message.lines.buffer, message.lines.byteOffset, message.lines.byteLength);
      }
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}
