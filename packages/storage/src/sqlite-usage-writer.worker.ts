import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './open-database.js';
import { SqlUsageRepository } from './sql-usage-repository.js';
import type { UsageWriterData, UsageWriterReply, UsageWriterRequest } from './sqlite-usage-writer-messages.js';

// The thread of `ThreadedSqliteUsageRepository`: its own connection, the same insert as on the main thread.
const port = parentPort;
if (!port) throw new Error('sqlite-usage-writer.worker.ts runs only as a worker thread.');
const { filename } = workerData as UsageWriterData;
// Lowest CPU priority for this thread only (Linux applies nice per thread): a batch of inserts then waits for a
// free core instead of taking one from the request path, which would show as latency spikes of a scheduler tick.
try {
  setPriority(19);
} catch {
  // Not permitted on this platform: the writer runs at normal priority.
}
const opening = openDatabase({ url: filename }).then((database) => ({ database, usage: new SqlUsageRepository(database.db) }));
// A failed open is answered to each batch below; it must not also end the thread as an unhandled rejection.
opening.catch(() => {});
// Requests are handled one after the other, in the order sent; the listener is attached at once so none is missed.
let queue: Promise<unknown> = Promise.resolve();

port.on('message', (request: UsageWriterRequest) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: UsageWriterRequest): Promise<void> {
  if (request.type === 'close') {
    const { database } = await opening.catch(() => ({ database: undefined }));
    await database?.close();
    port?.close();
    return;
  }
  let reply: UsageWriterReply;
  try {
    const { usage } = await opening;
    await usage.insertMany(request.records);
    reply = { id: request.id };
  } catch (error) {
    reply = { id: request.id, errorMessage: error instanceof Error ? error.message : String(error) };
  }
  port?.postMessage(reply);
  // A connection that could not be opened stays broken: end the thread, the next batch starts a fresh one.
  if (await opening.then(() => false, () => true)) port?.close();
}
