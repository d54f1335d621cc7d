import type { ApiKey, IssuedApiKey } from '../api-keys/api-key.js';
import type { ApiKeyService, CreateApiKeyInput, UpdateApiKeyInput } from '../api-keys/api-key-service.js';
import type { AuditActor } from '../audit/audit-event.js';
import { NotFoundError, PermissionDeniedError } from '../errors.js';
import { type ActingMember, assertActingPermission } from './organization-access.js';
import { OrganizationPermissionError } from './organization-errors.js';
import { isAllowed } from './organization-permissions.js';
import type { OrganizationRepository } from './organization-repository.js';

/**
 * API keys of an organisation (ACC-7). A key created while acting for an organisation belongs to it, held by
 * the member who created it. Members who may read all keys (`api_keys.read_all`) see and, with
 * `api_keys.revoke_all`, revoke every key of the organisation; others see and manage only their own.
 */
export class OrganizationApiKeyService {
  readonly #apiKeys: ApiKeyService;
  readonly #repository: OrganizationRepository;

  constructor(options: { apiKeys: ApiKeyService; repository: OrganizationRepository }) {
    this.#apiKeys = options.apiKeys;
    this.#repository = options.repository;
  }

  create(member: ActingMember, input: Omit<CreateApiKeyInput, 'organizationId'>, actor: AuditActor): Promise<IssuedApiKey> {
    assertActingPermission(member, 'api_keys.create');
    return this.#apiKeys.create(member.userId, { ...input, organizationId: member.organizationId }, actor);
  }

  list(member: ActingMember): Promise<ApiKey[]> {
    return isAllowed(member.role, 'api_keys.read_all') ? this.#repository.listKeys(member.organizationId) : this.#repository.listKeys(member.organizationId, member.userId);
  }

  /** One key the member may see; `not_found` for keys of others (without `read_all`) and of other organisations. */
  async get(member: ActingMember, apiKeyId: string): Promise<ApiKey> {
    const apiKey = await this.#repository.findKey(member.organizationId, apiKeyId);
    if (!apiKey || (apiKey.ownerUserId !== member.userId && !isAllowed(member.role, 'api_keys.read_all'))) throw new NotFoundError('API key', 'key_id');
    return apiKey;
  }

  async revoke(member: ActingMember, apiKeyId: string, actor: AuditActor): Promise<ApiKey> {
    const apiKey = await this.get(member, apiKeyId);
    if (apiKey.ownerUserId !== member.userId && !isAllowed(member.role, 'api_keys.revoke_all')) throw new OrganizationPermissionError(member.role, 'api_keys.revoke_all');
    return this.#apiKeys.revoke(apiKey.ownerUserId, apiKey.id, actor);
  }

  /** The key's holder may rename or throttle it; so may whoever may revoke every key of the organisation. */
  async update(member: ActingMember, apiKeyId: string, changes: UpdateApiKeyInput, actor: AuditActor): Promise<ApiKey> {
    const apiKey = await this.get(member, apiKeyId);
    if (apiKey.ownerUserId !== member.userId && !isAllowed(member.role, 'api_keys.revoke_all')) throw new OrganizationPermissionError(member.role, 'api_keys.revoke_all');
    return this.#apiKeys.update(apiKey.ownerUserId, apiKey.id, changes, actor);
  }

  /** Rotation mints a secret, so it is for the key's own holder, and only while their role may create keys. */
  async rotate(member: ActingMember, apiKeyId: string, actor: AuditActor): Promise<IssuedApiKey> {
    const apiKey = await this.get(member, apiKeyId);
    if (apiKey.ownerUserId !== member.userId) throw new PermissionDeniedError('Only the member who holds a key can rotate it; revoke it instead.');
    assertActingPermission(member, 'api_keys.create');
    return this.#apiKeys.rotate(member.userId, apiKey.id, actor);
  }
}
