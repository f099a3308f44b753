import { HttpStatus, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { ApiResponse, SwaggerModule } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The OpenAPI document production serves is built from classes compiled by `nest build`, whose @nestjs/swagger
 * CLI plugin (nest-cli.json) adds every DTO property, query parameter and response type. ts-jest compiles file by
 * file without that plugin, so under jest the document's DTO schemas are nearly empty. This loads the same plugin
 * metadata into the classes jest has loaded (SwaggerModule.loadPluginMetadata, the SWC/jest way), so
 * `buildOpenApiDocument(t.app)` gives the document production gives.
 *
 * Generating it needs a type-checked program of src (tens of seconds on a busy machine), so the result is cached in
 * the temp directory under a hash of every source file and the plugin options.
 */
/** @nestjs/swagger's metadata key of a handler's responses (DECORATORS.API_RESPONSE; the package does not export it). */
const API_RESPONSE = 'swagger/apiResponse';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = path.join(ROOT, 'src');

function sourceHash(pluginOptions: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(pluginOptions));
  const files = fs
    .readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const f of files) hash.update(f).update('\0').update(fs.readFileSync(f)).update('\0');
  return hash.digest('hex').slice(0, 24);
}

async function generate(pluginOptions: Record<string, unknown>, outFile: string): Promise<void> {
  const ts = (await import('typescript')).default;
  const { PluginMetadataGenerator } =
    await import('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js');
  const { ReadonlyVisitor } = await import('@nestjs/swagger/plugin');
  const configFile = path.join(ROOT, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!parsed) throw new Error(`cannot read ${configFile}`);
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: { ...parsed.options, noEmit: true },
  });
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-swagger-meta-'));
  new PluginMetadataGenerator().generate({
    visitors: [new ReadonlyVisitor({ ...pluginOptions, pathToSource: SRC })],
    outputDir: tmpDir,
    filename: 'metadata.ts',
    tsProgramRef: program,
  });
  fs.renameSync(path.join(tmpDir, 'metadata.ts'), outFile);
  fs.rmSync(tmpDir, { recursive: true, force: true });
}

export async function loadSwaggerPluginMetadata(): Promise<void> {
  const nestCli = JSON.parse(fs.readFileSync(path.join(ROOT, 'nest-cli.json'), 'utf8')) as {
    compilerOptions?: { plugins?: (string | { name: string; options?: Record<string, unknown> })[] };
  };
  const plugin = nestCli.compilerOptions?.plugins?.find(
    (p) => (typeof p === 'string' ? p : p.name) === '@nestjs/swagger',
  );
  const pluginOptions = typeof plugin === 'object' ? (plugin.options ?? {}) : {};
  const cached = path.join(os.tmpdir(), `rapport-swagger-metadata-${sourceHash(pluginOptions)}.ts`);
  if (!fs.existsSync(cached)) await generate(pluginOptions, cached);

  // The printed file is `export default async () => { const t = {…await import("./x.js")…}; return {…import("./x.js")…} }`,
  // plain JavaScript apart from the export: its imports are resolved against src, to the modules jest has loaded.
  const text = fs.readFileSync(cached, 'utf8').replace(/^\/\*[^]*?\*\/\s*/, '');
  const body = text
    .replace(/^export default /, 'return ')
    .replace(
      /\bimport\((["'])(\.\/[^"']+)\1\)/g,
      (_m, _q, spec: string) => `__load(${JSON.stringify(spec)})`,
    );
  const load = (spec: string) => import(path.join(SRC, spec.replace(/\.js$/, '.ts')));
  const metadataFn = new Function('__load', body)(load) as () => Promise<Record<string, unknown>>;
  const metadata = await metadataFn();
  await SwaggerModule.loadPluginMetadata(() => Promise.resolve(metadata));
  await applySuccessResponses(metadata);
}

type ControllerMeta = [Promise<Record<string, unknown>>, Record<string, Record<string, Record<string, unknown>>>][];

/**
 * Compiled, the plugin adds each handler's success response (`@ApiResponse({status, type})`, the status from
 * `@HttpCode` or the HTTP method) next to the handler's own `@ApiResponse`s. Loaded as metadata, @nestjs/swagger
 * applies it only to handlers that declare no response at all (`overrideExisting: false`), so every handler with a
 * problem response (404, 409, 412…) would lose its 2xx here while production serves it. This adds them the way the
 * compiled plugin does, so the document under jest is the one production serves.
 */
async function applySuccessResponses(metadata: Record<string, unknown>): Promise<void> {
  const controllers = (metadata['@nestjs/swagger'] as { controllers?: ControllerMeta } | undefined)?.controllers ?? [];
  for (const [fileImport, classes] of controllers) {
    const file = await fileImport;
    for (const [className, methods] of Object.entries(classes)) {
      const cls = file[className] as { prototype: Record<string, unknown> } | undefined;
      if (!cls) continue;
      for (const [methodName, meta] of Object.entries(methods)) {
        const { summary: _s, deprecated: _d, tags: _t, ...response } = meta;
        const handler = cls.prototype[methodName];
        if (Object.keys(response).length === 0 || typeof handler !== 'function') continue;
        const status =
          (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
          (Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? HttpStatus.CREATED : HttpStatus.OK);
        const existing = Reflect.getMetadata(API_RESPONSE, handler) as Record<string, unknown> | undefined;
        if (existing?.[String(status)]) continue;
        const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, methodName)!;
        ApiResponse({ status, ...response })(cls.prototype, methodName, descriptor);
      }
    }
  }
}
