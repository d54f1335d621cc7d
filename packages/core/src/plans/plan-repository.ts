import type { BillingOwner } from '../limits/billing-owner.js';
import type { Plan, PlanAssignment } from './plan.js';

/** Port: persistence of plans and of which owner is on which plan. */
export interface PlanRepository {
  /** Insert a plan; throws `conflict` when the id exists. */
  insert(plan: Plan): Promise<void>;
  /** Insert those plans whose id does not exist yet, leaving existing ones untouched; returns the ids inserted. Safe under concurrent starts. */
  insertMissing(plans: readonly Plan[]): Promise<string[]>;
  /**
   * Replace a plan's fields (not its id or creation time) if it was last updated at `expectedUpdatedAt`; false
   * (and no change) when it does not exist or was changed since, so concurrent updates cannot overwrite each other.
   */
  update(plan: Plan, expectedUpdatedAt: Date): Promise<boolean>;
  /** Delete a plan; false when it does not exist; throws `PlanInUseError` when owners are assigned to it. */
  delete(planId: string): Promise<boolean>;
  findById(planId: string): Promise<Plan | undefined>;
  /** Every plan, ordered by id. */
  list(): Promise<Plan[]>;
  /** Put an owner on a plan, replacing any earlier assignment; throws `not_found` for an unknown plan. */
  assign(assignment: PlanAssignment): Promise<void>;
  /** Take an owner off its plan (back to the default); with `planId`, only when it is on that plan. False when nothing was removed. */
  unassign(owner: BillingOwner, options?: { planId?: string }): Promise<boolean>;
  /** An owner's assignment with its plan, or undefined when the owner has none. */
  findAssignment(owner: BillingOwner): Promise<{ assignment: PlanAssignment; plan: Plan } | undefined>;
  /** Assignments, optionally of one plan, ordered by owner. */
  listAssignments(query: { planId?: string; limit?: number }): Promise<PlanAssignment[]>;
}
