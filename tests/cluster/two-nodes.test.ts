// Two stateless web nodes behind a load balancer (nginx from Debian's packages, started here on the
// loopback, round robin), sharing one database and one S3 endpoint — Postgres in CI, SQLite
// otherwise. Whatever a user does may land on either node: the session, an upload and its
// download, the lockout counters, a wizard walk; and killing one node mid-walk loses nothing.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { freePort, startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { FILES } from "../helpers/files";
import { testStorage, type TestStorage } from "../helpers/storage";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../helpers/review-fixtures";
import { startApply, walkToSubmit } from "../helpers/wizard";
import { openDb, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { objectKeyOf } from "~/engine/file-storage.server";
import { startWorker, type RenderWorker } from "../helpers/render-worker";
import { chromiumsUnder } from "../helpers/processes";

const NGINX = "/usr/sbin/nginx";
const EVIDENCE = "/files?form=achievement%2Feducation&field=attachments";

let target: TestTarget;
let storage: TestStorage;
let dataDir: string;
let db: Db;
let nodes: RunningServer[] = [];
let lb: ChildProcess | null = null;
let lbUrl: string;
let worker: RenderWorker | null = null;


/** nginx in the foreground with everything under `dir`: round robin, uploads streamed through,
 * a refused connection retried on the other node, and which node answered in X-Upstream. */
async function startBalancer(dir: string, port: number, upstreams: number[]) {
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream app {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=60s;`).join("\n")}
    keepalive 8;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 20m;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_next_upstream error timeout;
      add_header X-Upstream $upstream_addr always;
    }
  }
}`;
  fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
  const child = spawn(NGINX, ["-p", dir, "-e", path.join(dir, "error.log"), "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => { s.destroy(); resolve(true); });
      s.once("error", () => resolve(false));
    });
    if (up) return child;
    if (child.exitCode !== null) throw new Error(`nginx exited: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen: ${err}`);
}

let submitted: { appId: number; planId: number; refs: Awaited<ReturnType<typeof makePlans>>["refs"] } | null = null;

const nodeOf = (res: Response) => {
  const last = (res.headers.get("x-upstream") ?? "").split(",").pop()!.trim();
  return nodes.findIndex((n) => last === `127.0.0.1:${n.port}`);
};

beforeAll(async () => {
  target = await createTestTarget();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-two-nodes-"));
  storage = await testStorage(dataDir);
  // The address users open is the balancer's: both nodes are told it.
  const lbPort = await freePort();
  lbUrl = `http://127.0.0.1:${lbPort}`;
  // On Postgres the nodes render nothing themselves: one render worker does (decision 013).
  const env = { ...storage.env, PUBLIC_ORIGIN: lbUrl, ...(target.databaseUrl ? { RENDER_MODE: "worker" } : {}) };
  // One after the other: the first applies migrations and definitions, the second finds them done.
  nodes = [await startServer(target, env)];
  nodes.push(await startServer(target, env));
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  if (target.databaseUrl) worker = await startWorker({ ...env, DATABASE_URL: target.databaseUrl, SESSION_SECRET: "test-secret" });
  const lbDir = path.join(dataDir, "nginx");
  fs.mkdirSync(lbDir);
  lb = await startBalancer(lbDir, lbPort, nodes.map((n) => n.port));
}, 240_000);

afterAll(async () => {
  lb?.kill("SIGQUIT");
  await worker?.stop();
  await db?.sequelize.close();
  for (const n of nodes) await n.stop();
  await target?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("two web nodes behind a balancer", () => {
  it("a session signed in on one node is good on both", async () => {
    const c = new Client(lbUrl);
    const username = uniqueName("lb");
    const reg = await c.post("/register", { username, password: PASSWORD, confirmPassword: PASSWORD });
    expect(reg.status).toBe(302);
    const seen = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const res = await c.get("/profile");
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("个人基本信息");
      seen.add(nodeOf(res));
    }
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it("a file uploaded through one node downloads through the other", async () => {
    const username = uniqueName("lbf");
    const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
    await saveProfile(db, user.id, validProfile(await unitId(db)), null);
    const c = new Client(lbUrl);
    expect((await c.login(username, PASSWORD)).status).toBe(302);
    const body = new FormData();
    body.append("file", new Blob([FILES.pdf as Uint8Array<ArrayBuffer>], { type: "application/pdf" }), "证明.pdf");
    const up = await fetch(`${lbUrl}${EVIDENCE}`, { method: "POST", body, headers: { Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), Origin: lbUrl, Accept: "application/json" }, redirect: "manual" });
    expect(up.status).toBe(200);
    const uploadedOn = nodeOf(up);
    const { key } = await up.json();
    expect(await storage.store.stat(objectKeyOf(key))).not.toBeNull();
    let otherServed = false;
    for (let i = 0; i < 4 && !otherServed; i++) {
      const dl = await c.get(`/files/${key}`);
      expect(dl.status).toBe(200);
      expect(Buffer.from(await dl.arrayBuffer()).equals(FILES.pdf)).toBe(true);
      otherServed = nodeOf(dl) !== uploadedOn;
    }
    expect(otherServed).toBe(true);
  });

  it("wrong passwords count across the nodes (locked after 5)", async () => {
    const username = uniqueName("lbl");
    await createUser(db, { username, password: PASSWORD, role: "applicant" });
    const seen = new Set<number>();
    for (let i = 0; i < 5; i++) {
      const res = await new Client(lbUrl).login(username, "wrong-password-1");
      seen.add(nodeOf(res));
    }
    expect(seen.size).toBe(2);
    const res = await new Client(lbUrl).login(username, PASSWORD);
    expect(res.status).not.toBe(302);
    expect(await res.text()).toContain("账户已锁定");
  });

  it("a wizard walk alternates nodes, and goes on to submission when one node is killed midway", async () => {
    const plans = await makePlans(db);
    const a = await makeApplicant(db, await unitId(db), { categories: ["paper"] });
    const c = new Client(lbUrl);
    expect((await c.login(a.username, PASSWORD)).status).toBe(302);
    const appId = await startApply(c, plans.review);
    const walked: string[] = [];
    const done = await walkToSubmit(c, appId, {
      base: lbUrl,
      after: async (stepId) => {
        walked.push(stepId);
        // After the second step, node 0 dies; the balancer sends the rest to node 1.
        if (walked.length === 2) {
          process.kill(nodes[0].appPid(), "SIGKILL");
          await nodes[0].exited();
        }
      },
    });
    // Steps on both sides of the kill, among them the photo and the phone signature.
    expect(walked.length).toBeGreaterThan(4);
    expect(walked.slice(2).length).toBeGreaterThan(2);
    expect((await fetch(`http://127.0.0.1:${nodes[0].port}/healthz`).catch(() => null))).toBeNull();
    expect(done.landed).toBe(`/records/${appId}?notice=submitted`);
    const app = (await db.models.Application.findByPk(appId, { raw: true }))!;
    expect(app.status).not.toBe("draft");
    // The photo and the signature are in the shared store.
    const keys = JSON.stringify(app.steps).match(/f_[A-Za-z0-9_-]{32}/g) ?? [];
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const k of keys) expect(await storage.store.stat(objectKeyOf(k)), k).not.toBeNull();
    submitted = { appId, planId: plans.review, refs: plans.refs };
  }, 180_000);

  it.runIf(!!process.env.TEST_DATABASE_URL)("a reviewer's single and batch exports through the balancer are rendered by the worker", async () => {
    const staff = await makeReviewers(db, { unitId: await unitId(db), ...submitted!.refs });
    const c = new Client(lbUrl);
    expect((await c.login(staff.unit.username, PASSWORD)).status).toBe(302);
    const pdf = await c.get(`/staff/applications/${submitted!.appId}/review-form.pdf`);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const res = await c.action("/staff/exports", "routes/staff.exports", { ids: [submitted!.appId] });
    expect(res.status).toBe(204);
    const jobId = Number(res.headers.get("x-remix-redirect")!.split("/").pop());
    let job: { status: string } = { status: "queued" };
    for (let i = 0; i < 600 && !["done", "failed"].includes(job.status); i++) {
      if (i) await new Promise((r) => setTimeout(r, 200));
      job = (await (await c.get(`/staff/exports/${jobId}?_data=${encodeURIComponent("routes/staff.exports_.$id")}`)).json()).job;
    }
    expect(job.status).toBe("done");
    expect((await c.get(`/staff/exports/${jobId}/download`)).status).toBe(200);
    // Chromium ran under the worker only, never under a web node.
    expect(chromiumsUnder(worker!.pid()).length).toBeGreaterThan(0);
    for (const n of nodes.slice(1)) expect(chromiumsUnder(n.appPid())).toEqual([]);
  }, 120_000);
});
