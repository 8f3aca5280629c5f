/** Jest runs the TypeScript tests through ts-jest, type-checked, with decorator metadata. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "test/tsconfig.jest.json" }] },
  testTimeout: 120000,
};
