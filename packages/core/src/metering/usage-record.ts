/** How a metered request ended. */
export type UsageStatus = 'succeeded' | 'failed' | 'cancelled';

/** One metered request. Exactly one record exists per request id. */
export interface UsageRecord {
  /** Random id of the record. */
  id: string;
  /** The request id (also in the `x-request-id` response header); unique. */
  requestId: string;
  apiKeyId: string | null;
  userId: string;
  organizationId: string | null;
  /** Endpoint family, e.g. `chat.completions`. */
  endpoint: string;
  /** Public model name the client asked for. */
  model: string;
  /** Engine that served the request (after routing), or null when none was reached. */
  engineId: string | null;
  promptTokens: number;
  completionTokens: number;
  status: UsageStatus;
  /** Error code when the request failed. */
  errorCode: string | null;
  latencyMs: number;
  /** Time to first token for streams and generations; null when no token came. */
  timeToFirstTokenMs: number | null;
  createdAt: Date;
}

/** Filter for reading usage. */
export interface UsageQuery {
  userId: string;
  from: Date;
  to: Date;
  apiKeyId?: string;
  limit?: number;
}
