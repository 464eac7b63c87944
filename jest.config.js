// Nest 12 is ESM-only, so jest runs in its ESM mode (node --experimental-vm-modules).
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }],
  // CommonJS packages (@fastify/static) require() content-disposition 3, which is ESM; Node allows
  // that, jest's module system does not, so jest compiles that one package to CommonJS.
  '/node_modules/content-disposition/.+\\.js$': [
    'ts-jest',
    {
      useESM: false,
      tsconfig: {
        allowJs: true,
        module: 'commonjs',
        target: 'es2022',
        verbatimModuleSyntax: false,
        isolatedModules: true,
      },
    },
  ],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testEnvironment: 'node',
};
export default {
  // ESM mode (vm modules) keeps module graphs alive between suites: recycle a worker that grew.
  workerIdleMemoryLimit: '1GB',
  // A bound for a hung test or hook, not a speed check. It is a global option (jest ignores it
  // inside a project), and a suite's beforeAll makes a database and starts the app.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
};
