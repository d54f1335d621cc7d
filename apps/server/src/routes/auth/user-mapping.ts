import type { RequestOrigin, Session, User } from '@charter/core';
import type { UserBody } from '@charter/contracts';
import type { FastifyRequest } from 'fastify';
import { proxyCountryOf } from '../../plugins/client-country.js';
import type { RouteContext } from '../route-context.js';

/** Facts about a user kept outside the user record. */
export interface UserFacts {
  isTwoFactorEnabled: boolean;
  hasPassword: boolean;
}

/** Domain user → wire shape. Never the password hash, lock or deletion internals. */
export function toUserBody(user: User, facts: UserFacts): UserBody {
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
    two_factor_enabled: facts.isTwoFactorEnabled,
    has_password: facts.hasPassword,
    created_at: user.createdAt.toISOString(),
  };
}

/** A user's wire shape, with the facts read from where they are kept. */
export async function userBodyOf(context: Pick<RouteContext, 'isTwoFactorEnabled' | 'hasPassword'>, user: User): Promise<UserBody> {
  const [isTwoFactorEnabled, hasPassword] = await Promise.all([context.isTwoFactorEnabled(user.id), context.hasPassword(user.id)]);
  return toUserBody(user, { isTwoFactorEnabled, hasPassword });
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
