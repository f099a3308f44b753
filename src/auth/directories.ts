import type { Principal, Role } from '../common/context/principal.js';

/**
 * What authentication needs to know about credentials. auth/ declares it and the features that own the data
 * provide it (api-keys: `{ provide: ApiKeyDirectory, useExisting: ApiKeysService }`, users: UserDirectory), so that
 * auth/ imports no feature and features may use auth's decorators without a cycle.
 */
export abstract class ApiKeyDirectory {
  /** The principal of a presented `rapk_…` key, or null when it is unknown, revoked or expired. */
  abstract authenticate(presented: string): Promise<Principal | null>;
  /** The integration principal of an OAuth client registered on an integration key, or null. */
  abstract principalForOauthClient(clientId: string): Promise<Principal | null>;
}

/** A staff member signing in through OpenID Connect: identity = issuer + subject. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  role: Exclude<Role, 'integration'>;
  name?: string;
  email?: string;
}

export abstract class UserDirectory {
  /** Staff signing in through OIDC become users on first sight; answers the user id (401 when deactivated). */
  abstract upsertFromOidc(identity: OidcIdentity): Promise<string>;
}
