import { parentPort, workerData } from 'node:worker_threads';
import { scanFileRange } from './file-range-scan.js';
import { BATCH_BYTES, type RangeScanJob, type RangeScanMessage } from './range-scan-protocol.js';

/** Progress is posted after about this many bytes scanned without a batch. */
const PROGRESS_BYTES = 32 * 1024 * 1024;

const job = workerData as RangeScanJob;
const budget = new Int32Array(job.budget);
let batch: Buffer[] = [];
let batchBytes = 0;
let postedAt = 0;

function post(message: RangeScanMessage, bytesRead: number): void {
  postedAt = bytesRead;
  if (message.kind === 'lines') parentPort?.postMessage(message, [message.lines.buffer as ArrayBuffer]);
  else parentPort?.postMessage(message);
}

function postBatch(bytesRead: number): void {
  // Sleep, without spinning, until the reader has taken enough earlier lines.
  for (let left = Atomics.load(budget, 0); left < batchBytes; left = Atomics.load(budget, 0)) {
    Atomics.wait(budget, 0, left, 1000);
  }
  Atomics.sub(budget, 0, batchBytes);
  const lines = new Uint8Array(batchBytes);
  let offset = 0;
  for (const part of batch) {
    lines.set(part, offset);
    offset += part.length;
  }
  post({ kind: 'lines', lines, bytesRead }, bytesRead);
  batch = [];
  batchBytes = 0;
}

let lastBytesRead = 0;
const chunks = scanFileRange(job.range, job.scan);
let step = chunks.next();
for (; !step.done; step = chunks.next()) {
  const { lines, bytesRead } = step.value;
  lastBytesRead = bytesRead;
  if (lines) {
    batch.push(lines);
    batchBytes += lines.length;
  }
  if (batchBytes >= BATCH_BYTES) postBatch(bytesRead);
  else if (bytesRead - postedAt >= PROGRESS_BYTES) post({ kind: 'progress', bytesRead }, bytesRead);
}
const counts = step.value;
if (batchBytes > 0) postBatch(lastBytesRead);
post({ kind: 'done', counts }, lastBytesRead);
