#!/usr/bin/env node
// Lints the OpenAPI document the app serves at /openapi.json with Spectral (ruleset: .spectral.yaml, which extends
// spectral:oas and the OWASP API Security ruleset). No database is needed:
//  1. src is compiled the way `nest build` compiles it (TypeScript with the @nestjs/swagger CLI plugin and the
//     options of nest-cli.json) into node_modules/.cache/rapport-openapi-lint/ (dist/ is left alone);
//  2. the AppModule is created in Nest's preview mode (the module graph without instantiating any provider, so
//     nothing connects to PostgreSQL) and buildOpenApiDocument() from src/app.setup.ts builds the document;
//  3. spectral lints it; the exit code is spectral's (1 on any error).
// Usage: node tools/openapi-lint.mjs [extra spectral lint options, e.g. --format json]. The document it lints is
// left at node_modules/.cache/rapport-openapi-lint/openapi.json.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { before as swaggerPlugin } from '@nestjs/swagger/plugin';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'node_modules', '.cache', 'rapport-openapi-lint');

// The document is written to a fixed place: .spectral.yaml's overrides name its operations by this file's path.
const documentFile = path.join(OUT_DIR, 'openapi.json');
const spectralArgs = process.argv.slice(2);

function compile() {
  const nestCli = JSON.parse(fs.readFileSync(path.join(ROOT, 'nest-cli.json'), 'utf8'));
  const plugin = (nestCli.compilerOptions?.plugins ?? []).find(
    (p) => (typeof p === 'string' ? p : p.name) === '@nestjs/swagger',
  );
  const pluginOptions = typeof plugin === 'object' ? (plugin.options ?? {}) : {};
  const configFile = path.join(ROOT, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(d) },
  );
  const options = {
    ...parsed.options,
    outDir: OUT_DIR,
    rootDir: ROOT,
    sourceMap: false,
    incremental: false,
    noEmitOnError: false,
  };
  fs.rmSync(path.join(OUT_DIR, 'src'), { recursive: true, force: true });
  const program = ts.createProgram({ rootNames: parsed.fileNames, options });
  const result = program.emit(undefined, undefined, undefined, false, {
    before: [swaggerPlugin(pluginOptions, program)],
  });
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) fail(errors[0]);
}

function fail(diagnostic) {
  console.error(
    ts.formatDiagnostic(diagnostic, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => ROOT,
      getNewLine: () => '\n',
    }),
  );
  process.exit(2);
}

async function buildDocument() {
  // Configuration is validated when the modules are imported; these values are never used to connect.
  Object.assign(process.env, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://openapi-lint@127.0.0.1:1/none',
    MASTER_KEY: process.env.MASTER_KEY ?? randomBytes(32).toString('base64'),
    WORKERS_ENABLED: 'false',
  });
  const load = (p) => import(pathToFileURL(path.join(OUT_DIR, 'src', p)).href);
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await load('app.module.js');
  const { APP_OPTIONS, buildOpenApiDocument, configureApp } = await load('app.setup.js');
  const app = await NestFactory.create(AppModule, {
    ...APP_OPTIONS,
    preview: true,
    logger: false,
    abortOnError: false,
  });
  // The production setup (global prefix and its exclusions, routes); in preview mode nothing connects anywhere.
  await configureApp(app);
  return buildOpenApiDocument(app);
}

compile();
const document = await buildDocument();
fs.mkdirSync(path.dirname(documentFile), { recursive: true });
fs.writeFileSync(documentFile, `${JSON.stringify(document, null, 2)}\n`);
const spectral = path.join(ROOT, 'node_modules', '.bin', 'spectral');
const run = spawnSync(
  spectral,
  [
    'lint',
    documentFile,
    '--ruleset',
    path.join(ROOT, '.spectral.yaml'),
    '--fail-severity',
    'error',
    ...spectralArgs,
  ],
  {
    stdio: 'inherit',
    cwd: ROOT,
  },
);
process.exit(run.status ?? 1);
