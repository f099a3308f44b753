import { type CryptoKey, decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ApiKeysService } from '../../../src/api-keys/api-keys.service.js';
import { startOidcProvider, TestOidcProvider } from '../../support/oidc.js';
import { createTestApp, TestApp } from '../../setup/test-app.js';

const AUDIENCE = 'urn:rapport:owasp-api2';
const TRUSTED_KID = 'owasp-trusted-key';

/**
 * OWASP API Security Top 10 2023 — API2: Broken Authentication.
 *
 * Bearer tokens: the app trusts a REAL oidc-provider (test/support/oidc.ts) as OIDC_ISSUER. To test each claim
 * check on its own (a forged token that fails on its signature proves nothing about `nbf` or `iss`), the app
 * reads its keys through OIDC_JWKS_URI from a small JWKS server in this file that publishes the provider's own
 * keys plus one key this test holds (TRUSTED_KID). A token signed with that key and correct claims is accepted
 * (the control); the same token with one claim wrong must be a 401.
 */
describe('OWASP API2 — authentication', () => {
  let idp: TestOidcProvider;
  let t: TestApp;
  let jwksServer: Server;
  let trustedKey: CryptoKey;
  let providerJwks: { keys: JWK[] };

  const bearer = (token: string) => t.request().get('/api/v1/users').set('Authorization', `Bearer ${token}`);
  const expect401 = async (token: string) => {
    const res = await bearer(token);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(res.headers['www-authenticate']).toMatch(/Bearer/);
    expect(JSON.stringify(res.body)).not.toMatch(/"items"/);
  };
  const now = () => Math.floor(Date.now() / 1000);
  /** An admin token signed with the trusted key; `claims` and `header` override the correct values. */
  const trusted = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    new SignJWT({ iss: idp.issuer, aud: AUDIENCE, sub: `owasp-${randomUUID()}`, roles: ['admin'], iat: now(), exp: now() + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: TRUSTED_KID, ...header })
      .sign(trustedKey);

  beforeAll(async () => {
    idp = await startOidcProvider({ audience: AUDIENCE });
    providerJwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: JWK[] };
    const pair = await generateKeyPair('RS256', { extractable: true });
    trustedKey = pair.privateKey;
    const trustedJwk = { ...(await exportJWK(pair.publicKey)), kid: TRUSTED_KID, use: 'sig', alg: 'RS256' };
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [...providerJwks.keys, trustedJwk] }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
    t = await createTestApp({ env: { OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URI: jwksUri, OIDC_ROLES_CLAIM: 'roles' } });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.stop();
    await new Promise((r) => jwksServer?.close(r));
  });

  describe('bearer tokens', () => {
    it('should accept the controls: a provider-issued admin token and a correct token signed with the trusted key', async () => {
      await bearer(await idp.staffToken({ subject: `ctl-${randomUUID()}`, roles: 'admin' })).expect(200);
      await bearer(await trusted()).expect(200);
    });

    it('should refuse an expired token (provider-issued, and trusted-key-signed beyond the clock tolerance)', async () => {
      const fromProvider = await idp.staffToken({ subject: 'mallory', roles: 'admin', expired: true });
      expect(decodeJwt(fromProvider).exp!).toBeLessThan(now());
      await expect401(fromProvider);
      await expect401(await trusted({ iat: now() - 600, exp: now() - 60 }));
    });

    it('should refuse a token that is not yet valid (nbf an hour in the future)', async () => {
      await expect401(await trusted({ nbf: now() + 3600 }));
    });

    it('should refuse a token issued more than a day ago even if its exp is far ahead (maxAge)', async () => {
      await expect401(await trusted({ iat: now() - 2 * 86_400, exp: now() + 3600 }));
    });

    it('should refuse a token from the wrong issuer, signed with a trusted key', async () => {
      await expect401(await trusted({ iss: 'https://idp.attacker.example' }));
      await expect401(await trusted({ iss: `${idp.issuer}/` }));
    });

    it('should refuse a token for the wrong audience (provider-issued for another API, and trusted-key-signed)', async () => {
      const other = await idp.staffToken({ subject: 'mallory', roles: 'admin', resource: idp.otherAudience });
      expect(decodeJwt(other).aud).toBe(idp.otherAudience);
      await expect401(other);
      await expect401(await trusted({ aud: 'urn:example:other-api' }));
      await expect401(await trusted({ aud: undefined }));
    });

    it('should refuse alg "none" (unsigned token with otherwise perfect claims)', async () => {
      const good = decodeJwt(await trusted());
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      await expect401(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`);
      await expect401(`${b64({ alg: 'none', typ: 'JWT', kid: TRUSTED_KID })}.${b64(good)}.`);
      await expect401(`${b64({ alg: 'NONE', kid: TRUSTED_KID })}.${b64(good)}.`);
    });

    it("should refuse HS256 signed with the provider's public key (PEM, DER and JWK forms) as the HMAC secret", async () => {
      const providerKey = providerJwks.keys[0];
      const pub = createPublicKey({ key: providerKey as never, format: 'jwk' });
      const secrets = [
        new TextEncoder().encode(pub.export({ type: 'spki', format: 'pem' }).toString()),
        new TextEncoder().encode(pub.export({ type: 'pkcs1', format: 'pem' }).toString()),
        new Uint8Array(pub.export({ type: 'spki', format: 'der' })),
        new TextEncoder().encode(JSON.stringify(providerKey)),
      ];
      const claims = decodeJwt(await trusted());
      for (const secret of secrets) {
        for (const kid of [providerKey.kid, TRUSTED_KID]) {
          await expect401(await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', kid }).sign(secret));
        }
      }
    });

    it('should refuse a token whose kid is unknown, or that names no kid, signed with an untrusted key', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const claims = decodeJwt(await trusted());
      await expect401(await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256', kid: `unknown-${randomUUID()}` }).sign(privateKey));
      await expect401(await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey));
      // A known kid does not make another key's signature valid.
      await expect401(await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256', kid: TRUSTED_KID }).sign(privateKey));
    });

    it('should refuse a token whose payload was changed after signing (role raised from staff to admin)', async () => {
      const genuine = await trusted({ roles: ['staff'] });
      await bearer(genuine).expect(403);
      const [h, , s] = genuine.split('.');
      const raised = Buffer.from(JSON.stringify({ ...decodeJwt(genuine), roles: ['admin'] })).toString('base64url');
      await expect401(`${h}.${raised}.${s}`);
    });
  });

  describe('API keys', () => {
    const withKey = (key: string) => t.request().get('/api/v1/users').set('X-API-Key', key);
    const expect401 = async (key: string) => {
      const res = await withKey(key);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    };
    const createKey = async (extra: Record<string, unknown> = {}) =>
      (await t.api().post('/api-keys', { name: `api2 ${randomUUID()}`, role: 'admin', ...extra }).expect(201)).body as { id: string; key: string; version: number };

    it('should refuse a revoked key at once, also while it is cached as valid', async () => {
      const k = await createKey();
      await withKey(k.key).expect(200); // now in the authentication cache
      await t.api().delete(`/api-keys/${k.id}`).set('If-Match', `"${k.version}"`).expect(204);
      await expect401(k.key);
      expect((await t.sql<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [k.id]))[0].revoked_at).not.toBeNull();
    });

    it('should refuse a key whose expiresAt has passed, also while it is cached as valid', async () => {
      const k = await createKey({ expiresAt: new Date(Date.now() + 1500).toISOString() });
      await withKey(k.key).expect(200); // cached, with its expiry
      await new Promise((r) => setTimeout(r, 1700));
      await expect401(k.key);
    });

    it('should refuse a key created with an expiresAt already in the past, and one expired in the database', async () => {
      const past = await t.api().post('/api-keys', { name: 'already expired', role: 'admin', expiresAt: new Date(Date.now() - 60_000).toISOString() });
      if (past.status === 201) await expect401(past.body.key as string);
      else expect(past.status).toBe(400);
      const k = await createKey({ expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      await t.sql(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [k.id]);
      await expect401(k.key);
    });

    it('should refuse the key of a deactivated user', async () => {
      const u = await t.api().post('/users', { name: 'Leaver', email: `leaver-${randomUUID().slice(0, 6)}@example.test`, role: 'staff' }).expect(201);
      const k = await createKey({ role: 'staff', userId: u.body.id });
      await t.sql('UPDATE users SET active = false WHERE id = $1', [u.body.id]);
      const res = await t.request().get('/api/v1/contacts').set('X-API-Key', k.key);
      expect(res.status).toBe(401);
    });

    it('should refuse a key with a valid prefix and a wrong tail (and its truncations and extensions)', async () => {
      const { key } = await createKey();
      await withKey(key).expect(200);
      const flip = (c: string) => (c === 'A' ? 'B' : 'A');
      const variants = [
        key.slice(0, -1) + flip(key.slice(-1)),
        key.slice(0, 12) + 'A'.repeat(key.length - 12),
        key.slice(0, 12) + key.slice(13) + flip(key[12]),
        key.slice(0, -1),
        key.slice(0, 12),
        `${key}A`,
        key.toUpperCase(),
        key.toLowerCase(),
      ].filter((v) => v !== key);
      for (const v of variants) await expect401(v);
    });

    /*
     * Constant-time comparison. A timing assertion over HTTP cannot catch the bug it is meant for: a lookup that
     * short-circuits on the key's public prefix saves one index probe (microseconds), hidden in the ~1 ms of
     * each HTTP round trip and in the noise of a shared 2-core machine, so a "within 3×" ratio would pass with
     * the bug planted (it cannot fail) and could still flake under load. So instead the test checks what makes
     * the comparison constant-time, where it can fail:
     *   1. the database is asked exactly the same thing for an unknown key and for a key with a known prefix and
     *      a wrong tail: one query, the same SQL, whose only parameter is the SHA-256 of the WHOLE presented key
     *      (no query by prefix, no second query when the prefix matches);
     *   2. the stored value is that hash (never the key), and the final comparison is crypto.timingSafeEqual
     *      over hash bytes, not a string `===` on the key.
     */
    it('should look a key up only by the hash of the whole key, identically for an unknown key and a known-prefix wrong-tail key', async () => {
      const { id, key } = await createKey();
      const service = t.app.get(ApiKeysService);
      const dataSource = (service as unknown as { tx: { dataSource: { query: (sql: string, params?: unknown[]) => Promise<unknown> } } }).tx.dataSource;
      const trace = async (presented: string) => {
        const calls: { sql: string; params: unknown[] }[] = [];
        const original = dataSource.query;
        dataSource.query = (sql: string, params?: unknown[]) => {
          // The data source is shared with background jobs (webhook sender…): keep what touches the keys.
          if (/api_keys/.test(sql)) calls.push({ sql, params: params ?? [] });
          return original.call(dataSource, sql, params);
        };
        try {
          expect(await service.authenticate(presented)).toBeNull();
        } finally {
          dataSource.query = original;
        }
        return calls;
      };
      const sha = (k: string) => createHash('sha256').update(k, 'utf8').digest('hex');
      const unknown = `rapk_${'Z'.repeat(key.length - 5)}`;
      const wrongTail = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const a = await trace(unknown);
      const b = await trace(wrongTail);
      expect(a).toHaveLength(1);
      expect(b.map((c) => c.sql)).toEqual(a.map((c) => c.sql));
      expect(a[0].params).toEqual([sha(unknown)]);
      expect(b[0].params).toEqual([sha(wrongTail)]);
      expect(b[0].sql).not.toMatch(/prefix/i);

      const [row] = await t.sql<{ key_hash: string; prefix: string }>('SELECT key_hash, prefix FROM api_keys WHERE id = $1', [id]);
      expect(row.key_hash).toBe(sha(key));
      expect(JSON.stringify(await t.sql('SELECT * FROM api_keys WHERE id = $1', [id]))).not.toContain(key.slice(12));

      const source = readFileSync(path.join(process.cwd(), 'src', 'api-keys', 'api-keys.service.ts'), 'utf8');
      const authenticate = source.slice(source.indexOf('async authenticate('), source.indexOf('async principalForOauthClient('));
      expect(authenticate).toMatch(/timingSafeEqual\(\s*Buffer\.from\(row\.key_hash, 'hex'\),\s*presentedHash\s*\)/);
      expect(authenticate).not.toMatch(/[!=]==?\s*presented\b|\bpresented\s*[!=]==?/);
    });
  });
});
