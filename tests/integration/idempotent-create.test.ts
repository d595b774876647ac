// A lost answer does not duplicate an entry, over HTTP through the built server on SQLite and
// Postgres (issue 10, item 17): the 新增 form and the import page carry an idempotency key made
// when they are rendered; a save repeated with it (the retry after a network error, or several at
// once) creates once and answers like the first; the key is the user's own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import type { Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import samplePaper from "../fixtures/achievements/paper.json";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
const PASSWORD = "Tulip-Harbor-2931";
const NEW = "routes/archive.$slug.new";
const IMPORT = "routes/archive.$slug.import";
const paper = (samplePaper as any).valid as Record<string, unknown>[];

async function applicant() {
  const username = uniqueName("idem");
  const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
  await saveProfile(db, user.id, validProfile(await unitId(db)), null);
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: user.id };
}

const entries = (userId: number) => db.models.AchievementEntry.count({ where: { userId, categoryId: "achievement/paper" } });

/** The key the rendered form carries. */
async function formKey(c: Client, page: "new" | "import") {
  const res = await c.get(`/archive/paper/${page}?_data=${encodeURIComponent(page === "new" ? NEW : IMPORT)}`);
  expect(res.status).toBe(200);
  const key = (await res.json()).idempotencyKey;
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  return key as string;
}

const save = (c: Client, body: Record<string, unknown>) => c.action("/archive/paper/new", NEW, body);

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
}, 120_000);

afterAll(async () => {
  await ctx?.stop();
});

describe("新增 with the form's idempotency key", () => {
  it("a retried save returns the same entry instead of a second one", async () => {
    const a = await applicant();
    const key = await formKey(a.c, "new");
    expect(await formKey(a.c, "new")).not.toBe(key);
    const first = await save(a.c, { data: paper[0], idempotencyKey: key });
    expect(first.status).toBe(204);
    expect(first.headers.get("x-remix-redirect")).toBe("/archive/paper?notice=created");
    // The answer was lost; the user presses 保存 again on the same form.
    const retry = await save(a.c, { data: paper[0], idempotencyKey: key });
    expect(retry.status).toBe(204);
    expect(retry.headers.get("x-remix-redirect")).toBe("/archive/paper?notice=created");
    expect(await entries(a.id)).toBe(1);
    // A new rendering of the form is a new entry.
    expect((await save(a.c, { data: paper[0], idempotencyKey: await formKey(a.c, "new") })).status).toBe(204);
    expect(await entries(a.id)).toBe(2);
  });

  it("creates once when the same save arrives several times at once", async () => {
    const a = await applicant();
    const key = await formKey(a.c, "new");
    const answers = await Promise.all(Array.from({ length: 6 }, () => save(a.c, { data: paper[1], idempotencyKey: key })));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(204));
    expect(await entries(a.id)).toBe(1);
  });

  it("a refused save leaves the key free for the corrected one", async () => {
    const a = await applicant();
    const key = await formKey(a.c, "new");
    const bad = await save(a.c, { data: { ...paper[0], title: "" }, idempotencyKey: key });
    expect(bad.status).toBe(422);
    expect((await save(a.c, { data: paper[0], idempotencyKey: key })).status).toBe(204);
    expect(await entries(a.id)).toBe(1);
  });

  it("is the user's own: another user's save with the same key is theirs", async () => {
    const a = await applicant();
    const b = await applicant();
    const key = await formKey(a.c, "new");
    expect((await save(a.c, { data: paper[0], idempotencyKey: key })).status).toBe(204);
    expect((await save(b.c, { data: paper[0], idempotencyKey: key })).status).toBe(204);
    expect(await entries(a.id)).toBe(1);
    expect(await entries(b.id)).toBe(1);
  });

  it("refuses a malformed key in Chinese and creates nothing", async () => {
    const a = await applicant();
    for (const bad of ["short", "x".repeat(65), "含中文的键值含中文的键值含中文的键值", 12345678901234568]) {
      const res = await save(a.c, { data: paper[0], idempotencyKey: bad });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await entries(a.id)).toBe(0);
  });
});

describe("导入 with the page's idempotency key", () => {
  const rows = () => paper.slice(0, 2).map((data, i) => ({ row: i + 1, data, allowDuplicate: true }));
  const importRows = (c: Client, key: string) => c.action("/archive/paper/import", IMPORT, { intent: "import", rows: rows(), idempotencyKey: key });

  it("a retried import (even of rows ticked as duplicates) imports once and answers like the first", async () => {
    const a = await applicant();
    const key = await formKey(a.c, "import");
    const first = await importRows(a.c, key);
    expect(first.status).toBe(204);
    expect(first.headers.get("x-remix-redirect")).toBe("/archive/paper?notice=imported&count=2");
    const retry = await importRows(a.c, key);
    expect(retry.headers.get("x-remix-redirect")).toBe("/archive/paper?notice=imported&count=2");
    expect(await entries(a.id)).toBe(2);
  });

  it("imports once when the same import arrives several times at once", async () => {
    const a = await applicant();
    const key = await formKey(a.c, "import");
    const answers = await Promise.all(Array.from({ length: 4 }, () => importRows(a.c, key)));
    expect(answers.map((r) => r.status)).toEqual(Array(4).fill(204));
    expect(await entries(a.id)).toBe(2);
  });

  it("a key of the 新增 form sent to the import is refused, importing nothing", async () => {
    const a = await applicant();
    const key = await formKey(a.c, "new");
    expect((await save(a.c, { data: paper[0], idempotencyKey: key })).status).toBe(204);
    const res = await importRows(a.c, key);
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatch(/刷新/);
    expect(await entries(a.id)).toBe(1);
  });
});
