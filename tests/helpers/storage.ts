// The object store a test's server uses: files under its DATA_DIR, or in the "s3" project (a
// local S3 endpoint, tests/setup/s3-endpoint.ts) a prefix of its own in the test bucket, so one
// test file's keys never meet another's.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { inject } from "vitest";
import { openObjectStore, type ObjectStore } from "~/utils/object-store.server";

export interface TestStorage {
  kind: "local" | "s3";
  /** Env for startServer: DATA_DIR, and STORAGE_URL on S3. */
  env: Record<string, string>;
  store: ObjectStore;
  /** Every stored key under `prefix` (complete objects only), sorted. */
  keys(prefix?: string): Promise<string[]>;
  /** Half-written objects: .part files on disk (an S3 multipart upload is never listed). */
  partials(): string[];
}

/** The S3 URL of the "s3" project, or null in the others. */
export function s3TestUrl(): string | null {
  try {
    return inject("s3StorageUrl") ?? null;
  } catch {
    return null;
  }
}

export async function testStorage(dataDir: string): Promise<TestStorage> {
  const s3 = s3TestUrl();
  const url = s3 ? `${s3}/t-${crypto.randomBytes(6).toString("hex")}` : null;
  const store = await openObjectStore(url, dataDir);
  return {
    kind: store.kind,
    env: { DATA_DIR: dataDir, ...(url ? { STORAGE_URL: url } : {}) },
    store,
    async keys(prefix = "") {
      const out: string[] = [];
      for await (const o of store.list(prefix)) out.push(o.key);
      return out.sort();
    },
    partials() {
      if (!fs.existsSync(dataDir)) return [];
      return (fs.readdirSync(dataDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".part")).map((f) => path.join(dataDir, f));
    },
  };
}
