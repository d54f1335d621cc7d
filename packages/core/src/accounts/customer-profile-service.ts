import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { CharterError, InvalidRequestError, NotFoundError, PermissionDeniedError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import type { StaffMember } from './admin-access-policy.js';
import { emptyCustomerProfile, profileVerificationStatuses, type CustomerProfile, type CustomerProfileFields, type PostalAddress, type ProfileVerificationStatus } from './customer-profile.js';
import type { CustomerProfileRepository } from './customer-profile-repository.js';
import type { UserRepository } from './user-repository.js';

export interface CustomerProfileServiceOptions {
  profiles: CustomerProfileRepository;
  users: UserRepository;
  audit: AuditLog;
  clock: Clock;
}

export interface VerificationDecision {
  status: ProfileVerificationStatus;
  note: string | null;
  /** The revision the staff member reviewed; refused with `conflict` when the customer changed it since. */
  revision?: number | null;
}

/** Wire names of the fields, for `param` in errors and for the audit record of what changed. */
const fieldNames: Record<keyof CustomerProfileFields, string> = {
  fullName: 'name',
  contactPerson: 'contact_person',
  phone: 'phone',
  address: 'address',
  companyName: 'company_name',
  companyRegistrationNumber: 'company_registration_number',
};

const controlCharacters = /[\u0000-\u001f\u007f]/u;
const phonePattern = /^\+?[0-9][0-9 ()./-]{3,30}$/u;

/** Trimmed text (empty → null), or `invalid_request_error` naming the field. */
function text(value: string | null | undefined, param: string, maximumLength: number): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length === 0) return null;
  if (trimmed.length > maximumLength) throw new InvalidRequestError(`Use at most ${maximumLength} characters.`, param);
  if (controlCharacters.test(trimmed)) throw new InvalidRequestError('Remove line breaks and control characters.', param);
  return trimmed;
}

function address(value: PostalAddress | null): PostalAddress | null {
  if (value === null) return null;
  const country = value.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new InvalidRequestError('The country must be an ISO 3166-1 alpha-2 code.', 'address.country');
  return {
    line1: text(value.line1, 'address.line1', 200),
    line2: text(value.line2, 'address.line2', 200),
    city: text(value.city, 'address.city', 100),
    postalCode: text(value.postalCode, 'address.postal_code', 20),
    region: text(value.region, 'address.region', 100),
    country,
  };
}

/** The validated, normalised form of what a customer submitted. */
export function normalizeProfileFields(fields: CustomerProfileFields): CustomerProfileFields {
  const phone = text(fields.phone, 'phone', 32);
  if (phone !== null && !phonePattern.test(phone)) throw new InvalidRequestError('Enter a phone number of digits, with an optional leading + (e.g. +49 30 1234567).', 'phone');
  return {
    fullName: text(fields.fullName, 'name', 200),
    contactPerson: text(fields.contactPerson, 'contact_person', 200),
    phone,
    address: address(fields.address),
    companyName: text(fields.companyName, 'company_name', 200),
    companyRegistrationNumber: text(fields.companyRegistrationNumber, 'company_registration_number', 100),
  };
}

function changedFields(before: CustomerProfileFields, after: CustomerProfileFields): string[] {
  return (Object.keys(fieldNames) as Array<keyof CustomerProfileFields>).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).map((key) => fieldNames[key]);
}

/**
 * The customer profile (ACC-6): kept current by the customer, verified by staff. Any change by the customer
 * resets a verification (staff verified the old details, not the new ones). The audit log records which
 * fields changed and who decided what, never the values: they are personal data the log would keep for years.
 */
export class CustomerProfileService {
  readonly #options: CustomerProfileServiceOptions;

  constructor(options: CustomerProfileServiceOptions) {
    this.#options = options;
  }

  /** The user's profile (empty until saved). Owner scoping: callers pass the signed-in user's own id. */
  async get(userId: string): Promise<CustomerProfile> {
    return (await this.#options.profiles.find(userId)) ?? emptyCustomerProfile(userId);
  }

  /** Replace the profile's fields with what the customer submitted. */
  async update(userId: string, submitted: CustomerProfileFields, actor: AuditActor): Promise<CustomerProfile> {
    const { profiles, audit, clock } = this.#options;
    const fields = normalizeProfileFields(submitted);
    const current = await this.get(userId);
    const changed = changedFields(current, fields);
    if (changed.length === 0) return current;
    const now = clock();
    const isVerificationReset = current.verification.status !== 'unverified';
    const next: CustomerProfile = {
      ...current,
      ...fields,
      revision: current.revision + 1,
      verification: isVerificationReset ? { status: 'unverified', note: null, changedByUserId: null, changedAt: now } : current.verification,
      createdAt: current.createdAt ?? now,
      updatedAt: now,
    };
    if (!(await profiles.save(next, current.revision))) throw new CharterError('conflict', 'Your profile was changed meanwhile (in another tab?). Reload it and try again.');
    await audit.append({
      action: 'user.profile_updated',
      actor,
      targetType: 'user',
      targetId: userId,
      details: { fields: changed.join(','), revision: next.revision, verificationReset: isVerificationReset },
      occurredAt: now,
    });
    return next;
  }

  /** Staff set the verification status of another person's profile (needs `profiles.verify`). */
  async setVerification(userId: string, decision: VerificationDecision, staff: StaffMember, actor: AuditActor): Promise<CustomerProfile> {
    const { profiles, users, audit, clock } = this.#options;
    if (!profileVerificationStatuses.includes(decision.status)) throw new InvalidRequestError(`The status must be one of ${profileVerificationStatuses.join(', ')}.`, 'status');
    const note = text(decision.note, 'note', 1000);
    if (!(await users.findById(userId))) throw new NotFoundError('User', 'user_id');
    if (userId === staff.userId) throw new PermissionDeniedError('You cannot verify your own profile.');
    const current = await this.get(userId);
    if (current.revision === 0) throw new InvalidRequestError('This customer has not filled in a profile yet.', 'user_id');
    if (decision.revision !== undefined && decision.revision !== null && decision.revision !== current.revision) {
      throw new CharterError('conflict', `The customer changed the profile since revision ${decision.revision} (now ${current.revision}). Review it again.`, { param: 'revision' });
    }
    const now = clock();
    // The revision stays: the customer's details did not change, so a verification names the version it covers.
    const next: CustomerProfile = { ...current, verification: { status: decision.status, note, changedByUserId: staff.userId, changedAt: now } };
    if (!(await profiles.save(next, current.revision))) throw new CharterError('conflict', 'The customer changed the profile meanwhile. Review it again.', { param: 'revision' });
    await audit.append({
      action: 'user.profile_verification_changed',
      actor,
      targetType: 'user',
      targetId: userId,
      details: { fromStatus: current.verification.status, toStatus: decision.status, revision: current.revision, staffRole: staff.role },
      occurredAt: now,
    });
    return next;
  }
}
