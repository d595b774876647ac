// Where stored bytes live: the local disk under DATA_DIR (the default, one machine), or a bucket
// of an S3-compatible object store (MinIO, Ceph RGW, Aliyun OSS, AWS) chosen by STORAGE_URL, so
// that any number of web nodes and render workers share them. Keys are paths of our own making
// ("uploads/ab/f_…", "exports/export-1-….zip"). A write is never visible under its key until it is
// complete, and a failed or refused one leaves nothing behind.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { Readable } from "node:stream";
import { getEnv, parseS3Url, type S3Location } from "./env.server";
import { singleton } from "./singleton.server";

export interface ObjectInfo { key: string; size: number; modified: Date }

export interface ObjectStore {
  readonly kind: "local" | "s3";
  /** Streams `body` to `key`. If `body` throws (a size or type refusal), the write is abandoned:
   * nothing stays under the key, and that same error is rethrown. Resolves with the size. */
  put(key: string, body: AsyncIterable<Uint8Array>, opts?: { contentType?: string }): Promise<{ size: number }>;
  /** The object's bytes (or the inclusive byte range), or null when there is no such object. */
  open(key: string, range?: { start: number; end: number }): Promise<Readable | null>;
  stat(key: string): Promise<ObjectInfo | null>;
  remove(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Throws (with the reason) when the store cannot be reached (S3) or written (disk): readiness. */
  check(): Promise<void>;
  /** Removes leftovers of writes interrupted by a dead process; returns how many. Only the disk has
   * any: an S3 multipart upload is never visible, and the bucket's lifecycle rule aborts stale ones. */
  sweepPartials(opts?: { atStart?: boolean; now?: Date }): Promise<number>;
}

/** Our keys only: segments of letters, digits, "_", "-", "." (no "..", no leading "/"). */
const KEY = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
function checkKey(key: string) {
  if (!KEY.test(key) || key.split("/").includes("..")) throw new Error(`not an object key: ${key}`);
  return key;
}

/** The whole object in memory (small objects only: cached PDFs, a pledge), or null. */
export async function readObject(store: ObjectStore, key: string): Promise<Buffer | null> {
  const stream = await store.open(key);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** `length` bytes from `start` (fewer at the end of the object). */
export async function readRange(store: ObjectStore, key: string, start: number, length: number): Promise<Buffer> {
  if (length <= 0) return Buffer.alloc(0);
  const stream = await store.open(key, { start, end: start + length - 1 });
  if (!stream) throw new Error(`no such object: ${key}`);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// Local disk

/** A write goes to `<file>.<pid>.part` and is renamed when complete; the writer's pid tells a
 * leftover of a dead process from a write still in progress in a live one. */
const PARTIAL = /\.(\d+)\.part$/;
/** No write takes this long (Node ends a request after 5 minutes): a .part this old is dead. */
const STALE_PART_MS = 60 * 60 * 1000;

function processAlive(pid: number) {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (entry.isFile()) yield p;
  }
}

export function localStore(root: string): ObjectStore {
  const fileOf = (key: string) => path.join(root, checkKey(key));
  return {
    kind: "local",
    async put(key, body) {
      const final = fileOf(key);
      const partial = `${final}.${process.pid}.part`;
      await fsp.mkdir(path.dirname(final), { recursive: true });
      const out = fs.createWriteStream(partial, { flags: "wx", mode: 0o600 });
      const failure = new Promise<never>((_, reject) => out.once("error", reject));
      failure.catch(() => {});
      let size = 0;
      try {
        for await (const chunk of body) {
          size += chunk.byteLength;
          if (!out.write(chunk)) await Promise.race([once(out, "drain"), failure]);
        }
        await Promise.race([new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve()))), failure]);
        await fsp.rename(partial, final);
        return { size };
      } catch (e) {
        // Wait for the stream to close before unlinking, so a still-opening stream cannot recreate it.
        if (!out.closed) await new Promise<void>((resolve) => { out.once("close", () => resolve()); out.destroy(); });
        await fsp.rm(partial, { force: true });
        throw e;
      }
    },
    async open(key, range) {
      const file = fileOf(key);
      const handle = await fsp.open(file, "r").catch(() => null);
      if (!handle) return null;
      const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      stream.on("error", () => {}); // the consumer sees the error; an unread stream must not crash the process
      return stream;
    },
    async stat(key) {
      const s = await fsp.stat(fileOf(key)).catch(() => null);
      return s?.isFile() ? { key, size: s.size, modified: s.mtime } : null;
    },
    async remove(key) {
      await fsp.rm(fileOf(key), { force: true });
    },
    async *list(prefix) {
      // Walk the deepest directory the prefix names, then filter by the full prefix.
      const dir = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      for await (const file of walk(path.join(root, dir))) {
        const key = path.relative(root, file).split(path.sep).join("/");
        if (!key.startsWith(prefix) || PARTIAL.test(key)) continue;
        const s = await fsp.stat(file).catch(() => null);
        if (s) yield { key, size: s.size, modified: s.mtime };
      }
    },
    async check() {
      await fsp.mkdir(root, { recursive: true });
      const probe = path.join(root, `.ready-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
      await fsp.writeFile(probe, "ok");
      await fsp.rm(probe, { force: true });
    },
    async sweepPartials(opts = {}) {
      const now = (opts.now ?? new Date()).getTime();
      let removed = 0;
      for await (const file of walk(root)) {
        if (!file.endsWith(".part")) continue;
        const m = PARTIAL.exec(file);
        const pid = m ? Number(m[1]) : null;
        const stat = await fsp.stat(file).catch(() => null);
        if (!stat) continue;
        const dead = pid === null || (pid === process.pid ? !!opts.atStart : !processAlive(pid));
        if (dead || now - stat.mtimeMs > STALE_PART_MS) {
          await fsp.rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// S3-compatible

type S3Sdk = typeof import("@aws-sdk/client-s3");

function isMissing(e: unknown) {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === "NoSuchKey" || err?.name === "NotFound" || err?.$metadata?.httpStatusCode === 404;
}

export async function s3Store(loc: S3Location): Promise<ObjectStore> {
  // Loaded only when configured: the SDK is large, and the embedded default never needs it.
  const sdk: S3Sdk = await import("@aws-sdk/client-s3");
  const { Upload } = await import("@aws-sdk/lib-storage");
  const client = new sdk.S3Client({
    region: loc.region,
    ...(loc.endpoint ? { endpoint: loc.endpoint, forcePathStyle: true } : {}),
    ...(loc.credentials ? { credentials: loc.credentials } : {}),
    // Checksums only where the API requires them: MinIO, Ceph RGW and OSS refuse the SDK's
    // default CRC trailers on streamed uploads.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = loc.bucket;
  const full = (key: string) => loc.prefix + checkKey(key);
  return {
    kind: "s3",
    async put(key, body, opts) {
      let size = 0;
      // The body's own error (a refusal) is the one to report, not the abort that follows it.
      let bodyError: unknown = null;
      async function* counted() {
        try {
          for await (const chunk of body) {
            size += chunk.byteLength;
            yield chunk;
          }
        } catch (e) {
          bodyError = e;
          throw e;
        }
      }
      const stream = Readable.from(counted());
      stream.on("error", () => {}); // reported through bodyError / the upload's rejection
      const upload = new Upload({
        client,
        params: { Bucket, Key: full(key), Body: stream, ContentType: opts?.contentType ?? "application/octet-stream" },
        partSize: 8 * 1024 * 1024, // memory per upload: one part in flight
        queueSize: 1,
      });
      try {
        await upload.done();
      } catch (e) {
        if (bodyError) throw bodyError;
        throw e;
      }
      if (bodyError) throw bodyError;
      return { size };
    },
    async open(key, range) {
      try {
        const r = await client.send(new sdk.GetObjectCommand({ Bucket, Key: full(key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
        const stream = r.Body as Readable;
        stream.on("error", () => {});
        return stream;
      } catch (e) {
        if (isMissing(e)) return null;
        // An empty object asked for a range: S3 answers 416.
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) return Readable.from([]);
        throw e;
      }
    },
    async stat(key) {
      try {
        const r = await client.send(new sdk.HeadObjectCommand({ Bucket, Key: full(key) }));
        return { key, size: Number(r.ContentLength ?? 0), modified: r.LastModified ?? new Date(0) };
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
    },
    async remove(key) {
      await client.send(new sdk.DeleteObjectCommand({ Bucket, Key: full(key) }));
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        const r = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: loc.prefix + prefix, ContinuationToken: token }));
        for (const o of r.Contents ?? []) {
          if (o.Key) yield { key: o.Key.slice(loc.prefix.length), size: Number(o.Size ?? 0), modified: o.LastModified ?? new Date(0) };
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    },
    async check() {
      // The bucket exists and these credentials reach it (a probe every few seconds: no writes).
      await client.send(new sdk.HeadBucketCommand({ Bucket }));
    },
    async sweepPartials() {
      return 0;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The process's store

// One per process, shared by server.ts and the bundled build, kept across dev rebuilds.
const holder = () => singleton("object-store", () => ({ store: undefined as Promise<ObjectStore> | undefined }));

/** The configured store (STORAGE_URL, else DATA_DIR on disk). */
export function getObjectStore(): Promise<ObjectStore> {
  const h = holder();
  if (!h.store) {
    const env = getEnv();
    const store = env.storage ? s3Store(env.storage) : Promise.resolve(localStore(env.dataDir));
    store.catch(() => { if (h.store === store) h.store = undefined; });
    h.store = store;
  }
  return h.store;
}

/** Tests: use this store (undefined: back to the configured one). */
export function setObjectStore(store: ObjectStore | undefined) {
  holder().store = store ? Promise.resolve(store) : undefined;
}

/** A store for a STORAGE_URL value (tests and scripts that name their own). */
export async function openObjectStore(url: string | null, dataDir: string): Promise<ObjectStore> {
  const s3 = url ? parseS3Url(url) : null;
  return s3 ? s3Store(s3) : localStore(dataDir);
}

// ---------------------------------------------------------------------------------------------
// Random access to stored bytes (a ZIP's central directory sits at its end)

export interface ByteSource {
  size: number;
  read(start: number, length: number): Promise<Buffer>;
  stream(): Promise<Readable>;
}

/** A stored object as a ByteSource; null when it does not exist. */
export async function objectSource(store: ObjectStore, key: string): Promise<ByteSource | null> {
  const info = await store.stat(key);
  if (!info) return null;
  return {
    size: info.size,
    read: (start, length) => readRange(store, key, start, Math.min(length, info.size - start)),
    stream: async () => {
      const s = await store.open(key);
      if (!s) throw new Error(`no such object: ${key}`);
      return s;
    },
  };
}

/** A file on disk as a ByteSource (tests, scripts). */
export async function fileSource(file: string): Promise<ByteSource> {
  const { size } = await fsp.stat(file);
  return {
    size,
    async read(start, length) {
      const fh = await fsp.open(file, "r");
      try {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, size - start)));
        const { bytesRead } = await fh.read(buf, 0, buf.length, start);
        return buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    },
    stream: async () => {
      const s = fs.createReadStream(file);
      s.on("error", () => {});
      return s;
    },
  };
}
