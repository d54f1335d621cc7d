import type { ApiKeyService, ConversationService, ConversationShareService, InferenceService, MessageFeedbackService, MeteringService, ModerationService } from '@charter/core';
import type { AdminAccessPolicy, PlanService, UsageReportService } from '@charter/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsWiring } from '../accounts.js';
import type { OrganizationsWiring } from '../organizations.js';
import type { CharterConfig } from '../config.js';
import type { SsoWiring } from '../sso.js';
import type { ServerMetrics } from '../plugins/metrics.js';

/** The services a route may call. Routes never touch storage or engines directly. */
export interface AppServices {
  apiKeys: ApiKeyService;
  inference: InferenceService;
  metering: MeteringService;
  moderation: ModerationService;
  /** Plans and their assignments (BIL-1). */
  plans: PlanService;
  /** The usage API (API-6): reports and exports of the caller's metering records. */
  usageReports: UsageReportService;
  /** Who may administer the instance. */
  adminAccess: AdminAccessPolicy;
  /** Accounts, sign-in and sessions (ACC-*). */
  accounts: AccountsWiring;
  /** The chat app's conversations (CON-1), shared links (CON-2) and feedback (CON-3). */
  conversations: ConversationService;
  conversationShares: ConversationShareService;
  messageFeedback: MessageFeedbackService;
  /** Organisations, members, invitations and organisation keys (ACC-7). */
  organizations: OrganizationsWiring;
  /** Sign-in with identity providers (ACC-5). */
  sso: SsoWiring;
}

/** What every route plugin is handed by `buildApp`. */
export interface RouteContext {
  services: AppServices;
  metrics: ServerMetrics;
  config: CharterConfig;
  /** preHandler that sets `request.principal` from the bearer key or the session cookie, or throws 401. */
  authenticate: (request: FastifyRequest) => Promise<void>;
  /** preHandler that accepts only the session cookie (the account's own pages). */
  authenticateSession: (request: FastifyRequest) => Promise<void>;
  /** Where people reach the service (links in answers such as shared-conversation URLs). */
  publicUrl: () => string;
  /** Whether the user has a second factor (ACC-4); false until that capability is wired. */
  isTwoFactorEnabled: (userId: string) => Promise<boolean>;
  /** Whether the user has a password (an account made through SSO has none). */
  hasPassword: (userId: string) => Promise<boolean>;
  /** Abort signal of an inference request (client disconnect, deadline), tracked for graceful shutdown. */
  requestSignal: (reply: FastifyReply) => { signal: AbortSignal; dispose(): void };
  /** Count and log a hijacked (streamed) response, which bypasses Fastify's onResponse hook. */
  observeStream: (request: FastifyRequest, status: number) => void;
  /** Whether the service takes traffic (false while shutting down). */
  isReady: () => boolean;
  /** Why there are no models, when there are none. */
  noModelMessage: string | undefined;
  redisPing: (() => Promise<void>) | undefined;
  databasePing: () => Promise<void>;
}
