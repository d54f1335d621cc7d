/** Lifecycle states of an account (ACC-10); every change is kept with its reason and actor. */
export const accountStatuses = ['active', 'restricted', 'suspended', 'terminated'] as const;
/**
 * `active`: full use. `restricted`: may sign in, manage security and take data out, but not call models or
 * create keys. `suspended`: nothing authenticates. `terminated`: nothing authenticates and the identity may
 * never register again.
 */
export type AccountStatus = (typeof accountStatuses)[number];

/** Staff roles with least privilege (ADM-6). */
export const staffRoles = ['support', 'moderator', 'billing', 'data_protection_officer', 'superadmin'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** A person with an account. */
export interface User {
  id: string;
  /** Lower-cased email; null only for the instance owner created at first start. */
  email: string | null;
  displayName: string;
  /** `owner` is the instance owner created at first start. */
  role: 'owner' | 'member';
  status: AccountStatus;
  /** When the email address was proven by a verification link (ACC-1); null until then. */
  emailVerifiedAt: Date | null;
  /** Declared country, ISO 3166-1 alpha-2 (ACC-1, ACC-2). */
  country: string | null;
  /** Declared subdivision, ISO 3166-2 (e.g. `UA-43`), when the country needs one for eligibility. */
  region: string | null;
  /** Staff role, when the person operates the service. */
  staffRole: StaffRole | null;
  /** Set when the holder reported a compromise (ACC-8): nothing authenticates until recovery. */
  lockedAt: Date | null;
  /** Set when the holder deleted the account (ACC-9): nothing authenticates afterwards. */
  deletionRequestedAt: Date | null;
  createdAt: Date;
}

/** Whether anything (session, key, password) may authenticate as this user now. */
export function canAuthenticate(user: Pick<User, 'status' | 'lockedAt' | 'deletionRequestedAt'>): boolean {
  return (user.status === 'active' || user.status === 'restricted') && user.lockedAt === null && user.deletionRequestedAt === null;
}

/** Whether this user may use the models and create keys (authenticated and not restricted). */
export function canUseService(user: Pick<User, 'status' | 'lockedAt' | 'deletionRequestedAt'>): boolean {
  return canAuthenticate(user) && user.status === 'active';
}

/** A user record with the defaults of a fresh, active account for every field not given. */
export function newUserRecord(fields: Pick<User, 'id' | 'email' | 'displayName' | 'role' | 'createdAt'> & Partial<User>): User {
  return { status: 'active', emailVerifiedAt: null, country: null, region: null, staffRole: null, lockedAt: null, deletionRequestedAt: null, ...fields };
}
