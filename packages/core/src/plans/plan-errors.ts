import { CharterError } from '../errors.js';

/** A plan that owners are on, or that is the default, cannot be deleted; move them first. */
export class PlanInUseError extends CharterError {
  readonly planId: string;
  constructor(planId: string, reason: 'assigned' | 'default') {
    super(
      'conflict',
      reason === 'default'
        ? `Plan \`${planId}\` is the default plan and cannot be deleted.`
        : `Plan \`${planId}\` is assigned to owners; assign them another plan first.`,
      { param: 'plan_id' },
    );
    this.planId = planId;
  }
}
