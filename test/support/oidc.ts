import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

/** The real OpenID provider of the tests (test/support/oidc-provider.mjs), in its own process. */
export interface TestOidcProvider {
  issuer: string;
  audience: string;
  /** Another API's resource indicator the provider also issues tokens for (wrong audience for Rapport). */
  otherAudience: string;
  /** OAuth 2.0 client-credentials grant at the token endpoint. */
  clientCredentialsToken: (clientId: string, options?: { resource?: string }) => Promise<string>;
  /** A staff member's access token (test-only grant standing in for the interactive sign-in). */
  staffToken: (options: { subject: string; roles?: string; name?: string; email?: string; expired?: boolean; resource?: string }) => Promise<string>;
  stop: () => Promise<void>;
}

const SCRIPT = path.join(process.cwd(), 'test', 'support', 'oidc-provider.mjs');

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startOidcProvider(options: { audience: string; rolesClaim?: string }): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), AUDIENCE: options.audience, ROLES_CLAIM: options.rolesClaim ?? 'roles' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited: number | null | undefined;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );

  // Ready when the discovery document answers.
  for (let attempt = 0; ; attempt++) {
    if (exited !== undefined) throw new Error(`oidc-provider exited with ${exited} before it was ready:\n${output}`);
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && ((await res.json()) as { issuer?: string }).issuer === issuer) break;
    } catch {
      /* not listening yet */
    }
    if (attempt > 200) {
      child.kill('SIGKILL');
      throw new Error(`oidc-provider did not answer its discovery document within 20 s:\n${output}`);
    }
    await sleep(100);
  }

  const token = async (clientId: string, params: Record<string, string>): Promise<string> => {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientId}-secret`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(params).toString(),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!res.ok || !body.access_token) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
    return body.access_token;
  };

  return {
    issuer,
    audience: options.audience,
    otherAudience: 'urn:example:other-api',
    clientCredentialsToken: (clientId, o = {}) =>
      token(clientId, { grant_type: 'client_credentials', scope: 'api', ...(o.resource ? { resource: o.resource } : {}) }),
    staffToken: (o) =>
      token('staff-app', {
        grant_type: 'urn:rapport:test:staff',
        subject: o.subject,
        ...(o.roles !== undefined ? { roles: o.roles } : {}),
        ...(o.name ? { name: o.name } : {}),
        ...(o.email ? { email: o.email } : {}),
        ...(o.expired ? { expired: 'true' } : {}),
        ...(o.resource ? { resource: o.resource } : {}),
      }),
    stop: async () => {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(killer);
    },
  };
}
