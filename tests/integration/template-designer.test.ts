// 评审表模板管理 over HTTP through the built server, on SQLite and Postgres: hostile templates are
// refused with located Chinese messages and nothing is published (the same checks guard the
// files and the bundle: they are the template kind's); a new template and its next version are
// published through the editor, equal content publishes nothing; 预览 answers a PDF of sample data
// or the template's problems; administrators only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { getDefinition } from "~/engine/definitions/lifecycle.server";
import { templateKind } from "~/engine/definitions/kinds/template.server";
import { uniqueName } from "../helpers/fixtures";
import { redirectOf } from "../helpers/wizard";

let ctx: TestServer;
let admin: Client;
const PASSWORD = "Tulip-Harbor-2931";
const ROUTE = "routes/admin.templates.$";
const ID = "review-form/designer-test";
const GOOD = "{{> print-css}}<h1>{{title}}</h1><p>{{applicant.name}} {{maskId applicant.idNumber}} {{cnDate application.submittedAt}}</p>{{#each reviewStages}}<p>{{label}}</p>{{/each}}";

async function login(role: string) {
  const username = uniqueName(role.replace("_", ""));
  await createUser(ctx.db, { username, password: PASSWORD, role });
  const c = new Client(ctx.server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}
const count = () => ctx.db.models.TemplateVersion.count();

beforeAll(async () => {
  ctx = await startTestServer();
  admin = await login("admin");
}, 120_000);
afterAll(async () => {
  await ctx?.stop();
});

describe("评审表模板管理", () => {
  it.each([
    ["{{constructor}}", "<p>{{constructor}}</p>", "（第 1 行）: 不允许访问「constructor」"],
    ["{{#with __proto__}}", "<p>\n{{#with __proto__}}{{polluted}}{{/with}}</p>", "（第 2 行）: 不允许访问「__proto__」"],
    ["lookup of a prototype name", "{{lookup applicant \"constructor\"}}", "不允许访问「constructor」"],
    ["an unknown helper", "<p>{{exec \"rm -rf /\"}}</p>", "（第 1 行）: 不允许的辅助函数「exec」"],
    ["log", "{{log applicant}}", "不允许的辅助函数「log」"],
    ["a 1 MB template", `<p>${"字".repeat(350_000)}</p>`, "source 不能超过 200000 个字符"],
    ["200-deep nesting", `${"{{#if title}}".repeat(200)}x${"{{/if}}".repeat(200)}`, "区块嵌套超过 40 层"],
    ["5000-deep nesting (deeper than the parser's stack)", `${"{{#if title}}".repeat(5000)}x${"{{/if}}".repeat(5000)}`, "区块嵌套超过 40 层"],
    ["a syntax error", "<p>{{#if title}}unclosed</p>", "模板语法错误"],
    ["a partial that does not exist", "{{> no-such-partial}}", "引用的片段「no-such-partial」不存在"],
  ])("refuses %s with a located Chinese message; 检查, 预览 and 发布 store nothing", async (_, source, message) => {
    const before = await count();
    const checked = await admin.action("/admin/templates/new", ROUTE, { intent: "check", id: ID, source });
    expect(checked.status).toBe(422);
    expect((await checked.json()).problems.join("\n")).toContain(message);
    const published = await admin.action("/admin/templates/new", ROUTE, { intent: "publish", id: ID, source });
    expect(published.status).toBe(422);
    expect((await published.json()).problems.join("\n")).toContain(message);
    const preview = await admin.post("/admin/template-preview", { id: ID, source }, { json: true });
    expect(preview.status).toBe(422);
    expect((await preview.json()).error).toContain("模板有误");
    expect(await count()).toBe(before);
  });

  it("publishes a new template, then its next version; equal content publishes nothing", async () => {
    expect(redirectOf(await admin.action("/admin/templates/new", ROUTE, { intent: "publish", id: ID, source: GOOD }))).toBe(`/admin/templates/${ID}?published=1`);
    const v1 = (await getDefinition(ctx.db, templateKind, ID))!;
    expect(v1.partials).toHaveProperty("print-css");
    // the same id again from 新建 is refused
    const again = await admin.action("/admin/templates/new", ROUTE, { intent: "publish", id: ID, source: GOOD });
    expect((await again.json()).problems).toEqual([`模板编号「${ID}」已被使用`]);
    const v2 = GOOD.replace("<h1>", "<h1 class=\"v2\">");
    expect(redirectOf(await admin.action(`/admin/templates/${ID}`, ROUTE, { intent: "publish", source: v2 }))).toBe(`/admin/templates/${ID}?published=2`);
    expect(redirectOf(await admin.action(`/admin/templates/${ID}`, ROUTE, { intent: "publish", source: v2 }))).toBe(`/admin/templates/${ID}?unchanged=2`);
    expect((await getDefinition(ctx.db, templateKind, ID, 1))!.source).toBe(GOOD);
    const page = await (await admin.get(`/admin/templates/${ID}`)).text();
    expect(page).toContain("当前为第 <!-- -->2<!-- --> 版");
    const list = await (await admin.get("/admin/templates?q=designer")).text();
    expect(list).toContain(ID);
  });

  it("预览 renders the unsaved text against sample data as a PDF", async () => {
    const res = await admin.post("/admin/template-preview", { id: ID, source: GOOD.replace("{{title}}", "预览标题{{title}}") }, { json: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("is for administrators only", async () => {
    const reviewer = await login("unit_reviewer");
    for (const path of ["/admin/templates", "/admin/templates/new", `/admin/templates/${ID}`]) expect((await reviewer.get(path)).status, path).toBe(403);
    expect((await reviewer.post("/admin/template-preview", { id: ID, source: GOOD }, { json: true })).status).toBe(403);
    expect((await reviewer.action(`/admin/templates/${ID}`, ROUTE, { intent: "publish", source: "x" })).status).toBe(403);
    expect((await admin.get("/admin/templates/review-form/none")).status).toBe(404);
    expect((await admin.get("/admin/templates/..%2F..%2Fetc")).status).toBe(404);
  });
});
