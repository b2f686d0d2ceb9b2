// One jest config for the whole workspace. Tests import sibling packages by
// name; the mapper points those names at their TypeScript sources, so unit
// tests need no build. Tests that spawn real processes use the built dist/
// (the README's test command builds first).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@gregor/proto$': '<rootDir>/proto/src/index.ts',
    '^@gregor/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testMatch: ['<rootDir>/{packages,proto,scripts,deploy}/**/test/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 120000,
  maxWorkers: 2,
  // Under CI, the node logs of a failed real-process test file (tests/cluster/harness.ts keeps them).
  reporters: ['default', '<rootDir>/tests/cluster-log-reporter.js'],
};
