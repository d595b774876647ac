// Configuration bundle: export over HTTP → import into a FRESH second database reproduces forms,
// dictionaries and plans; re-import changes nothing; one bad item refuses the whole bundle with
// its path and changes nothing; applicants get 403. SQLite and Postgres.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { createTestDb } from "../helpers/db";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { createPlan } from "~/engine/plans.server";
import { BundleError, exportBundle, importBundle } from "~/engine/config-bundle.server";
import { uniqueName } from "../helpers/fixtures";
import type { Db } from "~/utils/db.server";

let ctx: TestServer;
let second: Awaited<ReturnType<typeof createTestDb>>;
let admin: Client;
const PASSWORD = "Tulip-Harbor-2931";
const DAY = 86_400_000;
const actor = { username: "importer" };

async function login(role: string) {
  const username = uniqueName(role.replace("_", ""));
  await createUser(ctx.db, { username, password: PASSWORD, role });
  const c = new Client(ctx.server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}

async function counts(db: Db) {
  const m = db.models;
  return {
    forms: await m.FormVersion.count(), plans: await m.Plan.count(), series: await m.TitleSeries.count(), specs: await m.Specialty.count(),
    units: await m.Unit.count(), committees: await m.Committee.count(), affs: await m.Affiliation.count(),
  };
}

beforeAll(async () => {
  ctx = await startTestServer();
  second = await createTestDb();
  admin = await login("admin");
  const m = ctx.db.models;
  // configuration only the first install has: a new series, a plan, a changed form
  const aff = await m.Affiliation.create({ name: "测试隶属", sortOrder: 99 });
  const s = await m.TitleSeries.create({ name: "测试系列", code: "TEST", sortOrder: 99, levels: ["中级", "副高级"] });
  await m.Specialty.create({ seriesId: s.id, name: "测试专业" });
  const c = await m.Committee.create({ name: "测试评审委员会", seriesIds: [s.id], specialtyIds: [], levels: ["副高级"], affiliationIds: [aff.id] });
  await createPlan(ctx.db, {
    name: "测试导出计划", planType: "职称评审", titleSeriesId: s.id, titleLevel: "副高级", affiliationIds: [aff.id], year: 2026,
    opensAt: new Date(Date.now() - DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>基本信息</p>", eligibilityRules: [], committeeIds: [c.id], specialtyIds: [], fee: 100,
  });
});
afterAll(async () => {
  await second?.close();
  await ctx?.stop();
});

describe("export / import", () => {
  let bundle: any;

  it("exports a stable JSON download", async () => {
    const res = await admin.get("/admin/config/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="zcps-config-\d{4}-\d{2}-\d{2}\.json"/);
    bundle = JSON.parse(await res.text());
    expect(bundle).toMatchObject({ format: "zcps-config", version: 1, workflows: [] });
    expect(Object.keys(bundle)).toEqual([...Object.keys(bundle)].sort());
    expect(bundle.forms.length).toBeGreaterThan(0);
    expect(bundle.dictionaries["title-series"].find((x: any) => x.name === "测试系列").specialties).toEqual(["测试专业"]);
    expect(bundle.plans.find((p: any) => p.name === "测试导出计划")).toMatchObject({ titleSeries: "测试系列", affiliations: ["测试隶属"], committees: ["测试评审委员会"] });
  });

  it("imports into a fresh database and reproduces the configuration; re-import changes nothing", async () => {
    const s1 = await importBundle(second.db, actor, bundle);
    expect(s1.plans.created).toContain("测试导出计划（2026）");
    const again = await exportBundle(second.db);
    const strip = (b: any) => ({ ...b, exportedAt: null, forms: b.forms.map((f: any) => ({ ...f, version: null })) });
    expect(strip(again)).toEqual(strip(bundle));
    const before = await counts(second.db);
    const s2 = await importBundle(second.db, actor, bundle);
    expect(s2.forms.published).toEqual([]);
    expect(s2.plans.created.length + s2.plans.updated.length).toBe(0);
    for (const d of Object.values(s2.dictionaries)) expect(d.created.length + d.updated.length).toBe(0);
    expect(await counts(second.db)).toEqual(before);
  });

  it("publishes a changed form as the next version", async () => {
    const b = structuredClone(bundle);
    const f = b.forms.find((x: any) => x.kind === "achievement");
    const before = await second.db.models.FormVersion.max("version", { where: { formId: f.id } });
    f.title = f.title + "（修订）";
    const s = await importBundle(second.db, actor, b);
    expect(s.forms.published).toEqual([`${f.id} v${Number(before) + 1}`]);
  });

  it("refuses a bundle with bad items, naming the paths, and changes nothing", async () => {
    const b = structuredClone(bundle);
    b.plans.push({ ...b.plans[0], name: "新计划", titleSeries: "不存在的系列" });
    b.dictionaries["title-series"].push({ name: "另一个新系列", code: "NEW2", sortOrder: 1, levels: ["中级"], specialties: [] });
    b.forms[0].schema = { type: "object", properties: { a: { type: "strin" } } };
    const before = await counts(second.db);
    const err = await importBundle(second.db, actor, b).catch((e) => e);
    expect(err).toBeInstanceOf(BundleError);
    const msg = (err as BundleError).problems.join("\n");
    expect(msg).toContain(`plans[${b.plans.length - 1}].titleSeries：职称系列「不存在的系列」不存在`);
    expect(msg).toContain("forms[0]");
    expect(await counts(second.db)).toEqual(before);
    expect(await second.db.models.TitleSeries.findOne({ where: { name: "另一个新系列" } })).toBeNull();
  });

  it("refuses a form naming a widget or field the engine does not have (issue 17), naming the path", async () => {
    const b = structuredClone(bundle);
    const i = b.forms.findIndex((x: any) => x.kind === "achievement");
    const first = Object.keys(b.forms[i].schema.properties)[0];
    b.forms[i].uiSchema = { ...b.forms[i].uiSchema, [first]: { ...(b.forms[i].uiSchema[first] ?? {}), "ui:widget": "StarPicker" }, "ui:ObjectFieldTemplate": "CardTemplate" };
    const before = await counts(second.db);
    const err = await importBundle(second.db, actor, b).catch((e) => e);
    expect(err).toBeInstanceOf(BundleError);
    const msg = (err as BundleError).problems.join("\n");
    expect(msg).toContain(`uiSchema.${first}.ui:widget：控件「StarPicker」不存在`);
    expect(msg).toContain("uiSchema.ui:ObjectFieldTemplate：模板「CardTemplate」不存在");
    expect(await counts(second.db)).toEqual(before);
  });

  it("previews over HTTP without changing anything, then applies", async () => {
    const b = structuredClone(bundle);
    b.dictionaries.affiliations.push({ name: "预览隶属", sortOrder: 5 });
    const route = "routes/admin.config";
    const n = await ctx.db.models.Affiliation.count();
    const pre = await admin.action("/admin/config", route, { intent: "preview", bundle: JSON.stringify(b) });
    expect(pre.status).toBe(200);
    expect((await pre.json()).summary.dictionaries.affiliations.created).toEqual(["预览隶属"]);
    expect(await ctx.db.models.Affiliation.count()).toBe(n);
    const ok = await admin.action("/admin/config", route, { intent: "apply", bundle: JSON.stringify(b) });
    expect(ok.status).toBe(200);
    expect(await ctx.db.models.Affiliation.count()).toBe(n + 1);
    const bad = await admin.action("/admin/config", route, { intent: "apply", bundle: JSON.stringify({ ...b, format: "x" }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("format");
  });

  it("is admin only", async () => {
    const applicant = await login("applicant");
    expect((await applicant.get("/admin/config/export")).status).toBe(403);
    expect((await applicant.get("/admin/config")).status).toBe(403);
  });
});
