import type { Logger } from '../shared/logger.js';
import type { UsageQuery, UsageRecord } from './usage-record.js';
import type { UsageRepository } from './usage-repository.js';

export interface MeteringServiceOptions {
  repository: UsageRepository;
  logger: Logger;
  /** Buffered records are written at least this often. */
  flushIntervalMs?: number;
  /** A flush starts as soon as this many records are waiting. */
  maxBatchSize?: number;
  /** Upper bound on records kept in memory while the database is failing; older ones beyond it are dropped and counted. */
  maxBufferedRecords?: number;
  /** Called with the number of records dropped after the buffer overflowed (for metrics). */
  onDropped?: (count: number) => void;
}

/**
 * Records one usage record per request (BIL-3), off the hot path: records are buffered and written in
 * batches. A hard crash loses at most the records of the last `flushIntervalMs` (or `maxBatchSize`);
 * `close()` writes everything. Writes are idempotent on request id, so a retried batch never double-counts.
 */
export class MeteringService {
  readonly #repository: UsageRepository;
  readonly #logger: Logger;
  readonly #maxBatchSize: number;
  readonly #maxBufferedRecords: number;
  readonly #onDropped: (count: number) => void;
  readonly #timer: NodeJS.Timeout;
  #buffer: UsageRecord[] = [];
  #flushing: Promise<void> | undefined;

  constructor(options: MeteringServiceOptions) {
    this.#repository = options.repository;
    this.#logger = options.logger;
    this.#maxBatchSize = options.maxBatchSize ?? 500;
    this.#maxBufferedRecords = options.maxBufferedRecords ?? 100_000;
    this.#onDropped = options.onDropped ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    this.#timer.unref();
  }

  /** Queue a record; never throws and never waits for the database. */
  record(record: UsageRecord): void {
    this.#buffer.push(record);
    if (this.#buffer.length >= this.#maxBatchSize && !this.#flushing) void this.flush();
  }

  /** Records waiting to be written. */
  get pendingCount(): number {
    return this.#buffer.length;
  }

  /** Write what is buffered. Concurrent calls share one flush. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushAll().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  listByUser(query: UsageQuery): Promise<UsageRecord[]> {
    return this.#repository.listByUser(query);
  }

  /** Stop the timer and write every buffered record, retrying a few times before giving up loudly. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (let attempt = 0; attempt < 5 && (this.#buffer.length > 0 || this.#flushing); attempt++) {
      await this.flush();
      if (this.#buffer.length > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
    if (this.#buffer.length > 0) {
      this.#logger.error({ lost: this.#buffer.length }, 'usage records could not be written before shutdown');
    }
  }

  /**
   * Writes until the buffer is empty, including records that arrived during a write. Under steady load this
   * clocks itself into small batches sent back to back; leaving late arrivals for the next interval (fewer,
   * 500-row batches) measured worse at p99 with one connection (docs/performance.md, 2026-12-08).
   */
  async #flushAll(): Promise<void> {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.slice(0, this.#maxBatchSize);
      try {
        await this.#repository.insertMany(batch);
      } catch (error) {
        this.#logger.warn({ err: error, pending: this.#buffer.length }, 'usage records could not be written; will retry');
        this.#dropOverflow();
        return;
      }
      this.#buffer = this.#buffer.slice(batch.length);
    }
  }

  #dropOverflow(): void {
    const overflow = this.#buffer.length - this.#maxBufferedRecords;
    if (overflow <= 0) return;
    this.#buffer = this.#buffer.slice(overflow);
    this.#onDropped(overflow);
    this.#logger.error({ dropped: overflow }, 'usage buffer overflowed while the database was failing');
  }
}
