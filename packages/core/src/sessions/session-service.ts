import { AuthenticationError, NotFoundError } from '../errors.js';
import type { RequestOrigin } from '../accounts/legal-acceptance.js';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { OpenedSession, Session } from './session.js';
import type { SessionRepository } from './session-repository.js';
import { generateOpaqueToken, hashOpaqueToken } from './session-token.js';

export interface SessionServiceOptions {
  repository: SessionRepository;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** A session unused this long ends (idle expiry). */
  idleTimeoutMs: number;
  /** A session ends this long after it was opened, however active (absolute expiry). */
  absoluteTimeoutMs: number;
  /** How often last-seen times are written (one batched write, never one per request). */
  lastSeenFlushIntervalMs?: number;
}

/** Use cases of browser sessions (ACC-3): open, authenticate, list, revoke. */
export class SessionService {
  readonly #repository: SessionRepository;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #idleTimeoutMs: number;
  readonly #absoluteTimeoutMs: number;
  readonly #pendingLastSeen = new Map<string, Date>();
  /** Last-seen times already written or pending, so idle expiry sees activity before it is flushed. */
  readonly #recentlySeen = new Map<string, number>();
  readonly #flushTimer: NodeJS.Timeout;

  constructor(options: SessionServiceOptions) {
    this.#repository = options.repository;
    this.#audit = options.audit;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#absoluteTimeoutMs = options.absoluteTimeoutMs;
    this.#flushTimer = setInterval(() => void this.flushLastSeen(), options.lastSeenFlushIntervalMs ?? 30_000);
    this.#flushTimer.unref();
  }

  /** Open a session for a user who has just proved who they are. */
  async open(userId: string, origin: RequestOrigin, method: Session['method']): Promise<OpenedSession> {
    const now = this.#clock();
    const token = generateOpaqueToken();
    const session: Session = {
      id: newId('sess'),
      userId,
      tokenHash: hashOpaqueToken(token),
      createdAt: now,
      lastSeenAt: now,
      absoluteExpiresAt: new Date(now.getTime() + this.#absoluteTimeoutMs),
      authenticatedAt: now,
      revokedAt: null,
      ipAddress: origin.ipAddress,
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
      method,
    };
    await this.#repository.insert(session);
    return { session, token };
  }

  /** The live session a token belongs to, or `invalid_session`. No caching: a revocation applies at once. */
  async authenticate(token: string): Promise<Session> {
    const session = await this.#repository.findByTokenHash(hashOpaqueToken(token));
    const now = this.#clock();
    if (!session || !this.#isLive(session, now)) {
      throw new AuthenticationError('invalid_session', 'Your session has ended. Sign in again.');
    }
    this.#pendingLastSeen.set(session.id, now);
    this.#recentlySeen.set(session.id, now.getTime());
    return session;
  }

  /** The user's live sessions, newest first. */
  async list(userId: string): Promise<Session[]> {
    const now = this.#clock();
    return (await this.#repository.listActive(userId, now)).filter((session) => this.#isLive(session, now));
  }

  async revoke(userId: string, sessionId: string, actor: AuditActor): Promise<void> {
    const now = this.#clock();
    if (!(await this.#repository.revoke(userId, sessionId, now))) throw new NotFoundError('Session', 'session_id');
    await this.#audit.append({ action: 'session.revoked', actor, targetType: 'session', targetId: sessionId, details: { userId }, occurredAt: now });
  }

  /** End every session of a user (except the caller's, when given). Returns how many ended. */
  async revokeAll(userId: string, actor: AuditActor, exceptSessionId?: string): Promise<number> {
    const now = this.#clock();
    const count = await this.#repository.revokeAll(userId, now, exceptSessionId);
    if (count > 0) {
      await this.#audit.append({ action: 'session.revoked_all', actor, targetType: 'user', targetId: userId, details: { count, keptSessionId: exceptSessionId ?? null }, occurredAt: now });
    }
    return count;
  }

  /** Record that the holder of a session has just proved who they are again. */
  async recordReauthentication(sessionId: string): Promise<void> {
    await this.#repository.recordAuthenticated(sessionId, this.#clock());
  }

  /** Whether the session's last proof of identity is younger than `maxAgeMs` (for sensitive actions). */
  isRecentlyAuthenticated(session: Session, maxAgeMs: number): boolean {
    return this.#clock().getTime() - session.authenticatedAt.getTime() <= maxAgeMs;
  }

  /** Write pending last-seen times in one batch. Failures keep them for the next flush. */
  async flushLastSeen(): Promise<void> {
    if (this.#pendingLastSeen.size === 0) return;
    const entries = [...this.#pendingLastSeen].map(([sessionId, lastSeenAt]) => ({ sessionId, lastSeenAt }));
    this.#pendingLastSeen.clear();
    try {
      await this.#repository.recordLastSeen(entries);
      const horizon = this.#clock().getTime() - this.#idleTimeoutMs;
      for (const [sessionId, seenAtMs] of this.#recentlySeen) if (seenAtMs < horizon) this.#recentlySeen.delete(sessionId);
    } catch (error) {
      for (const entry of entries) if (!this.#pendingLastSeen.has(entry.sessionId)) this.#pendingLastSeen.set(entry.sessionId, entry.lastSeenAt);
      this.#logger.warn({ err: error, pending: entries.length }, 'could not record session last-seen times; will retry');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#flushTimer);
    await this.flushLastSeen();
  }

  #isLive(session: Session, now: Date): boolean {
    if (session.revokedAt !== null) return false;
    if (session.absoluteExpiresAt.getTime() <= now.getTime()) return false;
    const lastSeenMs = Math.max(session.lastSeenAt.getTime(), this.#recentlySeen.get(session.id) ?? 0);
    return now.getTime() - lastSeenMs < this.#idleTimeoutMs;
  }
}
