/**
 * The fault tests (test/faults): a built API under load while its database is killed. They spawn
 * `dist/`, so run them after `npm run build` (`npm test` does); one file at a time, they load the machine.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
  testTimeout: 15 * 60_000,
};
