// 我的业绩档案库 over HTTP: every category saves a valid sample and refuses invalid ones; the
// status machine; conflicts; reviewer scope; batch approve; versioning; an 18th category file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTarget } from "../helpers/db";
import { startServer, startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { openDb, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { hashForm } from "~/engine/form-registry.server";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";

const ROOT = path.resolve(__dirname, "../..");
const CATEGORY_FILES = fs.readdirSync(path.join(ROOT, "forms/achievements")).filter((f) => f.endsWith(".json")).sort();
const fixture = (file: string) => {
  const def = JSON.parse(fs.readFileSync(path.join(ROOT, "forms/achievements", file), "utf8"));
  const slug = def.id.replace(/^achievement\//, "");
  return { def, slug, samples: JSON.parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/achievements", `${slug}.json`), "utf8")) };
};
const EDU = fixture(CATEGORY_FILES[0]);

let ctx: TestServer;
let server: RunningServer;
let db: Db;
const PASSWORD = "Tulip-Harbor-2931";
const R = {
  newEntry: "routes/archive.$slug.new",
  entry: "routes/archive.$slug.$id",
  list: "routes/archive.$slug._index",
  queue: "routes/review.entries._index",
  review: "routes/review.entries.$id",
};

async function applicant(unitName: string) {
  const c = new Client(server.url);
  const username = uniqueName("arc");
  await c.post("/register", { username, password: PASSWORD, confirmPassword: PASSWORD });
  const unit = await db.models.Unit.findOne({ where: { name: unitName } });
  const res = await c.post("/profile", { data: validProfile(unit!.id, { name: `申请人${username.slice(-4)}`, idNumber: idNumber() }), version: null }, { json: true });
  expect(res.status).toBe(302);
  const user = await db.models.User.findOne({ where: { username } });
  return { c, user: user! };
}

async function reviewer(unitName: string) {
  const unit = await db.models.Unit.findOne({ where: { name: unitName } });
  const username = uniqueName("rev");
  const user = await createUser(db, { username, password: PASSWORD, role: "unit_reviewer", scopes: { units: [unit!.creditCode] } });
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, user };
}

async function addEntry(c: Client, slug = EDU.slug, data = EDU.samples.valid[0]) {
  const res = await c.action(`/archive/${slug}/new`, R.newEntry, { data });
  expect(res.status).toBe(204);
  return db.models.AchievementEntry.findOne({ order: [["id", "DESC"]] }).then((e) => e!);
}

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
});
afterAll(async () => ctx?.stop());

describe("every category (table-driven over forms/achievements)", () => {
  let a: Awaited<ReturnType<typeof applicant>>;
  beforeAll(async () => {
    a = await applicant("浙江工业大学");
  });

  it("lists all categories in the manual's order with counts", async () => {
    const html = await (await a.c.get("/archive")).text();
    let last = -1;
    for (const file of CATEGORY_FILES) {
      const { def } = fixture(file);
      const at = html.indexOf(`>${def.title}<`);
      expect(at, def.title).toBeGreaterThan(last);
      last = at;
    }
  });

  it.each(CATEGORY_FILES.map((f) => [f]))("%s: a valid sample saves as 待审核 with its form version; invalid ones change nothing", async (file) => {
    const { def, slug, samples } = fixture(file);
    const before = await db.models.AchievementEntry.count({ where: { userId: a.user.id, categoryId: def.id } });
    const ok = await a.c.action(`/archive/${slug}/new`, R.newEntry, { data: samples.valid[0] });
    expect(ok.status, JSON.stringify(await ok.clone().text())).toBe(204);
    const row = await db.models.AchievementEntry.findOne({ where: { userId: a.user.id, categoryId: def.id }, order: [["id", "DESC"]] });
    expect(row).toMatchObject({ status: "pending", formVersion: def.version });
    expect(row!.title).toBe(String(samples.valid[0][def.meta.titleField]));
    for (const bad of samples.invalid) {
      const res = await a.c.action(`/archive/${slug}/new`, R.newEntry, { data: bad.data });
      expect(res.status).toBe(422);
      const body = await res.json();
      expect(body.fieldErrors[bad.field]?.join("") ?? "", `${slug} ${bad.field}`).toContain(bad.message);
    }
    expect(await db.models.AchievementEntry.count({ where: { userId: a.user.id, categoryId: def.id } })).toBe(before + 1);
    const list = await (await a.c.get(`/archive/${slug}`)).text();
    expect(list).toContain("待审核");
  });
});

describe("raw posts that skip the browser", () => {
  it.each([
    ["no data at all", {}, "此项为必填项"],
    ["wrong types", { data: { ...EDU.samples.valid[0], [EDU.def.meta.titleField]: 12345 } }, "类型不正确"],
    ["an unknown property", { data: { ...EDU.samples.valid[0], approvedBy: "myself" } }, "不允许的字段：approvedBy"],
    ["a status smuggled in", { data: { ...EDU.samples.valid[0], status: "approved" } }, "不允许的字段：status"],
    ["a 1 MB string", { data: { ...EDU.samples.valid[0], [EDU.def.meta.titleField]: "x".repeat(1_000_000) } }, "不能超过"],
  ])("%s → a Chinese message, nothing stored", async (_, body, msg) => {
    const a = await applicant("浙江工业大学");
    const res = await a.c.action(`/archive/${EDU.slug}/new`, R.newEntry, body);
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain(msg);
    expect(await db.models.AchievementEntry.count({ where: { userId: a.user.id } })).toBe(0);
  });

  it("a 10 MB body → 413 and nothing stored", async () => {
    const a = await applicant("浙江工业大学");
    const res = await a.c.action(`/archive/${EDU.slug}/new`, R.newEntry, { data: { x: "y".repeat(10_000_000) } });
    expect(res.status).toBe(413);
    expect(await db.models.AchievementEntry.count({ where: { userId: a.user.id } })).toBe(0);
  });

  it("an unknown category is a 404", async () => {
    const a = await applicant("浙江工业大学");
    expect((await a.c.get("/archive/no-such-category")).status).toBe(404);
    expect((await a.c.get("/archive/..%2F..%2Fetc")).status).toBe(404);
  });
});

describe("status machine", () => {
  it("pending → edit stays pending; return needs a reason; returned → edit → pending; approve locks it", async () => {
    const a = await applicant("浙江工业大学");
    const r = await reviewer("浙江工业大学");
    const e = await addEntry(a.c);
    const edited = { ...EDU.samples.valid[0], [EDU.def.meta.titleField]: "浙江大学（修改）" };
    expect((await a.c.action(`/archive/${EDU.slug}/${e.id}`, R.entry, { data: edited, version: e.version })).status).toBe(204);
    let row = (await db.models.AchievementEntry.findByPk(e.id))!;
    expect(row).toMatchObject({ status: "pending", version: e.version + 1, title: "浙江大学（修改）" });

    const noReason = await r.c.action(`/review/entries/${e.id}`, R.review, { decision: "return", reason: "  ", version: row.version });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error).toBe("请填写退回原因");
    expect((await r.c.action(`/review/entries/${e.id}`, R.review, { decision: "return", reason: "证书编号与扫描件不一致", version: row.version })).status).toBe(204);
    row = (await db.models.AchievementEntry.findByPk(e.id))!;
    expect(row).toMatchObject({ status: "returned", returnReason: "证书编号与扫描件不一致", reviewerId: r.user.id });
    const list = (await (await a.c.get(`/archive/${EDU.slug}`)).text()).replaceAll("<!-- -->", "");
    expect(list).toContain("退回原因：证书编号与扫描件不一致");

    expect((await a.c.action(`/archive/${EDU.slug}/${e.id}`, R.entry, { data: edited, version: row.version })).status).toBe(204);
    row = (await db.models.AchievementEntry.findByPk(e.id))!;
    expect(row).toMatchObject({ status: "pending", returnReason: null });

    expect((await r.c.action(`/review/entries/${e.id}`, R.review, { decision: "approve", version: row.version })).status).toBe(204);
    row = (await db.models.AchievementEntry.findByPk(e.id))!;
    expect(row.status).toBe("approved");

    const editApproved = await a.c.action(`/archive/${EDU.slug}/${e.id}`, R.entry, { data: edited, version: row.version });
    expect(editApproved.status).toBe(409);
    expect((await editApproved.json()).error).toBe("已审核通过的业绩不能修改");
    const delApproved = await a.c.action(`/archive/${EDU.slug}`, R.list, { intent: "delete", id: e.id, version: row.version });
    expect(delApproved.status).toBe(409);
    expect((await delApproved.json()).error).toBe("已审核通过的业绩不能删除");
    for (const decision of ["approve", "return"]) {
      const again = await r.c.action(`/review/entries/${e.id}`, R.review, { decision, reason: "再审", version: row.version });
      expect(again.status).toBe(409);
      expect((await again.json()).error).toMatch(/只能(审核|退回)待审核状态的业绩/);
    }
    const audit = await db.models.AuditLog.findAll({ where: { entityType: "achievement-entry", entityId: String(e.id) }, order: [["id", "ASC"]] });
    expect(audit.map((x) => `${x.action}:${x.fromState}→${x.toState}`)).toEqual([
      "create:null→pending", "resubmit:pending→pending", "return:pending→returned", "resubmit:returned→pending", "approve:pending→approved",
    ]);
    expect(audit[2]).toMatchObject({ actorId: r.user.id, actorRole: "unit_reviewer", comment: "证书编号与扫描件不一致" });
  });

  it("deletes a pending entry", async () => {
    const a = await applicant("浙江工业大学");
    const e = await addEntry(a.c);
    expect((await a.c.action(`/archive/${EDU.slug}`, R.list, { intent: "delete", id: e.id, version: e.version })).status).toBe(204);
    expect(await db.models.AchievementEntry.findByPk(e.id)).toBeNull();
  });
});

describe("races", () => {
  it("two tabs editing one entry: the second save gets a conflict, the first is kept", async () => {
    const a = await applicant("浙江工业大学");
    const e = await addEntry(a.c);
    const t = EDU.def.meta.titleField;
    expect((await a.c.action(`/archive/${EDU.slug}/${e.id}`, R.entry, { data: { ...EDU.samples.valid[0], [t]: "第一个标签页" }, version: e.version })).status).toBe(204);
    const second = await a.c.action(`/archive/${EDU.slug}/${e.id}`, R.entry, { data: { ...EDU.samples.valid[0], [t]: "第二个标签页" }, version: e.version });
    expect(second.status).toBe(409);
    expect((await second.json()).error).toContain("请刷新后重试");
    expect((await db.models.AchievementEntry.findByPk(e.id))!.title).toBe("第一个标签页");
  });

  it("a reviewer deciding on an entry the applicant just edited gets a conflict", async () => {
    const a = await applicant("浙江工业大学");
    const r = await reviewer("浙江工业大学");
    const e = await addEntry(a.c);
    await a.c.action(`/archive/${EDU.slug}/${e.id}`, R.entry, { data: EDU.samples.valid[1] ?? EDU.samples.valid[0], version: e.version });
    const res = await r.c.action(`/review/entries/${e.id}`, R.review, { decision: "approve", version: e.version });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toContain("已被申请人修改");
    expect((await db.models.AchievementEntry.findByPk(e.id))!.status).toBe("pending");
  });
});

describe("scope", () => {
  it("a reviewer of unit B cannot see or decide entries of unit A; an applicant cannot read another's entry", async () => {
    const a = await applicant("浙江工业大学");
    const other = await applicant("浙江大学");
    const rA = await reviewer("浙江工业大学");
    const rB = await reviewer("浙江大学");
    const e = await addEntry(a.c);
    expect((await rB.c.get(`/review/entries/${e.id}`)).status).toBe(404);
    const decide = await rB.c.action(`/review/entries/${e.id}`, R.review, { decision: "approve", version: e.version });
    expect(decide.status).toBe(404);
    const queueB = await (await rB.c.get("/review/entries")).text();
    expect(queueB).not.toContain(`/review/entries/${e.id}"`);
    const queueA = await (await rA.c.get("/review/entries")).text();
    expect(queueA).toContain(`/review/entries/${e.id}"`);
    expect((await other.c.get(`/archive/${EDU.slug}/${e.id}`)).status).toBe(404);
    const steal = await other.c.action(`/archive/${EDU.slug}/${e.id}`, R.entry, { data: EDU.samples.valid[0], version: e.version });
    expect(steal.status).toBe(404);
    const del = await other.c.action(`/archive/${EDU.slug}`, R.list, { intent: "delete", id: e.id, version: e.version });
    expect(del.status).toBe(404);
    expect((await db.models.AchievementEntry.findByPk(e.id))!.status).toBe("pending");
    // Staff and applicants keep to their own sides.
    expect((await rA.c.get("/archive")).status).toBe(403);
    expect((await a.c.get("/review/entries")).status).toBe(403);
  });

  it("an applicant who changes unit takes their pending entries from the old unit's queue to the new one's", async () => {
    const a = await applicant("浙江工业大学");
    const rA = await reviewer("浙江工业大学");
    const rB = await reviewer("浙江大学");
    const e = await addEntry(a.c);
    const queue = async (r: typeof rA) => (await (await r.c.get(`/review/entries?pageSize=100&q=${encodeURIComponent(a.user.username)}&_data=${encodeURIComponent(R.queue)}`)).json()).rows.map((x: any) => x.id);
    expect(await queue(rA)).toEqual([e.id]);
    expect(await queue(rB)).toEqual([]);
    const profile = (await db.models.Profile.findOne({ where: { userId: a.user.id } }))!;
    const zju = (await db.models.Unit.findOne({ where: { name: "浙江大学" } }))!;
    // unitId: the work-unit field of forms/profile.json (meta.unitField).
    const moved = await a.c.action("/profile", "routes/profile", { data: { ...profile.data, unitId: zju.id }, version: profile.version });
    expect(moved.status).toBe(204);
    expect((await db.models.Profile.findOne({ where: { userId: a.user.id } }))!.unitId).toBe(zju.id);
    expect(await queue(rA)).toEqual([]);
    expect(await queue(rB)).toEqual([e.id]);
    expect((await rA.c.get(`/review/entries/${e.id}`)).status).toBe(404);
    expect((await rB.c.get(`/review/entries/${e.id}`)).status).toBe(200);
    // Moving the entry is not an edit: its version (the decision guard) and updatedAt stay.
    const after = (await db.models.AchievementEntry.findByPk(e.id))!;
    expect(after.version).toBe(e.version);
    expect(after.updatedAt.getTime()).toBe(e.updatedAt.getTime());
    // New entries carry the new unit too.
    const e2 = await addEntry(a.c);
    expect(e2.unitId).toBe(zju.id);
    expect(await queue(rB)).toEqual([e.id, e2.id]);
  });

  it("batch approve: rows in scope pass, a row outside the scope is reported and untouched", async () => {
    const a = await applicant("浙江工业大学");
    const other = await applicant("浙江大学");
    const r = await reviewer("浙江工业大学");
    const e1 = await addEntry(a.c);
    const e2 = await addEntry(a.c, EDU.slug, EDU.samples.valid[1] ?? EDU.samples.valid[0]);
    const foreign = await addEntry(other.c);
    const res = await r.c.action("/review/entries", R.queue, { items: [e1, e2, foreign].map((e) => ({ id: e.id, version: e.version })) });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatch(/已通过 2 条；1 条未能通过/);
    expect((await db.models.AchievementEntry.findByPk(e1.id))!.status).toBe("approved");
    expect((await db.models.AchievementEntry.findByPk(e2.id))!.status).toBe("approved");
    expect((await db.models.AchievementEntry.findByPk(foreign.id))!.status).toBe("pending");
  });

  it("the queue filters by category, applicant and date", async () => {
    const a = await applicant("浙江工业大学");
    const r = await reviewer("浙江工业大学");
    const e = await addEntry(a.c);
    const name = (await db.models.User.findByPk(a.user.id))!.displayName!;
    const get = async (q: string) => (await r.c.get(`/review/entries?${q}&_data=${encodeURIComponent(R.queue)}`)).json();
    const byName = await get(`q=${encodeURIComponent(name)}`);
    expect(byName.rows.map((x: any) => x.id)).toEqual([e.id]);
    expect(byName.rows[0]).toMatchObject({ applicant: name, unit: "浙江工业大学", category: EDU.def.title });
    expect((await get(`q=${encodeURIComponent(name)}&category=${encodeURIComponent("achievement/paper")}`)).rows).toEqual([]);
    expect((await get(`q=${encodeURIComponent(name)}&from=2000-01-01&to=2000-12-31`)).rows).toEqual([]);
    const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
    expect((await get(`q=${encodeURIComponent(name)}&from=${today}&to=${today}`)).rows.map((x: any) => x.id)).toEqual([e.id]);
  });
});

describe("versioning", () => {
  it("a new category version opens pending entries in it, flagging new failures; approved keep theirs", async () => {
    const a = await applicant("浙江工业大学");
    const r = await reviewer("浙江工业大学");
    const pending = await addEntry(a.c);
    const approved = await addEntry(a.c);
    await r.c.action(`/review/entries/${approved.id}`, R.review, { decision: "approve", version: approved.version });
    const v1 = (await db.models.FormVersion.findOne({ where: { formId: EDU.def.id, version: EDU.def.version } }))!;
    const schema = JSON.parse(JSON.stringify(v1.schema));
    schema.properties.verifiedBy = { type: "string", title: "核验人", maxLength: 20 };
    schema.required = [...schema.required, "verifiedBy"];
    const next = { kind: v1.kind, title: v1.title, schema, uiSchema: { ...v1.uiSchema, "ui:order": undefined }, meta: v1.meta };
    delete (next.uiSchema as any)["ui:order"];
    await db.models.FormVersion.create({ formId: EDU.def.id, version: EDU.def.version + 1, ...next, hash: hashForm(next as any), createdBy: "test" });

    const view = await (await a.c.get(`/archive/${EDU.slug}/${pending.id}?_data=${encodeURIComponent(R.entry)}`)).json();
    expect(view.upgraded).toBe(true);
    expect(view.form.version).toBe(EDU.def.version + 1);
    expect(view.flagged.verifiedBy).toEqual(["此项为必填项"]);
    expect(view.data).toEqual(pending.data);
    const old = await (await a.c.get(`/archive/${EDU.slug}/${approved.id}?_data=${encodeURIComponent(R.entry)}`)).json();
    expect(old.upgraded).toBe(false);
    expect(old.form.version).toBe(EDU.def.version);
    expect(old.editable).toBe(false);

    const save = await a.c.action(`/archive/${EDU.slug}/${pending.id}`, R.entry, { data: { ...pending.data, verifiedBy: "王老师" }, version: pending.version });
    expect(save.status).toBe(204);
    expect((await db.models.AchievementEntry.findByPk(pending.id))!.formVersion).toBe(EDU.def.version + 1);
    expect((await db.models.AchievementEntry.findByPk(approved.id))!.formVersion).toBe(EDU.def.version);
    // The reviewer reads each entry in the version it was saved with.
    const rv = await (await r.c.get(`/review/entries/${approved.id}?_data=${encodeURIComponent(R.review)}`)).json();
    expect(rv.form.schema.properties.verifiedBy).toBeUndefined();
  });
});

describe("an 18th category file", () => {
  it("appears in the archive after a restart, with no code change, and takes entries", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "forms-18-"));
    fs.cpSync(path.join(ROOT, "forms"), dir, { recursive: true });
    fs.copyFileSync(path.join(ROOT, "tests/fixtures/forms/99-fixture-category.json"), path.join(dir, "achievements/99-fixture-category.json"));
    const t2 = await createTestTarget();
    const s2 = await startServer(t2, { FORMS_DIR: dir });
    try {
      const c = new Client(s2.url);
      await c.post("/register", { username: uniqueName("ext"), password: PASSWORD, confirmPassword: PASSWORD });
      const db2 = openDb({ databaseUrl: t2.databaseUrl, sqlitePath: t2.sqlitePath });
      const unit = await db2.models.Unit.findOne({ where: { name: "浙江工业大学" } });
      await c.post("/profile", { data: validProfile(unit!.id), version: null }, { json: true });
      const html = await (await c.get("/archive")).text();
      expect(html).toContain("技术推广应用情况");
      expect(html.indexOf("技术推广应用情况")).toBeGreaterThan(html.indexOf("考核情况"));
      const res = await c.action("/archive/fixture-extension/new", R.newEntry, { data: { name: "节水灌溉技术推广", promotedAt: "2023-05", scope: "省内", benefit: 120 } });
      expect(res.status).toBe(204);
      const list = await (await c.get("/archive/fixture-extension")).text();
      expect(list).toContain("节水灌溉技术推广");
      expect(list).toContain("推广范围");
      await db2.sequelize.close();
    } finally {
      await s2.stop();
      await t2.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
