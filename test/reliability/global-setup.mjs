// Builds the app once for the whole reliability run, the way `npm run build` does (`nest build`, so the Swagger
// CLI plugin's metadata is there, as in production), but into a temporary directory instead of dist/: others may
// build or run dist/ in this tree at the same time. The build gets a package.json ("type": "module") and a
// node_modules link so `node <build>/src/main.js` resolves like `node dist/src/main.js`.
// RAPPORT_RELIABILITY_BUILD=<dir> reuses an existing build (iterating on the tests).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function globalSetup() {
  if (process.env.RAPPORT_RELIABILITY_BUILD) {
    if (!fs.existsSync(path.join(process.env.RAPPORT_RELIABILITY_BUILD, 'src', 'main.js'))) {
      throw new Error(`RAPPORT_RELIABILITY_BUILD=${process.env.RAPPORT_RELIABILITY_BUILD} holds no src/main.js`);
    }
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-reliability-build-'));
  const out = path.join(work, 'build');
  const tsconfig = path.join(work, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(repo, 'tsconfig.build.json'),
      compilerOptions: { outDir: out, incremental: false, sourceMap: false, typeRoots: [path.join(repo, 'node_modules', '@types')] },
    }),
  );
  // The project's nest-cli.json (same plugins), pointed at that tsconfig; nest resolves both paths from the cwd.
  const cli = JSON.parse(fs.readFileSync(path.join(repo, 'nest-cli.json'), 'utf8'));
  cli.compilerOptions = { ...cli.compilerOptions, tsConfigPath: path.relative(repo, tsconfig), allowOutsidePaths: true };
  const cliFile = path.join(work, 'nest-cli.json');
  fs.writeFileSync(cliFile, JSON.stringify(cli));
  const started = Date.now();
  try {
    execFileSync(path.join(repo, 'node_modules', '.bin', 'nest'), ['build', '--config', path.relative(repo, cliFile)], {
      cwd: repo,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
  } catch (err) {
    fs.rmSync(work, { recursive: true, force: true });
    throw new Error(`nest build failed (as \`npm run build\` would): ${err.message}`, { cause: err });
  }
  fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(out, 'node_modules'));
  console.log(`\nreliability: built the app into ${out} in ${Math.round((Date.now() - started) / 1000)} s`);
  process.env.RAPPORT_RELIABILITY_BUILD = out;
  process.env.RAPPORT_RELIABILITY_BUILD_OWNED = work;
}
