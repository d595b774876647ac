// Form designer engine against a real DB (both dialects): refusals store nothing, publishing
// adds an immutable next version, records keep theirs, a new category is live at once, impact
// counts, draft optimistic lock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../helpers/db";
import { createUser } from "~/engine/people/users.server";
import { FormConfigError, getForm, validateRecord } from "~/engine/form-registry.server";
import { createEntry, getCategory, listCategories } from "~/engine/archive.server";
import { formVersions, getDraft, impactOf, listForms, publishFormVersion, saveDraft, type FormInput } from "~/engine/form-publish.server";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";

let ctx: Awaited<ReturnType<typeof createTestDb>>;
const admin = { username: "form-admin" };
let nextOrder = 500;

beforeAll(async () => {
  ctx = await createTestDb();
});
afterAll(async () => ctx?.close());

const category = (slug: string, over: Partial<FormInput> = {}, props: Record<string, any> = {}): FormInput => ({
  id: `achievement/${slug}`, kind: "achievement", title: "技术推广应用情况",
  schema: {
    type: "object", required: ["name"],
    properties: { name: { type: "string", title: "项目名称", maxLength: 100 }, year: { type: "integer", title: "年份", minimum: 1950, maximum: 2100 }, ...props },
  },
  uiSchema: { "ui:order": ["name", "*"] },
  meta: { order: nextOrder++, icon: "RocketOutlined", titleField: "name", listColumns: [{ field: "name" }, { field: "year" }] },
  ...over,
});

async function applicantId() {
  const u = await createUser(ctx.db, { username: uniqueName("fp"), password: "Tulip-Harbor-2931", role: "applicant" });
  return u.id;
}

describe("publishFormVersion", () => {
  const dangerous: [string, Record<string, any>][] = [
    ["ReDoS pattern", { bad: { type: "string", maxLength: 30, pattern: "^(a+)+$" } }],
    ["remote $ref", { bad: { $ref: "https://evil.example/s.json" } }],
    ["200-deep nesting", { bad: Array.from({ length: 200 }).reduce((s: any) => ({ type: "object", properties: { x: s } }), { type: "string", maxLength: 3 }) as any }],
    ["5 MB schema", { bad: { type: "string", maxLength: 3, description: "长".repeat(2 * 1024 * 1024) } }],
    ["pattern without maxLength", { bad: { type: "string", pattern: "^[0-9]+$" } }],
  ];
  it.each(dangerous)("refuses %s quickly and stores nothing", async (_name, props) => {
    const before = await ctx.db.models.FormVersion.count();
    const slug = `danger-${Math.random().toString(36).slice(2, 8)}`;
    const t = performance.now();
    const err = await publishFormVersion(ctx.db, admin, category(slug, {}, props)).catch((e) => e);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(err).toBeInstanceOf(FormConfigError);
    expect(err.problems.length).toBeGreaterThan(0);
    expect(await ctx.db.models.FormVersion.count()).toBe(before);
    await expect(saveDraft(ctx.db, admin, category(slug, {}, props), null)).rejects.toBeInstanceOf(FormConfigError);
    expect(await getDraft(ctx.db, `achievement/${slug}`)).toBeNull();
  });

  it("creates a new category that is listed at once; a new version leaves the old one and its entries alone", async () => {
    const slug = `tech-${Math.random().toString(36).slice(2, 8)}`;
    const v1 = await publishFormVersion(ctx.db, admin, category(slug));
    expect(v1).toMatchObject({ id: `achievement/${slug}`, version: 1, createdBy: "form-admin" });
    expect((await listCategories(ctx.db)).map((c) => c.id)).toContain(`achievement/${slug}`);

    const userId = await applicantId();
    const e1 = await createEntry(ctx.db, userId, (await getCategory(ctx.db, slug))!, { name: "推广一", year: 2020 });
    expect(e1.formVersion).toBe(1);

    const v2 = await publishFormVersion(ctx.db, admin, category(slug, { title: "技术推广应用情况（新）", meta: { ...v1.meta } }, { benefit: { type: "string", title: "效益", maxLength: 200 } }));
    expect(v2.version).toBe(2);
    const old = await ctx.db.models.FormVersion.findOne({ where: { formId: v1.id, version: 1 } });
    expect(old!.hash).toBe(v1.hash);
    expect(old!.title).toBe("技术推广应用情况");
    expect((await ctx.db.models.AchievementEntry.findByPk(e1.id))!.formVersion).toBe(1);
    const e2 = await createEntry(ctx.db, userId, (await getCategory(ctx.db, slug))!, { name: "推广二", benefit: "好" });
    expect(e2.formVersion).toBe(2);

    const info = await formVersions(ctx.db, v1.id);
    expect(info!.versions.map((v) => [v.version, v.records, v.createdBy])).toEqual([[2, 1, "form-admin"], [1, 1, "form-admin"]]);
    const listed = await listForms(ctx.db, { q: slug, offset: 0, pageSize: 10 });
    expect(listed.total).toBe(1);
    expect((await listForms(ctx.db, { q: "个人基本信息", offset: 0, pageSize: 10 })).rows[0].kind).toBe("profile");
  });

  it("publishes a 2019-09 dependentRequired schema as its draft-07 equivalent, which the server enforces", async () => {
    const def = category("dep-required", {}, { approval: { type: "string", title: "批准文号", maxLength: 50 } });
    (def.schema as any).dependentRequired = { year: ["approval"] };
    const published = await publishFormVersion(ctx.db, admin, def);
    expect(published.schema.dependentRequired).toBeUndefined();
    expect(published.schema.dependencies).toEqual({ year: ["approval"] });
    const bad = await validateRecord(ctx.db, published, { name: "节水灌溉", year: 2023 });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { approval: [expect.stringContaining("此项为必填项")] } });
    expect((await validateRecord(ctx.db, published, { name: "节水灌溉", year: 2023, approval: "浙科〔2023〕1号" })).ok).toBe(true);
  });

  it("refuses to change a form's kind or reuse another category's order", async () => {
    const a = await publishFormVersion(ctx.db, admin, category(`ord-${Math.random().toString(36).slice(2, 8)}`));
    const err = await publishFormVersion(ctx.db, admin, category(`ord2-${Math.random().toString(36).slice(2, 8)}`, { meta: { ...a.meta } })).catch((e) => e);
    expect(err.problems.join()).toMatch(/meta\.order .*重复/);
    const kind = await publishFormVersion(ctx.db, admin, { ...category("x"), id: a.id, kind: "application" } as FormInput).catch((e) => e);
    expect(kind.problems.join()).toMatch(/kind 不能修改/);
    expect(await getForm(ctx.db, a.id)).toMatchObject({ version: 1 });
  });
});

describe("impactOf", () => {
  it("counts pending/returned entries that would fail, by field (approved ones are not counted)", async () => {
    const slug = `imp-${Math.random().toString(36).slice(2, 8)}`;
    const v1 = await publishFormVersion(ctx.db, admin, category(slug));
    const userId = await applicantId();
    const cat = (await getCategory(ctx.db, slug))!;
    await createEntry(ctx.db, userId, cat, { name: "短", year: 2020 });
    await createEntry(ctx.db, userId, cat, { name: "一个很长的名称", year: 1960 });
    const approved = await createEntry(ctx.db, userId, cat, { name: "已通过", year: 1960 });
    await ctx.db.models.AchievementEntry.update({ status: "approved" }, { where: { id: approved.id } });

    const next = category(slug, { meta: v1.meta }, { year: { type: "integer", minimum: 2000 }, benefit: { type: "string", maxLength: 9 } });
    next.schema.properties.name.maxLength = 3;
    next.schema.required = ["name", "benefit"];
    const impact = await impactOf(ctx.db, v1.id, next);
    expect(impact).toMatchObject({ checked: 2, failing: 2, capped: false });
    expect(impact.fields).toEqual([{ path: "benefit", count: 2 }, { path: "name", count: 1 }, { path: "year", count: 1 }]);

    const capped = await impactOf(ctx.db, v1.id, next, 1);
    expect(capped).toMatchObject({ checked: 1, failing: 1, capped: true });
    expect((await impactOf(ctx.db, v1.id, category(slug))).failing).toBe(0);
  });

  it("checks profiles for the profile form", async () => {
    const profile = (await getForm(ctx.db, "profile"))!;
    const impact = await impactOf(ctx.db, "profile", profile);
    expect(impact.failing).toBe(0);
  });
});

describe("drafts", () => {
  it("saves, updates under an optimistic lock (409 when stale), and is removed on publish", async () => {
    const slug = `draft-${Math.random().toString(36).slice(2, 8)}`;
    const d1 = await saveDraft(ctx.db, admin, category(slug, { title: "草稿" }), null);
    expect(d1).toMatchObject({ version: 1, title: "草稿", updatedBy: "form-admin" });
    await expect(saveDraft(ctx.db, admin, category(slug), null)).rejects.toMatchObject({ status: 409 });
    const d2 = await saveDraft(ctx.db, { username: "other" }, category(slug, { title: "草稿二" }), 1);
    expect(d2).toMatchObject({ version: 2, title: "草稿二", updatedBy: "other" });
    await expect(saveDraft(ctx.db, admin, category(slug, { title: "过期" }), 1)).rejects.toMatchObject({ status: 409 });
    expect((await getDraft(ctx.db, `achievement/${slug}`))!.title).toBe("草稿二");
    // An incomplete draft may be saved (no listColumns yet); it cannot be published.
    const incomplete = category(slug, { meta: {} });
    await saveDraft(ctx.db, admin, incomplete, 2);
    await expect(publishFormVersion(ctx.db, admin, incomplete)).rejects.toBeInstanceOf(FormConfigError);
    await publishFormVersion(ctx.db, admin, category(slug));
    expect(await getDraft(ctx.db, `achievement/${slug}`)).toBeNull();
  });
});

describe("over HTTP (admin routes)", () => {
  let srv: TestServer;
  const PASSWORD = "Tulip-Harbor-2931";
  let adminC: Client;
  beforeAll(async () => {
    srv = await startTestServer();
    const username = uniqueName("adm");
    await createUser(srv.db, { username, password: PASSWORD, role: "admin" });
    adminC = new Client(srv.server.url);
    expect((await adminC.login(username, PASSWORD)).status).toBe(302);
  });
  afterAll(async () => srv?.stop());

  async function applicant() {
    const c = new Client(srv.server.url);
    const username = uniqueName("fpa");
    await c.post("/register", { username, password: PASSWORD, confirmPassword: PASSWORD });
    const unit = await srv.db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
    const res = await c.post("/profile", { data: validProfile(unit!.id, { name: `申请人${username.slice(-4)}`, idNumber: idNumber() }), version: null }, { json: true });
    expect(res.status).toBe(302);
    return c;
  }

  it("keeps applicants out (403)", async () => {
    const c = await applicant();
    expect((await c.get("/admin/forms")).status).toBe(403);
    expect((await c.get("/admin/forms/new")).status).toBe(403);
    expect((await c.get("/admin/forms/profile")).status).toBe(403);
    expect((await c.action("/admin/forms/new", "routes/admin.forms.new", { slug: "x", title: "x", order: 1, listColumns: "name", fields: "{}" })).status).toBe(403);
  });

  it("lists every form with versions, publisher and record counts; searches", async () => {
    const html = await (await adminC.get("/admin/forms?pageSize=50")).text();
    expect(html).toContain("个人基本信息");
    expect(html).toContain("seed:forms/profile.json");
    expect(html).toMatch(/条记录/);
    const data = await (await adminC.get("/admin/forms?q=profile&_data=routes/admin.forms._index")).json();
    expect(data.rows.map((r: any) => r.id)).toEqual(["profile"]);
    expect((await adminC.get("/admin/forms/profile")).status).toBe(200);
    expect((await adminC.get("/admin/forms/new")).status).toBe(200);
    expect(html).toContain("表单管理");
    expect((await adminC.get("/admin/forms/no-such-form")).status).toBe(404);
  });

  it("creates a category that appears at once in /archive and the reviewer queue filter", async () => {
    const title = `技术推广应用情况${Math.random().toString(36).slice(2, 6)}`;
    const slug = `tech-${Math.random().toString(36).slice(2, 8)}`;
    const fields = JSON.stringify({ schema: { type: "object", required: ["name"], properties: { name: { type: "string", title: "项目名称", maxLength: 100 }, year: { type: "integer", title: "年份" } } }, uiSchema: {} });
    const res = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { slug, title, order: 800, icon: "RocketOutlined", listColumns: "name, year", titleField: "name", fields });
    expect(res.status).toBe(204);
    expect(res.headers.get("X-Remix-Redirect")).toBe(`/admin/forms/achievement/${slug}`);
    const c = await applicant();
    expect(await (await c.get("/archive")).text()).toContain(`>${title}<`);
    expect((await c.get(`/archive/${slug}/new`)).status).toBe(200);
    const unit = await srv.db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
    const revName = uniqueName("rev");
    await createUser(srv.db, { username: revName, password: PASSWORD, role: "unit_reviewer", scopes: { units: [unit!.creditCode] } });
    const r = new Client(srv.server.url);
    expect((await r.login(revName, PASSWORD)).status).toBe(302);
    const queue = await (await r.get("/review/entries?_data=routes/review.entries._index")).json();
    expect(queue.categories).toContainEqual({ value: `achievement/${slug}`, label: title });
    // The same id again is refused.
    const again = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { slug, title, order: 801, listColumns: "name", fields });
    expect(again.status).toBe(409);
  });

  it("creates an application info form (申报信息表) with ?kind=application: no category fields needed, listed as 申报表, not in /archive", async () => {
    const slug = `assess-${Math.random().toString(36).slice(2, 8)}`;
    const page = await (await adminC.get("/admin/forms/new?kind=application")).text();
    expect(page).toContain("新建申报信息表");
    expect(page).not.toContain("列表显示的字段");
    const fields = JSON.stringify({ schema: { type: "object", required: ["name"], properties: { name: { type: "string", title: "姓名", maxLength: 50 }, years: { type: "integer", title: "从事专业技术工作年限", minimum: 0, maximum: 60 } } }, uiSchema: {} });
    const bad = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { kind: "application", slug: "Bad Slug", title: "", fields });
    expect(bad.status).toBe(422);
    expect((await bad.json()).problems).toEqual(expect.arrayContaining(["请填写表单名称"]));
    const res = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { kind: "application", slug, title: "考核认定申报信息", fields });
    expect(res.status).toBe(204);
    expect(res.headers.get("X-Remix-Redirect")).toBe(`/admin/forms/application/${slug}`);
    const form = await getForm(srv.db, `application/${slug}`);
    expect(form).toMatchObject({ kind: "application", version: 1, title: "考核认定申报信息" });
    const list = await (await adminC.get(`/admin/forms?q=${slug}&_data=routes/admin.forms._index`)).json();
    expect(list.rows.map((r: any) => r.id)).toEqual([`application/${slug}`]);
    expect(await (await (await applicant()).get("/archive")).text()).not.toContain("考核认定申报信息");
    // The same id again is refused.
    expect((await adminC.action("/admin/forms/new", "routes/admin.forms.new", { kind: "application", slug, title: "考核认定申报信息", fields })).status).toBe(409);
  });

  it("a designer field with a polynomial pattern publishes; 80 000 digits + x are refused at once, /healthz answering", async () => {
    // The issue: {maxLength: 20, pattern: ^\d+\.?\d*$} published, and such a value blocked the process 14 s.
    const slug = `redos-${Math.random().toString(36).slice(2, 8)}`;
    const fields = JSON.stringify({
      schema: {
        type: "object", required: ["name"],
        properties: {
          name: { type: "string", title: "项目名称", maxLength: 100 },
          code: { type: "string", title: "编号", maxLength: 20, pattern: "^\\d+\\.?\\d*$" },
          serial: { type: "string", title: "序列号", maxLength: 20, pattern: "^[A-Za-z0-9]+-?[A-Za-z0-9]*$" },
          parts: { type: "array", title: "组成", uniqueItems: true, items: { type: "object", properties: { n: { type: "integer" }, s: { type: "string", maxLength: 9 } } } },
        },
      },
      uiSchema: {},
    });
    const published = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { slug, title: `正则${slug.slice(-4)}`, order: 803, listColumns: "name", titleField: "name", fields });
    expect(published.status, await published.clone().text()).toBe(204);

    const c = await applicant();
    let polling = true;
    let slowest = 0;
    const statuses = new Set<number | string>();
    const poll = (async () => {
      while (polling) {
        const t = performance.now();
        const res = await fetch(`${srv.server.url}/healthz`).catch((e: Error) => e.message);
        statuses.add(typeof res === "string" ? res : res.status);
        if (typeof res !== "string") await res.text();
        slowest = Math.max(slowest, performance.now() - t);
      }
    })();
    const hostile = `${"1".repeat(80_000)}x`;
    const parts = Array.from({ length: 8000 }, (_, n) => ({ n, s: "零件" }));
    const t = performance.now();
    const results = await Promise.all([
      c.action(`/archive/${slug}/new`, "routes/archive.$slug.new", { data: { name: "甲", code: hostile } }),
      c.action(`/archive/${slug}/new`, "routes/archive.$slug.new", { data: { name: "乙", serial: hostile.replace("x", "!") } }),
      c.action(`/archive/${slug}/new`, "routes/archive.$slug.new", { data: { name: "丙", parts: [...parts, { s: "零件", n: 7 }] } }),
    ]);
    const took = performance.now() - t;
    polling = false;
    await poll;
    const bodies = await Promise.all(results.map(async (r) => ({ status: r.status, body: await r.json() })));
    expect(bodies.map((b) => b.status)).toEqual([422, 422, 422]);
    expect(bodies[0].body.fieldErrors).toEqual({ code: ["不能超过 20 个字符"] });
    expect(bodies[1].body.fieldErrors).toEqual({ serial: ["不能超过 20 个字符"] });
    expect(bodies[2].body.fieldErrors.parts.join()).toContain("重复");
    // Generous bounds for a shared, loaded machine (the validation itself takes ~1 ms).
    expect(took).toBeLessThan(5000);
    expect([...statuses]).toEqual([200]);
    expect(slowest).toBeLessThan(2000);
    // Within the length the pattern still applies.
    const bad = await c.action(`/archive/${slug}/new`, "routes/archive.$slug.new", { data: { name: "丁", code: "1.2.3" } });
    expect((await bad.json()).fieldErrors).toEqual({ code: ["格式不正确"] });
    expect((await c.action(`/archive/${slug}/new`, "routes/archive.$slug.new", { data: { name: "戊", code: "12.50" } })).status).toBe(204);
  });

  it("refuses, at publish, a pattern RE2 cannot run, in Chinese", async () => {
    const before = await srv.db.models.FormVersion.count();
    const fields = JSON.stringify({ schema: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 9 }, pw: { type: "string", maxLength: 20, pattern: "^(?=.*\\d).{8,}$" } } } });
    const res = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { slug: "lookahead", title: "先行断言", order: 804, listColumns: "name", fields });
    expect(res.status).toBe(422);
    expect((await res.json()).problems.join("\n")).toBe("schema.properties.pw.pattern: 正则不能使用先行断言（(?=…)、(?!…)）");
    expect(await srv.db.models.FormVersion.count()).toBe(before);
  });

  it("refuses a dangerous schema with the problems and stores nothing", async () => {
    const before = await srv.db.models.FormVersion.count();
    const fields = JSON.stringify({ schema: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 9, pattern: "^(a+)+$" }, r: { $ref: "http://evil.example/x" } } } });
    const res = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { slug: "danger", title: "危险", order: 802, listColumns: "name", fields });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.problems.join("\n")).toMatch(/嵌套量词/);
    expect(body.problems.join("\n")).toMatch(/外部/);
    expect(await srv.db.models.FormVersion.count()).toBe(before);
    const bad = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { slug: "danger", title: "危险", order: 802, listColumns: "name", fields: "{\n  \"schema\": ,\n}" });
    expect((await bad.json()).problems[0]).toMatch(/第 2 行第 \d+ 列/);
  });

  it("edits: draft (409 when stale), impact before publishing, publish a new version", async () => {
    const slug = `edit-${Math.random().toString(36).slice(2, 8)}`;
    const v1 = await publishFormVersion(srv.db, admin, category(slug));
    const route = "routes/admin.forms.$";
    const url = `/admin/forms/${v1.id}`;
    const page = await (await adminC.get(`${url}?_data=${encodeURIComponent(route)}`)).json();
    expect(page.versions).toHaveLength(1);
    const def = JSON.parse(page.text);
    def.schema.required = ["name", "year"];
    const text = JSON.stringify(def);
    const d1 = await adminC.action(url, route, { intent: "draft", text, draftVersion: null });
    expect(await d1.json()).toMatchObject({ ok: true, draftVersion: 1 });
    expect((await adminC.action(url, route, { intent: "draft", text, draftVersion: null })).status).toBe(409);
    const parseErr = await adminC.action(url, route, { intent: "draft", text: "{", draftVersion: 1 });
    expect(parseErr.status).toBe(422);
    const c = await applicant();
    expect((await c.action(`/archive/${slug}/new`, "routes/archive.$slug.new", { data: { name: "无年份" } })).status).toBe(204);
    const impact = await (await adminC.action(url, route, { intent: "impact", text, draftVersion: 1 })).json();
    expect(impact).toMatchObject({ ok: true, impact: { checked: 1, failing: 1, fields: [{ path: "year", count: 1 }] } });
    const pub = await (await adminC.action(url, route, { intent: "publish", text, draftVersion: 1 })).json();
    expect(pub).toMatchObject({ ok: true, version: 2 });
    const after = await (await adminC.get(`${url}?_data=${encodeURIComponent(route)}`)).json();
    expect(after.versions.map((v: any) => v.version)).toEqual([2, 1]);
    expect(after.draft).toBeNull();
    expect((await srv.db.models.FormVersion.findOne({ where: { formId: v1.id, version: 1 } }))!.hash).toBe(v1.hash);
  });
});
