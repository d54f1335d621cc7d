import { Worker } from 'node:worker_threads';
import type { UsageQuery, UsageRecord, UsageRepository } from '@charter/core';
import type { UsageWriterData, UsageWriterReply, UsageWriterRequest } from './sqlite-usage-writer-messages.js';

interface PendingWrite {
  resolve(): void;
  reject(error: Error): void;
}

/** How long `close()` waits for the thread to finish what it was sent and end. */
const closeTimeoutMs = 10_000;
const entryUrl = new URL('./typescript-worker-entry.mjs', import.meta.url);
const writerUrl = new URL('./sqlite-usage-writer.worker.ts', import.meta.url);

/**
 * `UsageRepository` on a SQLite file whose inserts run on a worker thread with a connection of its own.
 * better-sqlite3 is synchronous: a metering batch (8–12 µs a row with its indexes, several milliseconds a
 * batch) written on the main thread stalls every request in flight, which is what drove the gateway's p99.
 * Reads stay on the main connection (`reader`); WAL lets them run beside the writer. The thread starts with
 * the repository (so it is warm when the first batch comes) and again after it died.
 */
export class ThreadedSqliteUsageRepository implements UsageRepository {
  readonly #filename: string;
  readonly #reader: UsageRepository;
  readonly #pending = new Map<number, PendingWrite>();
  #worker: Worker | undefined;
  #nextId = 0;
  #isClosed = false;

  constructor(options: { filename: string; reader: UsageRepository }) {
    this.#filename = options.filename;
    this.#reader = options.reader;
    this.#start();
  }

  insertMany(records: readonly UsageRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.#isClosed) return Promise.reject(new Error('The usage writer is closed.'));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Only while a write is pending does the thread keep the process alive (shutdown waits for it).
      worker.ref();
      worker.postMessage({ type: 'insert', id, records } satisfies UsageWriterRequest);
    });
  }

  listByUser(query: UsageQuery): Promise<UsageRecord[]> {
    return this.#reader.listByUser(query);
  }

  /** Let the thread finish what it was sent, then end it. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const worker = this.#worker;
    if (!worker) return;
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies UsageWriterRequest);
    // The thread ends by itself once its connection is closed; a thread that does not is ended after a while.
    const timer = setTimeout(() => void worker.terminate(), closeTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  #start(): Worker {
    const worker = new Worker(entryUrl, { workerData: { entryUrl: writerUrl.href, filename: this.#filename } satisfies UsageWriterData });
    worker.unref();
    worker.on('message', (reply: UsageWriterReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.errorMessage === undefined) pending?.resolve();
      else pending?.reject(new Error(`usage records not written: ${reply.errorMessage}`));
    });
    worker.on('error', (error) => this.#failPending(worker, error));
    worker.on('exit', (code) => this.#failPending(worker, new Error(`the usage writer thread exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  #failPending(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
