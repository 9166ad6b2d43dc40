import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Only the TS API tests: as-pect's kernel specs (assembly/__tests__/*.spec.ts) run separately.
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
