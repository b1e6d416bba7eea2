// Three layers (docs/architecture.md "Tests"): pure unit tests, in-process integration against fakes, real lab.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
const base = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest } };
module.exports = {
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/security/**/*.test.ts'],
    },
    { ...base, displayName: 'lab', testMatch: ['<rootDir>/test/lab/**/*.test.ts'] },
  ],
};
