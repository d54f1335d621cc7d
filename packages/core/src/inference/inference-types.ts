import type { ChatRequest, GenerationEvent, TextCompletionRequest } from '@charter/engine-spec';
import type { Principal } from '../accounts/principal.js';
import type { AdmissionControl } from '../limits/admission-control.js';
import type { RateLimitHeaderValues } from '../limits/rate-limit-headers.js';
import type { MeteringService } from '../metering/metering-service.js';
import type { UsageRecord } from '../metering/usage-record.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { ModelRoute } from './model-route.js';
import type { RandomSource } from './model-router.js';

/** Who asks, under which request id, and the signal that ends the work. */
export interface RequestContext {
  requestId: string;
  principal: Principal;
  signal: AbortSignal;
  /** False for non-streaming API requests: engines may then generate the answer in one piece. */
  isStreamed?: boolean;
}

/** A chat request addressed to a public model name. */
export type ChatInput = ChatRequest;
/** A text completion request addressed to a public model name. */
export type TextCompletionInput = TextCompletionRequest;

/** A running generation: the events of the chosen engine plus what is known before the first one. */
export interface Generation extends AsyncIterable<GenerationEvent> {
  /** Public model name. */
  readonly model: string;
  /** Notices to show with the answer, e.g. that it is not professional advice (AUP-10). */
  readonly notices: readonly string[];
  /** OpenAI's `x-ratelimit-*` values for the response (empty when limits are off). */
  readonly rateLimitHeaders: RateLimitHeaderValues;
}

/** A public model with its current availability. */
export interface ModelListing {
  name: string;
  contextWindow: number;
  ownedBy: string;
  createdAt: number;
  isAvailable: boolean;
}

export interface InferenceServiceOptions {
  routes: ModelRoute[];
  metering: MeteringService;
  clock: Clock;
  logger: Logger;
  random?: RandomSource;
  /** How often engines are asked for their health; routing reads the last answer. */
  healthRefreshMs?: number;
  /** Called once per request with its usage record (for metrics). */
  onUsage?: (record: UsageRecord) => void;
  /** Acceptable-use checks on inputs and streamed outputs (AUP-2); none when moderation is off. */
  moderation?: ModerationService;
  /** Plans, quotas and rate limits (API-5, API-6, AUP-9); none when limits are off. */
  admission?: AdmissionControl;
  /**
   * Start the engine while the rate-limit reservation is in flight when this node last saw ample room in every
   * window (`AdmissionControl.claimHeadroom`); a refusal cancels the engine call before anything reaches the client.
   * Saves a store round trip of latency (Redis); near a limit the engine is only called once admitted. Default false.
   */
  isAdmissionOverlapped?: boolean;
}
