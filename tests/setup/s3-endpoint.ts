// Global setup of the "s3" test project: a local S3-compatible endpoint (s3rver, the S3 HTTP API
// on the loopback, objects in a temporary folder) for the object-store driver's runs. Each test
// file then stores under a prefix of its own in the one bucket (tests/helpers/storage.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    s3StorageUrl: string;
  }
}

export const TEST_BUCKET = "zcps-test";

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-s3-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: TEST_BUCKET, configs: [] }] });
  const { port } = await server.run();
  // s3rver accepts any signature made with its fixed pair of credentials.
  project.provide("s3StorageUrl", `s3+http://S3RVER:S3RVER@127.0.0.1:${port}/${TEST_BUCKET}`);
  return async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
