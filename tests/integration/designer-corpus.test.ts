// The designer corpus (tests/fixtures/designer-corpus) through the server, as an administrator and
// an applicant use it over HTTP (built server, SQLite and Postgres): each form is published through
// 新建业绩类别; an applicant saves its valid record, reopens it identically (and saves it again
// unchanged); its invalid record is refused (422, nothing stored) with the Chinese message on the
// field. Forms that need code (unknown widget/field/template, base64 file, object title) are
// refused naming what they need, and nothing is published.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "~/engine/people/users.server";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { corpus, newCategoryBody, refusedCorpus } from "../helpers/designer-corpus";

const PASSWORD = "Tulip-Harbor-2931";
let srv: TestServer;
let adminC: Client;
let applicant: Client;
const run = Math.random().toString(36).slice(2, 6);
let order = 3000 + Math.floor(Math.random() * 1000) * 40;

beforeAll(async () => {
  srv = await startTestServer();
  const username = uniqueName("corpus-adm");
  await createUser(srv.db, { username, password: PASSWORD, role: "admin" });
  adminC = new Client(srv.server.url);
  expect((await adminC.login(username, PASSWORD)).status).toBe(302);
  applicant = new Client(srv.server.url);
  const name = uniqueName("corpus");
  await applicant.post("/register", { username: name, password: PASSWORD, confirmPassword: PASSWORD });
  const unit = await srv.db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
  const res = await applicant.post("/profile", { data: validProfile(unit!.id, { name: "申请人甲", idNumber: idNumber() }), version: null }, { json: true });
  expect(res.status).toBe(302);
});
afterAll(async () => srv?.stop());

describe("designer corpus over HTTP", () => {
  it.each(corpus().map((f) => [f.file, f] as const))("%s: publishes, saves, reopens identically, refuses the invalid record on its field", async (_file, f) => {
    const slug = `${f.slug}-${run}`;
    const published = await adminC.action("/admin/forms/new", "routes/admin.forms.new", newCategoryBody(f, slug, order++));
    expect(published.status, await published.clone().text()).toBe(204);
    expect(published.headers.get("X-Remix-Redirect")).toBe(`/admin/forms/achievement/${slug}`);
    expect((await applicant.get(`/archive/${slug}/new`)).status).toBe(200);

    const saved = await applicant.action(`/archive/${slug}/new`, "routes/archive.$slug.new", { data: f.valid });
    expect(saved.status, await saved.clone().text()).toBe(204);
    const entry = await srv.db.models.AchievementEntry.findOne({ where: { categoryId: `achievement/${slug}` }, order: [["id", "DESC"]] });
    const reopen = async () => (await (await applicant.get(`/archive/${slug}/${entry!.get("id")}?_data=${encodeURIComponent("routes/archive.$slug.$id")}`)).json());
    const first = await reopen();
    expect(first.data).toEqual(f.valid);
    const again = await applicant.action(`/archive/${slug}/${entry!.get("id")}`, "routes/archive.$slug.$id", { data: first.data, version: first.entry.version });
    expect(again.status, await again.clone().text()).toBe(204);
    expect((await reopen()).data).toEqual(f.valid);

    const before = await srv.db.models.AchievementEntry.count({ where: { categoryId: `achievement/${slug}` } });
    const refused = await applicant.action(`/archive/${slug}/new`, "routes/archive.$slug.new", { data: f.invalid.data });
    expect(refused.status).toBe(422);
    const body = await refused.json();
    expect((body.fieldErrors[f.invalid.field] ?? []).join("；"), JSON.stringify(body.fieldErrors)).toContain(f.invalid.message);
    expect(await srv.db.models.AchievementEntry.count({ where: { categoryId: `achievement/${slug}` } })).toBe(before);
  });

  it.each(refusedCorpus().map((f) => [f.file, f] as const))("%s: refused, naming what it needs; nothing published", async (_file, f) => {
    const slug = `${f.slug}-${run}`;
    const res = await adminC.action("/admin/forms/new", "routes/admin.forms.new", newCategoryBody(f, slug, order++));
    expect(res.status).toBe(422);
    const { problems } = await res.json();
    expect(problems.join("\n")).toContain(f.needs);
    // Chinese, with none of Ajv's or RJSF's English behind a Chinese prefix.
    for (const p of problems) expect(p).toMatch(/[\u4e00-\u9fff]/), expect(p).not.toMatch(/\b(must|strict mode|unknown|is invalid|ignored|No widget)\b/);
    expect(await srv.db.models.FormVersion.count({ where: { formId: `achievement/${slug}` } })).toBe(0);
  });

  it("reports every problem of a form in one 发布: safety, title field, compile and widget together", async () => {
    const fields = JSON.stringify({
      schema: { type: "object", required: ["name"], properties: {
        name: { type: "string", title: "名称", maxLength: 50 },
        code: { type: "string", title: "编号", pattern: "^[0-9]+$" },
        leader: { type: "object", title: "负责人", properties: { person: { type: "string", maxLength: 20 } } },
        stars: { type: "integer", title: "星级", maxlength: 3 },
      } },
      uiSchema: { stars: { "ui:widget": "StarPicker" } },
    });
    const res = await adminC.action("/admin/forms/new", "routes/admin.forms.new", { slug: `one-pass-${run}`, title: "一次报全", order: order++, listColumns: "name, leader", titleField: "leader", fields });
    expect(res.status).toBe(422);
    const text = (await res.json()).problems.join("\n");
    expect(text).toContain("schema.properties.code: 带 pattern 的文本字段必须设置 maxLength");
    expect(text).toContain("meta.titleField \"leader\" 应为必填字段");
    expect(text).toContain("draft-07 没有关键字 \"maxlength\"");
    expect(text).toContain("uiSchema.stars.ui:widget：控件「StarPicker」不存在");
  });
});
