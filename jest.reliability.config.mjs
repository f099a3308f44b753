// The reliability suite (issue 13): real `node dist/src/main.js` processes, built once by the global setup, whose
// embedded PostgreSQL (or the app itself) is killed with SIGKILL while requests run. Slow (minutes) and heavy on
// processes, so it is its own jest config, run by `npm run test:reliability`, not part of `npm test`.
// It takes the TypeScript/ESM settings of jest.config.mjs's e2e project, so both compile tests the same way.
import base from './jest.config.mjs';

const e2e = base.projects.find((p) => p.displayName === 'e2e');
const { testEnvironment, extensionsToTreatAsEsm, moduleNameMapper, transform } = e2e;

export default {
  testEnvironment,
  extensionsToTreatAsEsm,
  moduleNameMapper,
  transform,
  displayName: 'reliability',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability-spec.ts'],
  globalSetup: '<rootDir>/test/reliability/global-setup.mjs',
  globalTeardown: '<rootDir>/test/reliability/global-teardown.mjs',
  // One app (and its PostgreSQL) at a time: the files start several processes each, on 2 shared cores.
  maxWorkers: 1,
  testTimeout: 240_000,
  slowTestThreshold: 120,
};
