import type { UsageRecord } from '@charter/core';

/** What the main thread asks the usage writer thread to do. */
export type UsageWriterRequest = { type: 'insert'; id: number; records: readonly UsageRecord[] } | { type: 'close' };

/** The writer thread's answer to one insert. */
export interface UsageWriterReply {
  id: number;
  /** Set when the batch was not written; the caller keeps it and retries. */
  errorMessage?: string;
}

/** What the writer thread is started with. */
export interface UsageWriterData {
  /** Loaded by `typescript-worker-entry.mjs`. */
  entryUrl: string;
  /** The SQLite file, shared with the main thread's connection (WAL mode). */
  filename: string;
}
