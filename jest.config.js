// One runner, four tiers (docs/ARCHITECTURE.md). The global setup gives every run a fresh
// database: on DATABASE_URL's server when set, otherwise a throwaway embedded PostgreSQL.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
};
// the generated SDK (sdk/src) imports its siblings as `./x.js`, as ES modules must; jest resolves them to the .ts sources
// tests import the code under test as @src/…, shared helpers as @test/… and the bench's synthetic usage as @bench/… (tsconfig.json paths)
const moduleNameMapper = {
  '^(\\.{1,2}/.*)\\.js$': '$1',
  '^@src/(.*)$': '<rootDir>/src/$1',
  '^@test/(.*)$': '<rootDir>/test/$1',
  '^@bench/(.*)$': '<rootDir>/bench/$1',
};
// quiet-logs drops the log lines tests provoke on purpose (see the file); TEST_LOG_LEVEL=debug shows them
const setupFiles = ['<rootDir>/test/support/quiet-logs.ts'];
const common = { transform, moduleNameMapper, setupFiles, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'], slowTestThreshold: 30 },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], slowTestThreshold: 30 },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'], slowTestThreshold: 60 },
  ],
  testTimeout: 30000,
  maxWorkers: 2,
  // A worker that has run e2e suites holds several hundred MB (each file loads the app afresh): it ends at
  // once when asked, but the system takes a moment to reclaim that memory, past jest's default 500 ms on a
  // busy machine, and jest then reports it "failed to exit gracefully". A worker kept alive by a leaked
  // handle never ends, so it is still reported, 5 s later.
  workerGracefulExitTimeout: 5_000,
  // Kept on purpose. Unit and integration runs exit cleanly without it, but the provider
  // contract suite's worker does not: its abort and hang cases leave a connection attempt
  // in the global fetch (undici) pool of the provider SDKs, which no public API closes
  // from a test (the simulator is closed, yet the pooled client lingers). forceExit ends
  // the run once every test has finished; it never hides a failing or unfinished test.
  forceExit: true,
};
