// Module-graph rules for src/ (issue 10: one owner per table). Checked by `tools/check-architecture.mjs` in CI.
// The baseline `.dependency-cruiser-known-violations.json` is empty since the issue 10 refactor: any violation fails.
// (The tool still reads the baseline, and fails when an entry no longer occurs, so it can only stay empty.)
//
// Vocabulary
// - Infrastructure folders: src/common, src/database, src/audit, src/auth, src/crypto, src/config.
// - A feature folder: any other folder directly under src/ (contacts, interactions, consent, …).
// - The entry points of a feature, the only files another folder may import from it: files directly in the feature
//   folder named `index.ts`, `*.module.ts`, `*.service.ts` or `*.repository.ts` (the Nest module and the public
//   service/repository classes it exports, as the issue puts it). Everything else in a feature folder (dto/, entities,
//   mappers, query files, helpers such as interactions/db.ts) is private to it. A type another feature needs is
//   re-exported by the owner's service or repository file (or an index.ts), not imported from the owner's internals.
// - src/*.ts (main.ts, app.module.ts, app.setup.ts) are the composition root; they follow the same entry-point rule.

const INFRA = '(common|database|audit|auth|crypto|config)';
const ENTRY_POINT = '^src/[^/]+/(index|[^/]+[.]module|[^/]+[.]service|[^/]+[.]repository)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module reaches itself again through its imports (type-only imports count too).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'Folders under src/ form a cycle (auth ↔ users, common ↔ database, interactions ↔ events…). Folder rules are ' +
        'not softened by --ignore-known in dependency-cruiser 17, so tools/check-architecture.mjs compares these ' +
        'with the baseline itself, by (from folder, to folder).',
      scope: 'folder',
      from: { path: '^src/[^/]+' },
      to: { circular: true },
    },
    {
      name: 'infrastructure-imports-no-feature',
      severity: 'error',
      comment: 'common/ and database/ are the bottom layer: they import no feature folder.',
      from: { path: '^src/(common|database)/' },
      to: { path: '^src/[^/]+/', pathNot: `^src/${INFRA}/` },
    },
    {
      name: 'feature-imports-only-infrastructure-and-entry-points',
      severity: 'error',
      comment:
        'A feature folder imports its own files, the infrastructure folders (common, database, audit, auth, crypto, ' +
        'config) and only the entry points of other features (index.ts, *.module.ts, *.service.ts, *.repository.ts ' +
        'directly in their folder).',
      from: { path: '^src/([^/]+)/', pathNot: `^src/${INFRA}/` },
      to: { path: '^src/', pathNot: ['^src/$1/', `^src/${INFRA}/`, ENTRY_POINT] },
    },
    {
      name: 'root-imports-only-entry-points',
      severity: 'error',
      comment: 'The composition root (src/*.ts) imports infrastructure and the entry points of features.',
      from: { path: '^src/[^/]+[.]ts$' },
      to: { path: '^src/[^/]+/', pathNot: [`^src/${INFRA}/`, ENTRY_POINT] },
    },
    {
      name: 'infrastructure-reaches-features-only-through-entry-points',
      severity: 'error',
      comment:
        'audit/, auth/, crypto/ and config/ may use a feature only through its entry points (and never in a ' +
        'cycle: see no-folder-cycles).',
      from: { path: '^src/(audit|auth|crypto|config)/' },
      to: { path: '^src/[^/]+/', pathNot: [`^src/${INFRA}/`, ENTRY_POINT] },
    },
  ],
  options: {
    // Only the application's own modules: the rules are about src/, not about packages.
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    // TypeScript, ESM: relative imports end in `.js` and name the `.ts` file; dependency-cruiser resolves them
    // through the tsconfig (moduleResolution nodenext). Type-only imports count as dependencies too.
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      archi: { collapsePattern: '^src/[^/]+' },
    },
  },
};
