import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { openSqliteConnection } from './open-database.js';
import { SqliteUsageInserter } from './sqlite-usage-inserter.js';
import type { UsageWriterData, UsageWriterReply, UsageWriterRequest } from './sqlite-usage-writer-messages.js';

// The thread of `ThreadedSqliteUsageRepository`: its own connection and one prepared insert, run per row.
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
// Opened at once, so the thread is ready when the first batch comes; a failure is answered to that batch.
const opened = openInserter();

port.on('message', (request: UsageWriterRequest) => {
  if (request.type === 'close') {
    if (!(opened instanceof Error)) opened.connection.close();
    port.close();
    return;
  }
  let reply: UsageWriterReply;
  try {
    if (opened instanceof Error) throw opened;
    opened.inserter.insertMany(request.records);
    reply = { id: request.id };
  } catch (error) {
    reply = { id: request.id, errorMessage: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  // A connection that could not be opened stays broken: end the thread, the next batch starts a fresh one.
  if (opened instanceof Error) port.close();
});

function openInserter(): { connection: BetterSqlite3.Database; inserter: SqliteUsageInserter } | Error {
  let connection: BetterSqlite3.Database | undefined;
  try {
    connection = openSqliteConnection(filename);
    return { connection, inserter: new SqliteUsageInserter(connection) };
  } catch (error) {
    connection?.close();
    return error instanceof Error ? error : new Error(String(error));
  }
}
