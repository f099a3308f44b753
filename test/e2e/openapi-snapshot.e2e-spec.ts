import type { OpenAPIObject } from '@nestjs/swagger';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildOpenApiDocument } from '../../src/app.setup.js';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { loadSwaggerPluginMetadata } from '../support/swagger-plugin-metadata.js';

/**
 * The public contract's machine-readable form does not change by accident: the document the app serves is compared
 * with test/fixtures/openapi.json, which was generated before the issue 10 refactor (no behaviour change). A change
 * to the API that is meant updates the fixture in the same commit, so that the diff shows it:
 *   UPDATE_OPENAPI_FIXTURE=1 npm run test:e2e -- test/e2e/openapi-snapshot
 */
const FIXTURE = path.join(process.cwd(), 'test', 'fixtures', 'openapi.json');

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await createTestApp();
    // The DTO schemas and parameters as production builds them (the @nestjs/swagger CLI plugin's metadata).
    await loadSwaggerPluginMetadata();
    document = JSON.parse(JSON.stringify(buildOpenApiDocument(t.app))) as OpenAPIObject;
    if (process.env.UPDATE_OPENAPI_FIXTURE === '1' && !process.env.CI) {
      fs.writeFileSync(FIXTURE, `${JSON.stringify(document, null, 2)}\n`);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should serve the document the fixture records, path by path', () => {
    const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as OpenAPIObject;
    expect(Object.keys(document.paths).sort()).toEqual(Object.keys(fixture.paths).sort());
    for (const p of Object.keys(fixture.paths)) expect({ [p]: document.paths[p] }).toEqual({ [p]: fixture.paths[p] });
    expect(document.components).toEqual(fixture.components);
    expect(document).toEqual(fixture);
  });
});
