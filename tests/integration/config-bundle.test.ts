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
import { getDefinition, publishDefinition, unpublished } from "~/engine/definitions/lifecycle.server";
import { templateKind } from "~/engine/definitions/kinds/template.server";
import { PLAN_TYPES_ID, planTypesKind } from "~/engine/definitions/kinds/plan-types.server";
import { workflowKind } from "~/engine/definitions/kinds/workflow.server";
import { getWorkflow } from "~/engine/workflow/registry.server";
import { renderTemplate } from "~/engine/templates.server";

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
    forms: await m.FormVersion.count(), templates: await m.TemplateVersion.count(), planTypes: await m.PlanTypeVersion.count(), workflows: await m.WorkflowVersion.count(), plans: await m.Plan.count(), series: await m.TitleSeries.count(), specs: await m.Specialty.count(),
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
  // an application type only the first install has: its own template and plan type
  const by = { by: "designer" };
  await publishDefinition(ctx.db, templateKind, { id: NEW_TEMPLATE, source: "<h1>打包测试评审表</h1><p>{{applicant.name}}</p>", partials: {} }, by);
  const pt = (await getDefinition(ctx.db, planTypesKind, PLAN_TYPES_ID))!;
  await publishDefinition(ctx.db, planTypesKind, { planTypes: [...pt.planTypes, { planType: "打包测试", applicationType: NEW_TYPE, label: "打包测试申报", recognitionTypes: [], acceptedBy: "departments" }] }, by);
  const base = (await getWorkflow(ctx.db, "graduate-initial"))!;
  await publishDefinition(ctx.db, workflowKind, { ...base, id: NEW_TYPE, name: "打包测试申报", planType: "打包测试", templates: { ...base.templates, reviewForm: NEW_TEMPLATE } }, { ...by, version: 1 });
});
const NEW_TYPE = "bundle-type";
const NEW_TEMPLATE = "review-form/bundle-type";
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
    expect(bundle).toMatchObject({ format: "zcps-config", version: 1 });
    expect(bundle.workflows.map((w: any) => w.id)).toEqual(expect.arrayContaining(["title-review", NEW_TYPE]));
    expect(bundle.templates.find((t: any) => t.id === "review-form/title-review").partials).toHaveProperty("review-head");
    expect(bundle.planTypes.planTypes.map((t: any) => t.planType)).toContain("打包测试");
    expect(Object.keys(bundle)).toEqual([...Object.keys(bundle)].sort());
    expect(bundle.forms.length).toBeGreaterThan(0);
    expect(bundle.dictionaries["title-series"].find((x: any) => x.name === "测试系列").specialties).toEqual(["测试专业"]);
    expect(bundle.plans.find((p: any) => p.name === "测试导出计划")).toMatchObject({ titleSeries: "测试系列", affiliations: ["测试隶属"], committees: ["测试评审委员会"] });
  });

  it("imports into a fresh database and reproduces the configuration; re-import changes nothing", async () => {
    const s1 = await importBundle(second.db, actor, bundle);
    expect(s1.plans.created).toContain("测试导出计划（2026）");
    // the new type arrives with what it names: its template and plan type
    expect(s1.templates.published).toEqual([`${NEW_TEMPLATE} v1`]);
    expect(s1.planTypes.published).toEqual(["plan-types v2"]);
    expect(s1.workflows.published).toEqual([`${NEW_TYPE} v1`]);
    expect((await getWorkflow(second.db, NEW_TYPE))!.templates.reviewForm).toBe(NEW_TEMPLATE);
    expect(await renderTemplate(second.db, NEW_TEMPLATE, { applicant: { name: "张三" } })).toContain("<h1>打包测试评审表</h1><p>张三</p>");
    const again = await exportBundle(second.db);
    const unversioned = (xs: any[]) => xs.map((f: any) => ({ ...f, version: null }));
    const strip = (b: any) => ({ ...b, exportedAt: null, forms: unversioned(b.forms), templates: unversioned(b.templates), workflows: unversioned(b.workflows), planTypes: { ...b.planTypes, version: null } });
    expect(strip(again)).toEqual(strip(bundle));
    const before = await counts(second.db);
    const s2 = await importBundle(second.db, actor, bundle);
    expect(s2.forms.published).toEqual([]);
    expect([...s2.templates.published, ...s2.planTypes.published, ...s2.workflows.published]).toEqual([]);
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

  it("refuses an application type naming a step kind, template or role the engine does not have, naming the path, and changes nothing", async () => {
    const b = structuredClone(bundle);
    const i = b.workflows.findIndex((w: any) => w.id === NEW_TYPE);
    b.workflows[i].name = "打包测试申报（修订）";
    b.workflows[i].steps.push({ id: "stars", kind: "star-rating", title: "评星" });
    b.templates.find((t: any) => t.id === NEW_TEMPLATE).source = "<h1>改过的</h1>";
    const before = await counts(second.db);
    const err = await importBundle(second.db, actor, b).catch((e) => e);
    expect(err).toBeInstanceOf(BundleError);
    const msg = (err as BundleError).problems.join("\n");
    expect(msg).toContain(`workflows[${i}]（${NEW_TYPE}）：`);
    // the meta-schema refuses the unknown kind first, naming the step and the kinds there are
    expect(msg).toContain("steps.9.kind 应为以下之一：");
    expect(msg).toContain("pledge-sign");
    expect(await counts(second.db)).toEqual(before);
    expect((await getDefinition(second.db, templateKind, NEW_TEMPLATE))!.version).toBe(1);
  });

  it("refuses an application type whose template or deciding role does not exist, naming the path", async () => {
    const b = structuredClone(bundle);
    const i = b.workflows.findIndex((w: any) => w.id === NEW_TYPE);
    b.workflows[i].templates.reviewForm = "review-form/none";
    b.workflows[i].reviewChain.stages[0].role = "applicant";
    const before = await counts(second.db);
    const msg = ((await importBundle(second.db, actor, b).catch((e) => e)) as BundleError).problems.join("\n");
    expect(msg).toContain(`workflows[${i}]（${NEW_TYPE}）：`);
    expect(msg).toContain("role「applicant」不是审核申报的角色");
    expect(await counts(second.db)).toEqual(before);
  });

  it("publishes a changed application type as the next version; the installed one stays as it was", async () => {
    const b = structuredClone(bundle);
    const w = b.workflows.find((x: any) => x.id === NEW_TYPE);
    w.name = "打包测试申报（第二版）";
    const s = await importBundle(second.db, actor, b);
    expect(s.workflows.published).toEqual([`${NEW_TYPE} v2`]);
    expect((await getWorkflow(second.db, NEW_TYPE, 1))!.name).toBe("打包测试申报");
    expect(unpublished((await getDefinition(second.db, workflowKind, NEW_TYPE))!).name).toBe("打包测试申报（第二版）");
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
