import { CharterError } from '../errors.js';
import type { ModerationCategory } from './moderation-category.js';

/** A prompt was refused by the content policy (AUP-2); mapped to 400 `content_policy_violation`. */
export class ContentPolicyViolationError extends CharterError {
  readonly categories: readonly ModerationCategory[];
  constructor(categories: readonly ModerationCategory[], param: string) {
    super(
      'content_policy_violation',
      `Your request was rejected by this service's usage policy (${categories.join(', ')}). If you believe this is a mistake, contact the operator.`,
      { param },
    );
    this.categories = categories;
  }
}
