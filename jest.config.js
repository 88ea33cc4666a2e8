/** Two projects: `unit` needs nothing but Node; `integration` talks to real PostgreSQL (and EventStoreDB when reachable). */
const { availableParallelism } = require('node:os');
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@fristvagt/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
  '^@fristvagt/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Scans every response and log line of the apps a test file starts for CPR numbers (issue 12).
      setupFilesAfterEnv: ['<rootDir>/test/support/cpr-scan.ts'],
      slowTestThreshold: 30,
      // These tests start services and wait on timers, sockets and other processes, and run two files at once
      // (maxWorkers below): 5 s, Jest's default, is a harness limit that a busy machine reaches without anything
      // being wrong. What a test requires of latency it asserts itself.
      testTimeout: 30_000,
    },
  ],
  // Jest's default is one worker less than the cores, so a single file at a time on CI's two cores: most of the
  // integration files wait on services, timers and child processes, and one at a time the run took 23-26
  // minutes of CI's 30 (two at once: 15).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  collectCoverageFrom: ['libs/domain/src/**/*.ts', '!**/*.spec.ts', '!**/index.ts'],
  coverageReporters: ['text-summary', 'text'],
};
