// A web node behind a load balancer: /healthz says the process runs, /readyz whether it may take
// traffic (database, migrations, object store), and SIGTERM drains it — it stops accepting
// connections, finishes the request in flight (an upload, stored whole), then exits.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { FILES } from "../helpers/files";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { openDb, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { markDraining, readiness } from "~/utils/readiness.server";

const PASSWORD = "Tulip-Harbor-2931";
const EVIDENCE = "/files?form=achievement%2Feducation&field=attachments";

let target: TestTarget;
let server: RunningServer;
let db: Db;
let dataDir: string;

beforeAll(async () => {
  target = await createTestTarget();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-node-"));
  server = await startServer(target, { DATA_DIR: dataDir });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
}, 120_000);
afterAll(async () => {
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => { s.destroy(); resolve(false); });
    s.once("error", () => resolve(true));
  });
}

describe("probes", () => {
  it("/healthz: the process runs; /readyz: database, migrations and storage are ready", async () => {
    const live = await fetch(`${server.url}/healthz`);
    expect([live.status, await live.text()]).toEqual([200, "ok"]);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    expect(await ready.json()).toEqual({ ok: true, checks: [{ name: "database", ok: true }, { name: "migrations", ok: true }, { name: "storage", ok: true }] });
  });

  it("/readyz is 503 naming the object store a node cannot reach (the reason in its log only); /healthz stays 200", async () => {
    // An S3 endpoint on a port nothing listens on.
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const other = await startServer(target, { DATA_DIR: dataDir, STORAGE_URL: `s3+http://key:secret@127.0.0.1:${port}/zcps` });
    try {
      expect((await fetch(`${other.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${other.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = await ready.json();
      expect(body).toEqual({ ok: false, checks: [{ name: "database", ok: true }, { name: "migrations", ok: true }, { name: "storage", ok: false }] });
      expect(JSON.stringify(body)).not.toContain("secret");
      expect(other.logs()).toMatch(/\[readyz\] storage: /);
    } finally {
      await other.stop();
    }
  }, 120_000);

  it("a draining node is not ready", async () => {
    expect((await readiness(db)).ok).toBe(true);
    markDraining();
    const r = await readiness(db);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.name === "draining")).toMatchObject({ ok: false, detail: "正在停止服务（SIGTERM）" });
  });
});

describe("SIGTERM", () => {
  it("stops accepting, finishes the upload in flight (stored whole), then exits", async () => {
    const username = uniqueName("drn");
    const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
    await saveProfile(db, user.id, validProfile(await unitId(db)), null);
    const c = new Client(server.url);
    expect((await c.login(username, PASSWORD)).status).toBe(302);

    // An upload whose last bytes wait for `release`.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const boundary = "----zcpsdrain";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="证明.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
    const body = Buffer.concat([FILES.pdf, Buffer.alloc(256 * 1024, 0x20)]);
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(head);
        controller.enqueue(body.subarray(0, 128 * 1024));
        await released;
        controller.enqueue(body.subarray(128 * 1024));
        controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
        controller.close();
      },
    });
    const uploading = fetch(`${server.url}${EVIDENCE}`, {
      method: "POST",
      headers: { Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), Origin: server.url, Accept: "application/json", "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body: stream, duplex: "half", redirect: "manual",
    } as RequestInit);
    // The server is writing it: its half-written file is there.
    const uploads = path.join(dataDir, "uploads");
    const parts = () => (fs.existsSync(uploads) ? (fs.readdirSync(uploads, { recursive: true }) as string[]).filter((f) => f.endsWith(".part")) : []);
    for (let i = 0; i < 400 && parts().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(parts()).toHaveLength(1);

    process.kill(server.appPid(), "SIGTERM");
    // New connections are refused at once…
    let closedNow = false;
    for (let i = 0; i < 200 && !closedNow; i++) {
      closedNow = await refused(server.port);
      if (!closedNow) await new Promise((r) => setTimeout(r, 25));
    }
    expect(closedNow).toBe(true);
    // …while the upload in flight completes and is stored.
    release();
    const res = await uploading;
    expect(res.status).toBe(200);
    const { key, size } = await res.json();
    expect(size).toBe(body.length);
    expect(await db.models.StoredFile.count({ where: { key, ownerId: user.id } })).toBe(1);
    expect(fs.statSync(path.join(uploads, key.slice(2, 4), key)).size).toBe(body.length);
    await server.exited();
    expect(server.logs()).not.toMatch(/强制退出|Error/);
  }, 60_000);
});
