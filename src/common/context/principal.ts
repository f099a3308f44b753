export const ROLES = ['admin', 'staff', 'compliance', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: resolved once per request by the authentication guard. */
export interface Principal {
  /** How the caller proved itself. */
  kind: 'api_key' | 'oidc_user' | 'oidc_client';
  /** The API key id (for API keys and OAuth clients registered on an integration key) or the user id. */
  credentialId: string;
  role: Role;
  /** The staff user behind the credential, if any. */
  userId: string | null;
  /** For `integration`: the one recipient it is bound to. */
  recipientId: string | null;
}

/** The actor id written into audit events: the user when known, else the credential. */
export const actorIdOf = (p: Principal) => p.userId ?? p.credentialId;
