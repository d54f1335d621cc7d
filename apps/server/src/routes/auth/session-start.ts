import { deriveCsrfToken, type OpenedSession, type User } from '@charter/core';
import type { SessionStateBody } from '@charter/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setDeviceCookie, setSessionCookie } from '../../plugins/auth.js';
import type { RouteContext } from '../route-context.js';
import { userBodyOf } from './user-mapping.js';

/**
 * Hand a newly opened session to the browser (every way of signing in ends here): the session and device
 * cookies, and the session state the page needs, with its CSRF token.
 */
export async function startSession(context: RouteContext, request: FastifyRequest, reply: FastifyReply, user: User, opened: OpenedSession, deviceToken: string): Promise<SessionStateBody> {
  const cookieMode = context.config.accounts.cookieSecure;
  setSessionCookie(request, reply, opened.token, opened.session.absoluteExpiresAt, cookieMode);
  setDeviceCookie(request, reply, deviceToken, cookieMode);
  return {
    object: 'session_state',
    user: await userBodyOf(context, user),
    session_id: opened.session.id,
    csrf_token: deriveCsrfToken(opened.token),
  };
}

/** The registration form's fields common to password and SSO sign-up, wire → domain. */
export function toApplicationFields(body: {
  display_name: string;
  date_of_birth: string;
  country: string;
  region?: string | null;
  organization_name?: string | null;
  accept_terms_version: string;
  accept_privacy_version: string;
}) {
  return {
    displayName: body.display_name,
    dateOfBirth: body.date_of_birth,
    country: body.country,
    region: body.region ?? null,
    organizationName: body.organization_name ?? null,
    acceptedTermsVersion: body.accept_terms_version,
    acceptedPrivacyVersion: body.accept_privacy_version,
  };
}
