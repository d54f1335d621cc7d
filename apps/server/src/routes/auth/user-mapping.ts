import type { RequestOrigin, Session, User } from '@charter/core';
import type { UserBody } from '@charter/contracts';
import type { FastifyRequest } from 'fastify';
import { proxyCountryOf } from '../../plugins/client-country.js';

/** Domain user → wire shape. Never the password hash, lock or deletion internals. */
export function toUserBody(user: User, isTwoFactorEnabled: boolean): UserBody {
  return {
    object: 'user',
    id: user.id,
    email: user.email,
    email_verified: user.emailVerifiedAt !== null,
    display_name: user.displayName,
    status: user.status,
    country: user.country,
    region: user.region,
    staff_role: user.staffRole,
    two_factor_enabled: isTwoFactorEnabled,
    created_at: user.createdAt.toISOString(),
  };
}

export function toSessionBody(session: Session, currentSessionId: string | null, idleTimeoutMs: number) {
  const idleEndsAtMs = session.lastSeenAt.getTime() + idleTimeoutMs;
  return {
    object: 'session' as const,
    id: session.id,
    is_current: session.id === currentSessionId,
    method: session.method,
    ip_address: session.ipAddress,
    user_agent: session.userAgent,
    created_at: session.createdAt.toISOString(),
    last_seen_at: session.lastSeenAt.toISOString(),
    expires_at: new Date(Math.min(idleEndsAtMs, session.absoluteExpiresAt.getTime())).toISOString(),
  };
}

/** Where a request came from (client IP as Fastify resolves it, honouring `trustProxy`; the proxy's country header when configured). */
export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return { ipAddress: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : null, proxyCountry: proxyCountryOf(request) };
}

/** The audit actor of a person acting through their session or key. */
export function actorOf(request: FastifyRequest) {
  return { userId: request.principal.userId, apiKeyId: request.principal.apiKeyId, requestId: request.id, via: 'api' as const };
}
