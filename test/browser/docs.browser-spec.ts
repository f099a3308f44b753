// The Swagger UI at /docs in a real browser (Debian's Chromium driven by playwright-core): authorise with the
// admin API key, try GET /api/v1/purposes and see a 200. Any console error, page error, failed request or HTTP
// answer >= 400 the page loaded (the favicon included) fails the test.
//
// Without Chromium the test is skipped with a warning on a developer's machine, but fails when CI is set.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../setup/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CI = !!process.env.CI && !['false', '0'].includes(process.env.CI);
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OPERATION_PATH = '/api/v1/purposes';

if (!HAVE_CHROMIUM && !CI) {
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!!  SKIPPED: the /docs browser test needs Chromium at ${CHROMIUM} (not found).`,
      '!!  Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH.',
      '!!  In CI (CI=true) a missing Chromium is a failure, not a skip.',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
  );
}

(HAVE_CHROMIUM || CI ? describe : describe.skip)('/docs in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(
        `CI is set but there is no Chromium at ${CHROMIUM}: .ci/run installs it (apt-get install -y chromium)`,
      );
    }
    t = await createTestApp();
    // Through Nest's own listen and the Node server under it: the same code whatever the HTTP adapter is.
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as AddressInfo | string | null;
    if (!address || typeof address === 'string') {
      throw new Error(`unexpected server address ${String(address)}`);
    }
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Everything that went wrong while the page was open, as readable lines. */
  function watch(page: Page): string[] {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) =>
      problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`),
    );
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
    });
    page.on('request', (r) => {
      // The page must be self-contained: CI has no network, and the docs should not call out anyway.
      if (!r.url().startsWith(`${base}/`) && !r.url().startsWith('data:')) {
        problems.push(`request off the app: ${r.url()}`);
      }
    });
    return problems;
  }

  it('authorises with the admin API key and executes GET /api/v1/purposes (200)', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    const icons: string[] = [];
    page.on('response', (r) => {
      if (/favicon/.test(r.url())) icons.push(`${r.status()} ${r.url()}`);
    });

    const docs = await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
    expect(docs?.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Rapport API' }).waitFor();

    // Authorize → the api-key (X-API-Key) scheme → the admin key → Authorize → Close.
    await page.locator('.auth-wrapper button.authorize').click();
    const scheme = page.locator('.dialog-ux .auth-container').filter({ hasText: 'X-API-Key' });
    await scheme.locator('input').fill(t.adminKey);
    await scheme.getByRole('button', { name: 'Apply credentials' }).click();
    await scheme.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await scheme.locator('button.btn-done').click();
    await page.locator('.dialog-ux').waitFor({ state: 'detached' });

    // Expand the operation, Try it out, Execute.
    const operation = page
      .locator('.opblock-get')
      .filter({ has: page.locator(`.opblock-summary-path[data-path="${OPERATION_PATH}"]`) });
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    const [answer] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === OPERATION_PATH),
      operation.locator('button.execute').click(),
    ]);
    expect(answer.status()).toBe(200);
    expect(await answer.request().headerValue('x-api-key')).toBe(t.adminKey);
    // …and the page shows it.
    const status = operation.locator('.live-responses-table .response .response-col_status');
    await status.waitFor();
    expect((await status.innerText()).trim()).toBe('200');

    // Whatever the page still loads (the favicon comes late) has arrived before the verdict.
    await page.waitForLoadState('networkidle');
    await page.close();
    expect(icons.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
