import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ApiKeyDirectory, UserDirectory } from './directories.js';
import { UnauthenticatedError } from './errors.js';
import { ForbiddenError } from '../common/errors/domain.error.js';
import { authConfig } from '../config/app.config.js';
import { Principal, ROLES } from './role.js';

/** Only asymmetric algorithms: an HS256 token signed with a public key must never pass. */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

type KeyCallback = (err: Error | null, key?: string | Buffer) => void;
type KeyProvider = (req: unknown, rawJwt: string, done: KeyCallback) => void;

export type OidcClaims = Record<string, unknown> & { iss: string; sub?: string; client_id?: string; azp?: string };

/**
 * `Authorization: Bearer <JWT>` from the organisation's OpenID Connect provider.
 * Signature from the issuer's JWKS (discovered, cached, rate-limited), issuer, audience, expiry and the
 * algorithm allow-list are checked by passport-jwt; the role comes from `OIDC_ROLES_CLAIM`.
 * A client-credentials token whose client is registered on an integration key acts as that key.
 */
@Injectable()
export class OidcStrategy extends PassportStrategy(Strategy, 'oidc') {
  private static readonly logger = new Logger('OidcStrategy');

  constructor(
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly users: UserDirectory,
    private readonly keys: ApiKeyDirectory,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: OidcStrategy.keyProvider(config),
      issuer: config.oidcIssuer ?? 'urn:rapport:oidc-not-configured',
      audience: config.oidcAudience ?? 'urn:rapport:oidc-not-configured',
      algorithms: OIDC_ALGORITHMS as never,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: 5, maxAge: '1d' },
    });
  }

  private static keyProvider(config: ConfigType<typeof authConfig>): KeyProvider {
    let provider: Promise<KeyProvider> | undefined;
    const resolve = async (): Promise<KeyProvider> => {
      let jwksUri = config.oidcJwksUri;
      if (!jwksUri) {
        const url = `${config.oidcIssuer!.replace(/\/$/, '')}/.well-known/openid-configuration`;
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`OIDC discovery answered ${res.status}`);
        jwksUri = ((await res.json()) as { jwks_uri?: string }).jwks_uri;
        if (!jwksUri) throw new Error('OIDC discovery document has no jwks_uri');
      }
      return passportJwtSecret({ jwksUri, cache: true, cacheMaxAge: 10 * 60_000, rateLimit: true, jwksRequestsPerMinute: 10 }) as KeyProvider;
    };
    return (req, rawJwt, done) => {
      if (!config.oidcIssuer) return done(new UnauthenticatedError('Bearer tokens are not enabled (OIDC_ISSUER is not set)'));
      provider ??= resolve().catch((err: Error) => {
        provider = undefined;
        OidcStrategy.logger.warn(`OIDC key discovery failed: ${err.message}`);
        throw err;
      });
      provider.then(
        (p) => p(req, rawJwt, (err, key) => (err ? done(new UnauthenticatedError('The token is not signed by a known key')) : done(null, key))),
        () => done(new UnauthenticatedError('The identity provider cannot be reached to verify the token')),
      );
    };
  }

  async validate(claims: OidcClaims): Promise<Principal> {
    const clientId = claims.client_id ?? claims.azp;
    if (typeof clientId === 'string') {
      const integration = await this.keys.principalForOauthClient(clientId);
      if (integration) return integration;
      // A client-credentials token (no user behind it: no subject, or the client itself as subject) from a
      // client Rapport does not know is an unknown credential, like an unknown API key: 401, not 403.
      if (!claims.sub || claims.sub === clientId || claims.sub === `${clientId}@clients`) {
        throw new UnauthenticatedError(`The OAuth client ${clientId} is not registered in Rapport as an integration`);
      }
    }
    if (!claims.sub) throw new UnauthenticatedError('The token names no subject and no registered integration client');
    const raw = claims[this.config.oidcRolesClaim];
    const claimed = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : []).map(String);
    const role = (['admin', 'compliance', 'staff'] as const).find((r) => claimed.includes(r));
    if (!role) {
      if (claimed.includes('integration') || ROLES.some((r) => claimed.includes(r))) {
        throw new ForbiddenError('Integrations authenticate as a registered OAuth client, not as a user');
      }
      throw new ForbiddenError(`The token's ${this.config.oidcRolesClaim} claim grants no Rapport role`);
    }
    const userId = await this.users.upsertFromOidc({
      issuer: claims.iss,
      subject: claims.sub,
      role,
      name: typeof claims.name === 'string' ? claims.name : undefined,
      email: typeof claims.email === 'string' ? claims.email : undefined,
    });
    return { kind: 'oidc_user', credentialId: userId, role, userId, recipientId: null };
  }
}
