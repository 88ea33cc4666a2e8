/** Two projects: `unit` needs nothing but Node; `integration` talks to real PostgreSQL (and EventStoreDB when reachable). */
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
    },
  ],
  collectCoverageFrom: ['libs/domain/src/**/*.ts', '!**/*.spec.ts', '!**/index.ts'],
  coverageReporters: ['text-summary', 'text'],
};
