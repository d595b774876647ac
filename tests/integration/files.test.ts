// Evidence files over real HTTP: upload limits and types from the latest published form version,
// type by bytes (not name), nothing left behind by a refusal, downloads for the owner and for
// reviewers in scope only (404 otherwise), served as attachments/inline with safe headers; and
// records may only reference their owner's files of an accepted type (checkFileRefs).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { openDb, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { getForm, hashForm, validateRecord } from "~/engine/form-registry.server";
import { checkFileRefs, describeFiles, objectKeyOf, storeFile } from "~/engine/file-storage.server";
import { setObjectStore } from "~/utils/object-store.server";
import { testStorage, type TestStorage } from "../helpers/storage";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { evidenceField, FILES, FILE_PATTERN } from "../helpers/files";

let target: TestTarget;
let server: RunningServer;
let db: Db;
let dataDir: string;
let storage: TestStorage;
const PASSWORD = "Tulip-Harbor-2931";
const FORM = "test/evidence";
const MB = 1024 * 1024;

const schema = {
  type: "object",
  additionalProperties: false,
  properties: {
    title: { type: "string", maxLength: 50 },
    evidence: evidenceField,
    scan: { ...evidenceField, title: "扫描件", maxItems: 1, "x-file": { accept: ["application/pdf"], maxSize: 1 * MB } },
    members: {
      type: "array",
      items: {
        type: "object",
        properties: { name: { type: "string", maxLength: 20 }, cert: { ...evidenceField, title: "证书" } },
      },
    },
  },
};

beforeAll(async () => {
  target = await createTestTarget();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-files-"));
  storage = await testStorage(dataDir);
  server = await startServer(target, storage.env);
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  // A published form with file fields, straight into the DB (the upload route reads the latest
  // published version; nothing here depends on forms/ files).
  // An application-kind form: a test form, not an achievement category (whose meta the meta-schema requires).
  const def = { kind: "application" as const, title: "测试证明材料", schema, uiSchema: { evidence: { "ui:widget": "file-upload" } }, meta: {} };
  await db.models.FormVersion.create({ formId: FORM, version: 1, ...def, hash: hashForm(def), createdBy: "test" });
});
afterAll(async () => {
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Every stored upload (object keys), and on disk any half-written one. */
async function storedFiles(): Promise<string[]> {
  return [...(await storage.keys("uploads/")), ...storage.partials()];
}

async function applicant(unitName = "浙江工业大学") {
  const c = new Client(server.url);
  const username = uniqueName("fil");
  const res = await c.post("/register", { username, password: PASSWORD, confirmPassword: PASSWORD });
  expect(res.status).toBe(302);
  const saved = await c.post("/profile", { data: validProfile(await unitId(db, unitName)), version: null }, { json: true });
  expect(saved.headers.get("location")).toBe("/home");
  const user = (await db.models.User.findOne({ where: { username } }))!;
  return { c, user };
}

async function staff(role: string, units: string[]) {
  const username = uniqueName(role.replace("_", "").slice(0, 8));
  const codes: string[] = [];
  if (role === "unit_reviewer") for (const name of units) codes.push((await db.models.Unit.findOne({ where: { name } }))!.creditCode);
  const user = await createUser(db, { username, password: PASSWORD, role, scopes: role === "dept_reviewer" ? { departments: units } : { units: codes } });
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, user };
}

function cookie(c: Client) {
  return [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}

async function upload(c: Client, bytes: Uint8Array, name: string, opts: { form?: string; field?: string; type?: string; origin?: boolean } = {}) {
  const body = new FormData();
  body.append("note", "ignored");
  body.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>], { type: opts.type ?? "application/octet-stream" }), name);
  const qs = new URLSearchParams({ form: opts.form ?? FORM, field: opts.field ?? "evidence" });
  const headers: Record<string, string> = { Cookie: cookie(c), Accept: "application/json" };
  if (opts.origin !== false) headers.Origin = server.url;
  return fetch(`${server.url}/files?${qs}`, { method: "POST", headers, body, redirect: "manual" });
}

/** A multipart body sent as a stream of chunks with no Content-Length (chunked encoding). */
async function uploadChunked(c: Client, chunks: () => AsyncGenerator<Uint8Array>, name: string) {
  const boundary = `----zcps${crypto.randomBytes(8).toString("hex")}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(head);
      for await (const ch of chunks()) controller.enqueue(ch);
      controller.enqueue(tail);
      controller.close();
    },
  });
  return fetch(`${server.url}/files?form=${encodeURIComponent(FORM)}&field=evidence`, {
    method: "POST",
    headers: { Cookie: cookie(c), Origin: server.url, "Content-Type": `multipart/form-data; boundary=${boundary}` },
    body: stream,
    duplex: "half",
    redirect: "manual",
  } as RequestInit);
}

describe("upload", () => {
  it("stores a PDF under a random key, typed from its bytes, and its owner downloads it inline", async () => {
    const { c, user } = await applicant();
    const res = await upload(c, FILES.pdf, "学位证书（扫描件）.pdf", { type: "application/pdf" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ key: expect.stringMatching(new RegExp(FILE_PATTERN)), name: "学位证书（扫描件）.pdf", size: FILES.pdf.length, mimeType: "application/pdf" });
    const row = await db.models.StoredFile.findOne({ where: { key: body.key } });
    expect(row?.ownerId).toBe(user.id);
    expect(row?.sha256).toBe(crypto.createHash("sha256").update(FILES.pdf).digest("hex"));
    expect(await storedFiles()).toContain(objectKeyOf(body.key));
    expect(storage.partials()).toEqual([]);

    const dl = await c.get(`/files/${body.key}`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toBe("application/pdf");
    expect(dl.headers.get("content-disposition")).toBe(
      `inline; filename="_________.pdf"; filename*=UTF-8''${encodeURIComponent("学位证书（扫描件）.pdf")}`,
    );
    expect(dl.headers.get("x-content-type-options")).toBe("nosniff");
    expect(dl.headers.get("content-security-policy")).toBe("sandbox");
    expect(dl.headers.get("cache-control")).toBe("private");
    expect(Buffer.from(await dl.arrayBuffer()).equals(FILES.pdf)).toBe(true);
  });

  it("stores a PNG whatever type the browser claimed", async () => {
    const { c } = await applicant();
    const res = await upload(c, FILES.png, "photo.png", { type: "application/pdf" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.mimeType).toBe("image/png");
    const dl = await c.get(`/files/${body.key}`);
    expect(dl.headers.get("content-type")).toBe("image/png");
    expect(dl.headers.get("content-disposition")).toMatch(/^inline; filename="photo\.png"/);
  });

  it("refuses HTML named .pdf with a Chinese message, storing nothing", async () => {
    const { c, user } = await applicant();
    const before = await storedFiles();
    const res = await upload(c, FILES.html, "证明.pdf", { type: "application/pdf" });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toBe("文件类型不符：实际为 HTML，仅允许 PDF、JPG、PNG");
    expect(await db.models.StoredFile.count({ where: { ownerId: user.id } })).toBe(0);
    expect(await storedFiles()).toEqual(before);
  });

  it("refuses a type the field does not accept even when the form accepts it elsewhere (PNG for a PDF-only field)", async () => {
    const { c, user } = await applicant();
    const res = await upload(c, FILES.png, "scan.pdf", { field: "scan" });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toBe("文件类型不符：实际为 PNG，仅允许 PDF");
    expect(await db.models.StoredFile.count({ where: { ownerId: user.id } })).toBe(0);
  });

  it("refuses 11 MB over a 10 MB limit (declared length), leaving nothing on disk", async () => {
    const { c, user } = await applicant();
    const before = await storedFiles();
    const big = Buffer.alloc(11 * MB, 0x20);
    FILES.pdf.copy(big);
    const res = await upload(c, big, "big.pdf");
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe("文件超过 10 MB");
    expect(await db.models.StoredFile.count({ where: { ownerId: user.id } })).toBe(0);
    expect(await storedFiles()).toEqual(before);
  });

  it("refuses 11 MB streamed without a length while it streams: the partial file is deleted", async () => {
    const { c, user } = await applicant();
    const before = await storedFiles();
    const res = await uploadChunked(c, async function* () {
      yield FILES.pdf;
      for (let i = 0; i < 11 * 16; i++) yield Buffer.alloc(64 * 1024, 0x20);
    }, "streamed.pdf");
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe("文件超过 10 MB");
    expect(await db.models.StoredFile.count({ where: { ownerId: user.id } })).toBe(0);
    expect(await storedFiles()).toEqual(before);
  });

  it("a field's own smaller limit applies (1 MB scan)", async () => {
    const { c } = await applicant();
    const res = await upload(c, Buffer.concat([FILES.pdf, Buffer.alloc(MB)]), "scan.pdf", { field: "scan" });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe("文件超过 1 MB");
  });

  it("keeps only a sanitized basename of a path-traversal name", async () => {
    const { c } = await applicant();
    for (const name of ["../../etc/passwd.pdf", "..\\..\\etc\\passwd.pdf"]) {
      const res = await upload(c, FILES.pdf, name);
      expect(res.status).toBe(200);
      const { key, name: stored } = await res.json();
      expect(stored).toBe("passwd.pdf");
      expect((await db.models.StoredFile.findOne({ where: { key } }))?.originalName).toBe("passwd.pdf");
    }
    expect(fs.existsSync(path.join(dataDir, "etc"))).toBe(false);
  });

  it.each([
    ["an unknown form", { form: "no/such-form" }, "表单不存在"],
    ["an unknown field", { field: "nope" }, "没有文件字段「nope」"],
    ["a field that is not a file field", { field: "title" }, "没有文件字段「title」"],
    ["a nested field named without its parent", { field: "cert" }, "没有文件字段「cert」"],
  ])("refuses %s with 400", async (_, opts, message) => {
    const { c, user } = await applicant();
    const res = await upload(c, FILES.pdf, "a.pdf", opts);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain(message);
    expect(await db.models.StoredFile.count({ where: { ownerId: user.id } })).toBe(0);
  });

  it("takes a nested file field by its dotted path", async () => {
    const { c } = await applicant();
    const res = await upload(c, FILES.jpeg, "cert.jpg", { field: "members.cert" });
    expect(res.status).toBe(200);
    expect((await res.json()).mimeType).toBe("image/jpeg");
  });

  it("refuses a request without a file part, or not multipart", async () => {
    const { c } = await applicant();
    const noFile = new FormData();
    noFile.append("note", "x");
    const res = await fetch(`${server.url}/files?form=${encodeURIComponent(FORM)}&field=evidence`, { method: "POST", headers: { Cookie: cookie(c), Origin: server.url }, body: noFile });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe("请选择要上传的文件");
    const json = await c.post(`/files?form=${encodeURIComponent(FORM)}&field=evidence`, { a: 1 }, { json: true });
    expect(json.status).toBe(400);
    expect((await json.json()).error).toContain("multipart/form-data");
  });

  it("refuses an empty file", async () => {
    const { c } = await applicant();
    const res = await upload(c, new Uint8Array(0), "empty.pdf");
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain("文件为空");
  });

  it("sends anonymous users to login, refuses staff (403) and cross-site posts (403)", async () => {
    const anon = await upload(new Client(server.url), FILES.pdf, "a.pdf");
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    const { c: reviewer } = await staff("unit_reviewer", ["浙江工业大学"]);
    expect((await upload(reviewer, FILES.pdf, "a.pdf")).status).toBe(403);
    const { c, user } = await applicant();
    expect((await upload(c, FILES.pdf, "a.pdf", { origin: false })).status).toBe(403);
    expect(await db.models.StoredFile.count({ where: { ownerId: user.id } })).toBe(0);
  });
});

describe("download", () => {
  let key: string;
  let owner: Awaited<ReturnType<typeof applicant>>;
  beforeAll(async () => {
    owner = await applicant("浙江工业大学");
    key = (await (await upload(owner.c, FILES.pdf, "owner.pdf")).json()).key;
  });

  it("another applicant gets the same 404 as for a missing key", async () => {
    const { c } = await applicant();
    const forbidden = await c.get(`/files/${key}`);
    const missing = await c.get(`/files/f_${"A".repeat(32)}`);
    const malformed = await c.get(`/files/..%2F..%2Fetc%2Fpasswd`);
    expect([forbidden.status, missing.status, malformed.status]).toEqual([404, 404, 404]);
    expect(await forbidden.text()).toBe(await missing.text());
  });

  it("anonymous is sent to login", async () => {
    const res = await new Client(server.url).get(`/files/${key}`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/files/${key}`)}`);
  });

  it("a unit reviewer whose scope has the owner's unit reads it; one of another unit gets 404", async () => {
    const { c: mine } = await staff("unit_reviewer", ["浙江工业大学"]);
    const res = await mine.get(`/files/${key}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(FILES.pdf)).toBe(true);
    const otherUnit = (await db.models.Unit.findOne({ where: { name: { [(await import("sequelize")).Op.ne]: "浙江工业大学" } } }))!;
    const { c: other } = await staff("unit_reviewer", [otherUnit.name]);
    expect((await other.get(`/files/${key}`)).status).toBe(404);
  });

  it("a department reviewer over the owner's unit reads it; an admin (no scope) gets 404", async () => {
    const unit = (await db.models.Unit.findOne({ where: { name: "浙江工业大学" } }))!;
    const dept = (await db.models.Department.findByPk(unit.departmentId!))!;
    const { c: deptReviewer } = await staff("dept_reviewer", [dept.name]);
    expect((await deptReviewer.get(`/files/${key}`)).status).toBe(200);
    const { c: admin } = await staff("admin", []);
    expect((await admin.get(`/files/${key}`)).status).toBe(404);
  });

  it("a stored row whose bytes are gone is a 404, not a 500", async () => {
    const { c } = await applicant();
    const k = (await (await upload(c, FILES.png, "gone.png")).json()).key;
    await storage.store.remove(objectKeyOf(k));
    expect((await c.get(`/files/${k}`)).status).toBe(404);
  });
});

describe("references from records (checkFileRefs, validateRecord)", () => {
  let ownerId: number;
  let pdf: string;
  let png: string;
  let othersPdf: string;
  beforeAll(async () => {
    const a = await applicant();
    ownerId = a.user.id;
    pdf = (await (await upload(a.c, FILES.pdf, "mine.pdf")).json()).key;
    png = (await (await upload(a.c, FILES.png, "mine.png")).json()).key;
    const b = await applicant();
    othersPdf = (await (await upload(b.c, FILES.pdf, "theirs.pdf")).json()).key;
  });

  it("accepts the owner's files of accepted types, at any depth", async () => {
    const data = { evidence: [pdf, png], scan: [pdf], members: [{ name: "甲", cert: [png] }] };
    expect(await checkFileRefs(db, schema, data, ownerId)).toEqual({});
    const form = (await getForm(db, FORM))!;
    expect(await validateRecord(db, form, data, { ownerId })).toEqual({ ok: true, data });
  });

  it("refuses another user's key and an unknown key with the same message", async () => {
    const unknown = `f_${crypto.randomBytes(24).toString("base64url")}`;
    const errs = await checkFileRefs(db, schema, { evidence: [pdf, othersPdf, unknown] }, ownerId);
    expect(errs).toEqual({ evidence: ["第 2 个文件不存在或已失效，请重新上传", "第 3 个文件不存在或已失效，请重新上传"] });
  });

  it("refuses a file whose type the field does not accept, on the right (nested) field", async () => {
    const errs = await checkFileRefs(db, schema, { scan: [png], members: [{ cert: [pdf] }, { cert: [othersPdf] }] }, ownerId);
    expect(errs).toEqual({
      scan: ["文件「mine.png」是 PNG，此处仅允许 PDF"],
      "members.1.cert": ["文件不存在或已失效，请重新上传"],
    });
  });

  it("validateRecord checks references only when given the owner, after the schema", async () => {
    const form = (await getForm(db, FORM))!;
    const data = { evidence: [othersPdf] };
    expect((await validateRecord(db, form, data)).ok).toBe(true);
    const r = await validateRecord(db, form, data, { ownerId });
    expect(r).toEqual({ ok: false, fieldErrors: { evidence: ["文件不存在或已失效，请重新上传"] } });
    const bad = await validateRecord(db, form, { evidence: ["../../etc/passwd"] }, { ownerId });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.fieldErrors["evidence.0"]).toEqual(["格式不正确"]);
  });

  it("describeFiles names existing keys and leaves out unknown ones", async () => {
    const out = await describeFiles(db, [pdf, png, "nope", `f_${"B".repeat(32)}`]);
    expect(out).toEqual({
      [pdf]: { name: "mine.pdf", size: FILES.pdf.length, mimeType: "application/pdf" },
      [png]: { name: "mine.png", size: FILES.png.length, mimeType: "image/png" },
    });
  });
});

describe("storeFile (in process)", () => {
  let dir: string;
  let inProcess: TestStorage;
  let ownerId: number;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-store-"));
    inProcess = await testStorage(dir);
    setObjectStore(inProcess.store);
    ownerId = (await applicant()).user.id;
  });
  afterAll(() => {
    setObjectStore(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const spec = { accept: ["application/pdf"], maxSize: 10 * MB };

  it("stops reading a refused type after the first 4 KB", async () => {
    let pulled = 0;
    async function* html() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield Buffer.from(`<html><body>${"x".repeat(1000)}</body></html>`.padEnd(1024, " "));
      }
    }
    await expect(storeFile(db, { ownerId, filename: "x.pdf", data: html(), spec })).rejects.toThrow("文件类型不符：实际为 HTML，仅允许 PDF");
    expect(pulled).toBeLessThanOrEqual(5);
    expect([...(await inProcess.keys()), ...inProcess.partials()]).toEqual([]);
  });

  it("streams a large file without holding it, and stores a DOCX when accepted", async () => {
    async function* pdfChunks() {
      yield FILES.pdf;
      for (let i = 0; i < 64; i++) yield Buffer.alloc(64 * 1024, 0x20);
    }
    const stored = await storeFile(db, { ownerId, filename: "a.pdf", data: pdfChunks(), spec });
    expect(stored.size).toBe(FILES.pdf.length + 64 * 64 * 1024);
    const docxSpec = { accept: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"], maxSize: MB };
    async function* once(b: Uint8Array) { yield b; }
    const docx = await storeFile(db, { ownerId, filename: "报告.docx", data: once(FILES.docx()), spec: docxSpec });
    expect(docx.mimeType).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    // A plain ZIP is not a DOCX.
    const { zip } = await import("../helpers/files");
    await expect(storeFile(db, { ownerId, filename: "x.docx", data: once(zip({ "a.txt": "a" })), spec: docxSpec })).rejects.toThrow("实际为 ZIP");
    // Refused after it was written whole (a ZIP's type needs its end): removed again.
    expect(await inProcess.keys()).toEqual([objectKeyOf(stored.key), objectKeyOf(docx.key)].sort());
  });
});
