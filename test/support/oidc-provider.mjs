// A real OpenID provider (npm `oidc-provider` v9) for the end-to-end tests, run as a separate process.
//
//   PORT=<port> AUDIENCE=<rapport audience> ROLES_CLAIM=<claim> node test/support/oidc-provider.mjs
//
// Issuer: http://127.0.0.1:<port>. Access tokens are JWTs (RS256, `typ: at+jwt`) signed with a key generated
// at start-up and published at the JWKS endpoint named by the discovery document.
//
// Clients (all `client_secret_basic`, secret = `<client_id>-secret`):
//   - `hr-tool`, `unknown-tool`: client-credentials grant (machine-to-machine).
//   - `staff-app`: the test-only grant `urn:rapport:test:staff` below.
//
// Resource indicators: AUDIENCE (the default) and `urn:example:other-api` (a token for another API).
//
// `urn:rapport:test:staff` stands in for a staff member's interactive sign-in (authorization code flow with a
// login page): it issues the same kind of JWT access token an interactive sign-in would, for the account
// `subject`, with `name`, `email` and the roles claim (ROLES_CLAIM) set to the space-separated `roles`. It also
// always adds a decoy `roles: ["admin"]` claim when ROLES_CLAIM is not `roles`, so tests prove the configured
// claim is the one read. `expired=true` back-dates the token so it expired ten minutes ago.
import { generateKeyPairSync } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.env.PORT);
if (!port) {
  console.error('PORT is required');
  process.exit(2);
}
const audience = process.env.AUDIENCE ?? 'urn:rapport:api';
const rolesClaim = process.env.ROLES_CLAIM ?? 'roles';
const OTHER_API = 'urn:example:other-api';
const STAFF_GRANT = 'urn:rapport:test:staff';
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

const secretOf = (clientId) => `${clientId}-secret`;
const machineClient = (clientId) => ({
  client_id: clientId,
  client_secret: secretOf(clientId),
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
});

const provider = new Provider(issuer, {
  jwks: { keys: [jwk] },
  clients: [
    machineClient('hr-tool'),
    machineClient('unknown-tool'),
    {
      client_id: 'staff-app',
      client_secret: secretOf('staff-app'),
      grant_types: [STAFF_GRANT],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  scopes: ['openid', 'api'],
  ttl: { AccessToken: 300, ClientCredentials: 300 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, _client, oneOf) => oneOf ?? audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator !== audience && resourceIndicator !== OTHER_API) throw new errors.InvalidTarget();
        return { scope: 'api', audience: resourceIndicator, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  extraTokenClaims: (ctx, token) => {
    if (token.gty !== STAFF_GRANT) return undefined;
    const params = ctx.oidc.params;
    const roles = String(params.roles ?? '').split(/\s+/).filter(Boolean);
    return {
      ...(rolesClaim !== 'roles' ? { roles: ['admin'] } : {}),
      [rolesClaim]: roles,
      ...(params.name ? { name: params.name } : {}),
      ...(params.email ? { email: params.email } : {}),
    };
  },
});

provider.registerGrantType(
  STAFF_GRANT,
  async (ctx) => {
    const { params, client } = ctx.oidc;
    if (!params.subject) throw new errors.InvalidRequest('subject is required');
    const resource = typeof params.resource === 'string' ? params.resource : audience;
    const resourceServerInfo = {
      scope: 'api',
      audience: resource,
      accessTokenFormat: 'jwt',
      accessTokenTTL: 300,
      jwt: { sign: { alg: 'RS256' } },
    };
    if (resource !== audience && resource !== OTHER_API) throw new errors.InvalidTarget();
    const token = new provider.AccessToken({
      accountId: String(params.subject),
      client,
      gty: STAFF_GRANT,
      grantId: `test-${Date.now()}`,
      scope: 'api',
    });
    token.resourceServer = new provider.ResourceServer(resource, resourceServerInfo);
    if (params.expired === 'true') {
      const now = Math.floor(Date.now() / 1000);
      token.iat = now - 1200;
      token.exp = now - 600;
    }
    const value = await token.save();
    ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: 'api' };
  },
  ['subject', 'roles', 'name', 'email', 'expired', 'resource'],
);

provider.on('server_error', (_ctx, err) => console.error('server_error', err));

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
