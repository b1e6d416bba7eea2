// Three layers (STYLE.md habit 11): pure unit tests, in-process integration against fakes, real lab.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];
const base = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest } };
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/security/**/*.test.ts'],
    },
    { ...base, displayName: 'lab', testMatch: ['<rootDir>/test/lab/**/*.test.ts'], testTimeout: 120000 },
  ],
};
