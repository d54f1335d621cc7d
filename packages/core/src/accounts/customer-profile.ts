/** Where a customer's staff-set verification stands (ACC-6: real-name verification). */
export const profileVerificationStatuses = ['unverified', 'verified', 'rejected'] as const;
export type ProfileVerificationStatus = (typeof profileVerificationStatuses)[number];

/** A postal address; every part optional except that a given address names its country. */
export interface PostalAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  postalCode: string | null;
  /** State, province or county as written locally. */
  region: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** What the customer keeps current themselves (the email is the account's own). */
export interface CustomerProfileFields {
  /** The customer's full (legal) name, for verification and invoices. */
  fullName: string | null;
  contactPerson: string | null;
  phone: string | null;
  address: PostalAddress | null;
  companyName: string | null;
  /** The company's registration number in its commercial register. */
  companyRegistrationNumber: string | null;
}

/** The staff decision on the profile; reset to `unverified` whenever the customer changes a field. */
export interface ProfileVerification {
  status: ProfileVerificationStatus;
  /** Staff note, seen by staff only. */
  note: string | null;
  changedByUserId: string | null;
  changedAt: Date | null;
}

/** A customer's profile (ACC-6). `revision` counts saved changes, so staff verify the version they saw. */
export interface CustomerProfile extends CustomerProfileFields {
  userId: string;
  revision: number;
  verification: ProfileVerification;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** The profile of a customer who has not filled it in yet. */
export function emptyCustomerProfile(userId: string): CustomerProfile {
  return {
    userId,
    fullName: null,
    contactPerson: null,
    phone: null,
    address: null,
    companyName: null,
    companyRegistrationNumber: null,
    revision: 0,
    verification: { status: 'unverified', note: null, changedByUserId: null, changedAt: null },
    createdAt: null,
    updatedAt: null,
  };
}
