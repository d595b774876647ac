// Test projects: pure unit tests once; every DB/HTTP test on SQLite and, when
// TEST_DATABASE_URL is set, again on Postgres; browser tests in real Chromium.
import path from "node:path";
import { fileURLToPath } from "node:url";

const __dirname = path.dirname(fileURLToPath(import.meta.url));
import { defineConfig } from "vitest/config";

const alias = { "~": path.resolve(__dirname, "app") };
const pg = !!process.env.TEST_DATABASE_URL;
/** Upload, download, clean-up and export tests: each also runs on the S3 driver. */
const S3_TESTS = ["tests/integration/files.test.ts", "tests/integration/file-cleanup.test.ts", "tests/integration/object-store.test.ts", "tests/cluster/*.test.ts"];
const integration = (name: string, db: string) => ({
  resolve: { alias },
  test: {
    name,
    include: ["tests/integration/**/*.test.ts"],
    env: { TEST_DB: db },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  resolve: { alias },
  test: {
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts", "app/**/*.test.ts"] } },
      integration("sqlite", "sqlite"),
      ...(pg ? [integration("postgres", "postgres")] : []),
      // The object-store tests again with the S3 driver, on a local S3 endpoint, and the
      // two-node test (tests/cluster): on Postgres when there is one, as a real install runs.
      {
        resolve: { alias },
        test: {
          name: "s3",
          include: S3_TESTS,
          env: { TEST_DB: pg ? "postgres" : "sqlite" },
          globalSetup: ["tests/setup/s3-endpoint.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          env: { TEST_DB: "sqlite" },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
