import type { CustomerProfileBody, UpdateCustomerProfileRequestBody } from '@charter/contracts';
import type { AccountStatusChange, CustomerProfile, CustomerProfileFields } from '@charter/core';

/** Domain profile → wire shape. The staff note goes only to staff (`isForStaff`). */
export function toCustomerProfileBody(profile: CustomerProfile, email: string | null, options: { isForStaff: boolean }): CustomerProfileBody {
  const { address, verification } = profile;
  return {
    object: 'customer_profile',
    user_id: profile.userId,
    name: profile.fullName,
    contact_person: profile.contactPerson,
    email,
    phone: profile.phone,
    address: address && { line1: address.line1, line2: address.line2, city: address.city, postal_code: address.postalCode, region: address.region, country: address.country },
    company_name: profile.companyName,
    company_registration_number: profile.companyRegistrationNumber,
    revision: profile.revision,
    verification: {
      status: verification.status,
      ...(options.isForStaff ? { note: verification.note } : {}),
      changed_at: verification.changedAt?.toISOString() ?? null,
    },
    updated_at: profile.updatedAt?.toISOString() ?? null,
  };
}

/** Wire body → the fields core validates. */
export function toCustomerProfileFields(body: UpdateCustomerProfileRequestBody): CustomerProfileFields {
  const address = body.address;
  return {
    fullName: body.name ?? null,
    contactPerson: body.contact_person ?? null,
    phone: body.phone ?? null,
    address: address
      ? { line1: address.line1 ?? null, line2: address.line2 ?? null, city: address.city ?? null, postalCode: address.postal_code ?? null, region: address.region ?? null, country: address.country }
      : null,
    companyName: body.company_name ?? null,
    companyRegistrationNumber: body.company_registration_number ?? null,
  };
}

export function toStatusChangeBody(change: AccountStatusChange) {
  return {
    object: 'account_status_change' as const,
    id: change.id,
    from_status: change.fromStatus,
    to_status: change.toStatus,
    reason: change.reason,
    actor_user_id: change.actorUserId,
    occurred_at: change.occurredAt.toISOString(),
  };
}
