import type { ModerationCategory } from './moderation-category.js';
import type { ModerationAction, ModerationDirection } from './moderation-policy.js';
import type { ModerationSource } from './moderation-rule.js';

/**
 * One moderation hit (AUP-2, AUP-6): who, which request, which category, how sure, what was done. The
 * text itself is kept only as a hash unless the operator turns on evidence retention.
 */
export interface ViolationEvent {
  id: string;
  requestId: string;
  userId: string;
  organizationId: string | null;
  apiKeyId: string | null;
  direction: ModerationDirection;
  source: ModerationSource;
  category: ModerationCategory;
  score: number;
  action: ModerationAction;
  /** Hex SHA-256 of the moderated text. */
  excerptHash: string;
  /** The moderated text, only when evidence retention is on; otherwise null. */
  evidenceText: string | null;
  occurredAt: Date;
}

/** Port: persistence of violation events. Reads take the user (owner scoping). */
export interface ViolationRepository {
  insertMany(events: readonly ViolationEvent[]): Promise<void>;
  listByUser(userId: string, options: { from: Date; to: Date; limit?: number }): Promise<ViolationEvent[]>;
}
