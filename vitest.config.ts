import { defineConfig } from "vitest/config";

// CI asks for a JSON report beside the console output (see .ci/run); developers get the default.
const report = process.env["SKIM_TEST_REPORT"];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"],
  },
});
