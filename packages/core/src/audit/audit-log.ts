import type { AuditEvent, AuditEventInput } from './audit-event.js';

/** Port: the append-only audit log. Implementations must append atomically (one chain, no forks). */
export interface AuditLog {
  /** Append an event at the end of the chain and return it as stored. */
  append(input: AuditEventInput): Promise<AuditEvent>;
  /** Events in sequence order, starting after `afterSequence` (0 for the beginning). */
  list(options: { afterSequence: number; limit: number }): Promise<AuditEvent[]>;
}
