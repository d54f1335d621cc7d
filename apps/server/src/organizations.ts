import {
  type AccountNotifier,
  type ApiKeyService,
  type AuditLog,
  OrganizationAccess,
  OrganizationApiKeyService,
  OrganizationInvitationService,
  OrganizationService,
  systemClock,
} from '@charter/core';
import { type Database, SqlOrganizationRepository, type SqlUserRepository } from '@charter/storage';

/** Organisations (ACC-7) wired to their storage. */
export interface OrganizationsWiring {
  organizations: OrganizationService;
  invitations: OrganizationInvitationService;
  access: OrganizationAccess;
  apiKeys: OrganizationApiKeyService;
}

export function createOrganizations(options: { database: Database; users: SqlUserRepository; apiKeys: ApiKeyService; notifier: AccountNotifier; audit: AuditLog }): OrganizationsWiring {
  const { database, users, apiKeys, notifier, audit } = options;
  const clock = systemClock;
  const repository = new SqlOrganizationRepository(database.db);
  const organizations = new OrganizationService({ repository, audit, clock });
  return {
    organizations,
    invitations: new OrganizationInvitationService({ repository, organizations, users, notifier, audit, clock }),
    access: new OrganizationAccess({ repository }),
    apiKeys: new OrganizationApiKeyService({ apiKeys, repository }),
  };
}
