/** Legal documents a person accepts (POL-1); versions come from the operator's configuration. */
export type LegalDocumentKind = 'terms' | 'privacy';

/** Where a request came from, for acceptance evidence, sessions and security notices. */
export interface RequestOrigin {
  ipAddress: string;
  userAgent: string | null;
  /** The client's country per a trusted proxy header, only when the operator configured one (ACC-2). */
  proxyCountry?: string | null;
}

/** One acceptance of one document version (POL-3): who, which version, when, from where, how. */
export interface LegalAcceptance {
  id: string;
  userId: string;
  document: LegalDocumentKind;
  version: string;
  acceptedAt: Date;
  ipAddress: string;
  userAgent: string | null;
  /** How the acceptance was given. */
  method: 'registration' | 'sso_registration' | 'reacceptance';
}

/** The versions in force that a new account must accept. */
export interface CurrentLegalVersions {
  terms: string;
  privacy: string;
}
