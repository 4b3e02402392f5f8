/**
 * The writer thread of a StoreWriterThread: opens the store with its own connection and runs
 * DenialStore.ingest on the batches it is posted, one ingest per input, until told to close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PackedDenials } from './denial-batch.js';
import type { DenialSequence, DenialStore } from './denial-store.js';
import { openDenialStore } from './open-denial-store.js';
import { MessageInbox } from '../../message-inbox.js';
import { errorParts } from '../store-errors.js';
import type { FromStoreWriter, StoreWriterJob, ToStoreWriter } from './store-writer-protocol.js';

const port = parentPort;
if (port === null) throw new Error('store-writer-worker.js runs as a worker thread only');

function post(message: FromStoreWriter): void {
  port?.postMessage(message);
}

const inbox = new MessageInbox<ToStoreWriter>();
port.on('message', (message: ToStoreWriter) => inbox.push(message));

/** One input's denials: the batches posted until its `end`. */
async function* inputDenials(): AsyncGenerator<DenialSequence> {
  for (;;) {
    const message = await inbox.next();
    if (message.kind === 'end') return;
    if (message.kind !== 'denials') throw new Error(`store writer: ${message.kind} in the middle of an input`);
    post({ kind: 'taken' });
    yield new PackedDenials(message.batch);
  }
}

async function serve(store: DenialStore): Promise<void> {
  for (;;) {
    const message = await inbox.next();
    if (message.kind === 'close') return;
    if (message.kind !== 'ingest') throw new Error(`store writer: ${message.kind} outside an input`);
    const unit = message.options.unit ?? null;
    const counts = await store.ingestBatches(inputDenials(), {
      ...message.options,
      unitOf: () => unit,
      onCommit: (committed) => post({ kind: 'committed', counts: committed }),
    });
    post({ kind: 'ingested', counts });
  }
}

const job = workerData as StoreWriterJob;
let store: DenialStore | null = null;
try {
  store = openDenialStore(job.path, job.open);
  post({ kind: 'opened', path: store.path });
  await serve(store);
  store.close();
  store = null;
  post({ kind: 'closed' });
} catch (error) {
  post({ kind: 'failed', error: errorParts(error) });
} finally {
  try {
    store?.close();
  } catch {
    // What failed was reported above; the connection goes with the thread.
  }
  port.close();
}
