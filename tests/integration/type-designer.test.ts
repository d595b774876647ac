// 申报类型管理 over HTTP through the built server, on SQLite and Postgres: invalid definitions are
// refused with located Chinese messages and nothing is published; a new type is published with its
// plan type; a v2 that removes a stage with an application waiting there is refused (the
// application listed) until the stage is mapped, then the application follows the new chain and
// shows in the mapped stage's queue while a draft keeps v1; 检查 changes nothing; admins only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { plain } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { createPlan } from "~/engine/plans.server";
import { getWorkflow, workflowOfApp } from "~/engine/workflow/registry.server";
import { getDefinition } from "~/engine/definitions/lifecycle.server";
import { PLAN_TYPES_ID, planTypesKind } from "~/engine/definitions/kinds/plan-types.server";
import { uniqueName } from "../helpers/fixtures";
import { redirectOf } from "../helpers/wizard";

let ctx: TestServer;
let admin: Client;
const PASSWORD = "Tulip-Harbor-2931";
const ROUTE = "routes/admin.types.$id";
const ID = "assessment-x";
let base: any;

async function login(role: string, scopes?: Parameters<typeof createUser>[1]["scopes"]) {
  const username = uniqueName(role.replace("_", ""));
  const u = await createUser(ctx.db, { username, password: PASSWORD, role, scopes });
  const c = new Client(ctx.server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: u.id };
}

const post = (path: string, body: object) => admin.action(path, ROUTE, body);
const versions = () => ctx.db.models.WorkflowVersion.count();
const planTypesVersion = async () => (await getDefinition(ctx.db, planTypesKind, PLAN_TYPES_ID))!.version;

beforeAll(async () => {
  ctx = await startTestServer();
  admin = (await login("admin")).c;
  const { version: _v, ...content } = (await getWorkflow(ctx.db, "graduate-initial"))!;
  base = { ...content, id: ID, name: "专业技术人才职称考核认定", planType: "考核认定", numberPrefix: "KH" };
}, 120_000);
afterAll(async () => {
  await ctx?.stop();
});

describe("申报类型管理", () => {
  it("refuses invalid definitions with located Chinese messages and publishes nothing", async () => {
    const before = { n: await versions(), pt: await planTypesVersion() };
    const cases: [string, (d: any) => void, string][] = [
      ["unknown step kind", (d) => d.steps.splice(1, 0, { id: "stars", kind: "star-rating", title: "评星" }), "steps.1.kind 应为以下之一："],
      ["a stage whose role cannot decide", (d) => { d.reviewChain.stages[0].role = "applicant"; }, "评审环节「unit_review」的 role「applicant」不是审核申报的角色"],
      ["a reopen step that does not exist", (d) => { d.reviewChain.stages[0].reopenSteps = ["nope"]; }, "评审环节「unit_review」的 reopenSteps 中的步骤「nope」不存在"],
      ["a template that does not exist", (d) => { d.templates.reviewForm = "review-form/none"; }, "模板 reviewForm「review-form/none」不存在"],
      ["not JSON", () => {}, "不是合法的 JSON"],
    ];
    for (const [what, change, message] of cases) {
      const d = structuredClone(base);
      change(d);
      const text = what === "not JSON" ? JSON.stringify(d).slice(0, -2) : JSON.stringify(d, null, 2);
      for (const intent of ["check", "publish"]) {
        const res = await post("/admin/types/new", { intent, text, planTypeLabel: "考核认定申报", acceptedBy: "departments" });
        expect(res.status, `${what} (${intent})`).toBe(422);
        const body = await res.json();
        expect(body.problems.join("\n"), what).toContain(message);
      }
    }
    expect(await versions()).toBe(before.n);
    expect(await planTypesVersion()).toBe(before.pt);
  });

  it("检查 answers with the impact and publishes nothing; 发布新版本 publishes the type and its plan type", async () => {
    const text = JSON.stringify(base, null, 2);
    const pt = await planTypesVersion();
    const checked = await post("/admin/types/new", { intent: "check", text, planTypeLabel: "考核认定申报", acceptedBy: "departments" });
    expect(checked.status).toBe(200);
    expect((await checked.json()).impact).toMatchObject({ version: 1, isNew: true, newPlanType: true });
    expect(await getWorkflow(ctx.db, ID)).toBeNull();
    expect(redirectOf(await post("/admin/types/new", { intent: "publish", text, planTypeLabel: "考核认定申报", acceptedBy: "departments" }))).toBe(`/admin/types/${ID}?published=1`);
    expect((await getWorkflow(ctx.db, ID))!.name).toBe("专业技术人才职称考核认定");
    const types = (await getDefinition(ctx.db, planTypesKind, PLAN_TYPES_ID))!;
    expect(types.version).toBe(pt + 1);
    expect(types.planTypes.find((t) => t.planType === "考核认定")).toMatchObject({ applicationType: ID, label: "考核认定申报", acceptedBy: "departments" });
    // the same id again is refused
    const again = await post("/admin/types/new", { intent: "publish", text });
    expect(again.status).toBe(422);
    expect((await again.json()).problems).toEqual([`编号「${ID}」已被使用`]);
    const list = await (await admin.get("/admin/types?q=考核")).text();
    expect(list).toContain("专业技术人才职称考核认定");
    expect(list).toContain("第 1 版");
  });

  it("a v2 that removes a stage with an application waiting there is refused until mapped; then it follows the new chain, a draft keeps v1", async () => {
    const m = ctx.db.models;
    const [acc] = await m.AcceptanceDepartment.findAll({ limit: 1, order: [["id", "ASC"]] });
    const series = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!;
    const plan = await createPlan(ctx.db, {
      name: `考核认定计划${uniqueName("")}`, planType: "考核认定", recognitionType: null, titleSeriesId: series.id, titleLevel: "中级", year: 2026,
      affiliationIds: [(await m.Affiliation.findOne())!.id], opensAt: new Date(Date.now() - 86_400_000).toISOString(), closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      specialtyIds: [], attachmentRequirements: [], eligibilityRules: [], committeeIds: [], acceptanceDepartmentIds: [acc.id],
    } as any);
    const people = [await login("applicant"), await login("applicant")];
    const waiting = await m.Application.create({ number: "KH2026000001", userId: people[0].id, planId: plan.id, workflowId: ID, workflowVersion: 1, status: "submitted", stage: "acceptance", steps: {}, formVersions: {}, acceptanceDepartmentId: acc.id, applicantName: "李考核", submittedAt: new Date() });
    const draft = await m.Application.create({ userId: people[1].id, planId: plan.id, workflowId: ID, workflowVersion: 1, status: "draft", steps: {}, formVersions: {} });
    expect(waiting.chainVersion).toBe(1);

    const v2 = structuredClone(base);
    v2.reviewChain.stages[1] = { id: "final_review", label: "受理部门复核", kind: "review", role: "acceptance_office", scope: "acceptanceDepartment", decisions: ["approve", "return"] };
    const text = JSON.stringify(v2, null, 2);
    const refused = await post(`/admin/types/${ID}`, { intent: "publish", text });
    expect(refused.status).toBe(422);
    const body = await refused.json();
    expect(body.problems.join("\n")).toContain("有 1 份申报停在新版本已删除的环节 「受理部门审核」");
    expect(body.impact.stranded).toEqual([expect.objectContaining({ id: waiting.id, number: "KH2026000001", applicantName: "李考核", stage: "acceptance", stageLabel: "受理部门审核" })]);
    expect(await m.WorkflowVersion.count({ where: { workflowId: ID } })).toBe(1);
    // a map to a stage the new version does not have is no map
    expect((await post(`/admin/types/${ID}`, { intent: "publish", text, stageMap: { acceptance: "nowhere" } })).status).toBe(422);

    const checked = await (await post(`/admin/types/${ID}`, { intent: "check", text, stageMap: { acceptance: "final_review" } })).json();
    expect(checked).toMatchObject({ ok: true, published: false, impact: { version: 2, drafts: 1, moving: 1, stranded: [] } });
    expect(plain(await m.Application.findByPk(waiting.id))!.chainVersion).toBe(1);

    expect(redirectOf(await post(`/admin/types/${ID}`, { intent: "publish", text, stageMap: { acceptance: "final_review" } }))).toBe(`/admin/types/${ID}?published=2`);
    const moved = plain(await m.Application.findByPk(waiting.id))!;
    expect(moved).toMatchObject({ workflowVersion: 1, chainVersion: 2, stage: "final_review", status: "submitted" });
    expect((await workflowOfApp(ctx.db, moved))!.reviewChain.stages.map((s) => s.id)).toEqual(["unit_review", "final_review"]);
    expect(await m.AuditLog.count({ where: { entityType: "application", entityId: String(waiting.id), action: "chain-upgrade" } })).toBe(1);
    expect(plain(await m.Application.findByPk(draft.id))).toMatchObject({ workflowVersion: 1, chainVersion: 1 });

    // the mapped stage's reviewer finds it in the queue; its stage offers 通过 and 退回修改 only
    const office = await login("acceptance_office", { acceptanceDepartments: [acc.name] });
    expect(await (await office.c.get("/staff/applications")).text()).toContain("KH2026000001");
    const detail = await (await office.c.get(`/staff/applications/${waiting.id}?_data=routes/staff.applications.$id`)).json();
    expect(detail.decisions).toEqual(["approve", "return"]);
    const rejected = await office.c.action(`/staff/applications/${waiting.id}`, "routes/staff.applications.$id", { action: "reject", comment: "不符合", version: moved.version });
    expect(rejected.status).toBe(409);
    expect((await rejected.json()).error).toContain("「受理部门复核」环节不能不通过");
  });

  it("is for administrators only", async () => {
    const reviewer = await login("unit_reviewer");
    for (const path of ["/admin/types", "/admin/types/new", `/admin/types/${ID}`]) expect((await reviewer.c.get(path)).status, path).toBe(403);
    expect((await reviewer.c.action("/admin/types/new", ROUTE, { intent: "publish", text: JSON.stringify(base) })).status).toBe(403);
    expect((await admin.get("/admin/types/no-such-type")).status).toBe(404);
    expect((await admin.get("/admin/types/..%2Fx")).status).toBe(404);
  });
});
