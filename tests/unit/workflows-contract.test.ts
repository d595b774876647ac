// Contract: every config file in workflows/ declares a version and is valid against its
// meta-schema in workflows/_meta/; names it defines are unique; every name a workflow references
// (forms, fields, profile fields, categories, templates, plan type) exists; broken ones are refused.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAjv, toFieldErrors } from "~/engine/validator";
import { notificationsKind } from "~/engine/definitions/kinds/notifications.server";
import { catalogFromFiles, checkWorkflowReferences, checkWorkflowShape, readWorkflowFiles } from "~/engine/workflow/registry.server";

const DIR = path.resolve(__dirname, "../../workflows");
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));

describe("workflows/plan-types.json", () => {
  const cfg = read("plan-types.json");
  it("is valid against workflows/_meta/plan-types.schema.json", () => {
    const validate = createAjv({ strict: true }).compile({ ...read("_meta/plan-types.schema.json"), $id: undefined });
    expect(validate(cfg), JSON.stringify(toFieldErrors(validate.errors))).toBe(true);
    expect(cfg.version).toBeGreaterThanOrEqual(1);
  });
  it("names each plan type and application type once", () => {
    const types = cfg.planTypes.map((t: any) => t.planType);
    const apps = cfg.planTypes.map((t: any) => t.applicationType);
    expect(new Set(types).size).toBe(types.length);
    expect(new Set(apps).size).toBe(apps.length);
  });
  it("has the manual's three application types with their menu labels", () => {
    expect(cfg.planTypes.map((t: any) => t.label)).toEqual(["职称评审申报", "大中专毕业生职称初定", "外省调入等职称认定"]);
  });
});

describe("workflows/notifications.json", () => {
  const cfg = read("notifications.json");
  const profile = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../forms/profile.json"), "utf8"));
  it("is valid against its meta-schema and the kind's checks, with a version", () => {
    const validate = createAjv({ strict: true }).compile({ ...read("_meta/notifications.schema.json"), $id: undefined });
    expect(validate(cfg), JSON.stringify(toFieldErrors(validate.errors))).toBe(true);
    expect(cfg.version).toBeGreaterThanOrEqual(1);
    expect(notificationsKind.check(notificationsKind.toDef(cfg), { source: "workflows/notifications.json" } as never)).toEqual([]);
  });
  it("takes the mobile number from a field the profile form has", () => {
    expect(Object.keys(profile.schema.properties)).toContain(cfg.sms.mobileField);
  });
  it("refuses unknown actions, states and an SMS channel without a mobile field", () => {
    const bad = structuredClone(cfg);
    bad.notifications[0].on.actions = ["frobnicate"];
    bad.notifications[2].on.toStates = ["unit_review"];
    delete bad.sms;
    const problems = notificationsKind.check(notificationsKind.toDef(bad), { source: "x.json" } as never).join("\n");
    expect(problems).toContain("「frobnicate」不是achievement-entry的操作");
    expect(problems).toContain("「unit_review」不是申报的状态");
    expect(problems).toContain("未声明 sms.mobileField");
  });
  it("tells staff only by 站内信, and only of an application reaching a stage", () => {
    const bad = structuredClone(cfg);
    const staffIdx = bad.notifications.findIndex((n: { audience?: string }) => n.audience === "stage-staff");
    expect(staffIdx).toBeGreaterThanOrEqual(0);
    bad.notifications[staffIdx].channels = ["inbox", "sms"];
    bad.notifications[0].audience = "stage-staff";
    const problems = notificationsKind.check(notificationsKind.toDef(bad), { source: "x.json" } as never).join("\n");
    expect(problems).toContain(`notifications[${staffIdx}]：审核人员只能通过站内信通知`);
    expect(problems).toContain("notifications[0]：通知审核人员（stage-staff）只用于申报到达某一环节");
  });
});

describe("workflows/<application type>.json", () => {
  const files = readWorkflowFiles(DIR);
  const catalog = catalogFromFiles(path.resolve(__dirname, "../../forms"));

  it("loads every workflow file, one per plan type of plan-types.json", () => {
    const onDisk = fs.readdirSync(DIR).filter((f) => f.endsWith(".json") && f !== "plan-types.json" && f !== "notifications.json");
    expect(files.map((f) => f.file.replace(/^workflows\//, "")).sort()).toEqual(onDisk.sort());
    expect(files.map((f) => f.def.id).sort()).toEqual(read("plan-types.json").planTypes.map((t: any) => t.applicationType).sort());
  });

  it.each(files.map((f) => [f.file, f.def] as const))("%s: declares a version and every name it references exists", (file, def) => {
    expect(def.version).toBeGreaterThanOrEqual(1);
    expect(checkWorkflowShape(def, file)).toEqual([]);
    expect(checkWorkflowReferences(def, file, catalog)).toEqual([]);
  });

  it.each(files.map((f) => [f.file, f.def] as const))("%s: review stages name a role and scope; a fee needs a payment stage", (_, def) => {
    for (const s of def.reviewChain.stages) if (s.kind !== "payment") expect([s.role, s.scope]).not.toContain(undefined);
    if (def.fee.source !== "none") expect(def.reviewChain.stages.some((s) => s.kind === "payment")).toBe(true);
  });

  const base = files.find((f) => f.def.id === "title-review")!.def;
  const vote = (w: any) => w.reviewChain.stages.find((s: any) => s.kind === "vote");
  const broken: [string, (w: any) => void, string][] = [
    ["an unknown form", (w) => { w.steps.find((s: any) => s.kind === "form").options.form = "application/nope"; }, "引用的表单 application/nope 不存在"],
    ["a form of the wrong kind", (w) => { w.steps.find((s: any) => s.kind === "form").options.form = "application/../x"; }, "options"],
    ["prefill from a profile field that does not exist", (w) => { w.steps.find((s: any) => s.kind === "form").options.prefill.name = "profile.nickname"; }, "prefill 的来源「profile.nickname」不是个人基本信息的字段"],
    ["prefill into a form field that does not exist", (w) => { w.steps.find((s: any) => s.kind === "form").options.prefill.nope = "profile.name"; }, "prefill 的字段「nope」不在表单"],
    ["an unknown category", (w) => { w.steps.find((s: any) => s.kind === "achievements").options.categories = [{ category: "dragons", min: 1 }]; }, "业绩类别「dragons」不存在"],
    ["an unknown template", (w) => { w.templates.reviewForm = "review-form/nope"; }, "模板 reviewForm「review-form/nope」不存在"],
    ["a plan type not in plan-types.json", (w) => { w.planType = "职称直聘"; }, "计划类型「职称直聘」不在 plan-types.json 中"],
    ["confirm-submit not last", (w) => { w.steps.push(w.steps.shift()); }, "最后一步必须是唯一的 confirm-submit"],
    ["two steps with one id", (w) => { w.steps[1].id = w.steps[0].id; }, "重复"],
    ["the preview before the signing", (w) => { const i = w.steps.findIndex((s: any) => s.kind === "pledge-sign"); [w.steps[i], w.steps[i + 1]] = [w.steps[i + 1], w.steps[i]]; }, "pledge-preview 必须在 pledge-sign 之后"],
    ["an unknown step kind", (w) => { w.steps[0].kind = "video"; }, "steps"],
    ["a photo step without its limits", (w) => { delete w.steps.find((s: any) => s.kind === "photo").options; }, "options"],
    ["a publicity stage whose 公示版 template does not exist", (w) => { w.reviewChain.stages.find((s: any) => s.kind === "publicity").template = "review-form/nope"; }, "公示环节「unit_publicity」的公示版评审表模板「review-form/nope」不存在"],
    ["a publicity stage without a template", (w) => { delete w.reviewChain.stages.find((s: any) => s.kind === "publicity").template; }, "template"],
    ["a publicity stage whose role cannot decide", (w) => { w.reviewChain.stages.find((s: any) => s.kind === "publicity").role = "applicant"; }, "评审环节「unit_publicity」的 role「applicant」不是审核申报的角色"],
    ["a publicity stage without minWorkingDays", (w) => { delete w.reviewChain.stages.find((s: any) => s.kind === "publicity").minWorkingDays; }, "minWorkingDays"],
    ["a publicity stage with an unknown calendar", (w) => { w.reviewChain.stages.find((s: any) => s.kind === "publicity").calendar = "moon-days"; }, "节假日字典「moon-days」不存在"],
    ["a publicity stage limiting its decisions", (w) => { w.reviewChain.stages.find((s: any) => s.kind === "publicity").decisions = ["approve"]; }, "公示环节「unit_publicity」的决定由公示结果给出"],
    ["minWorkingDays on a review stage", (w) => { w.reviewChain.stages[0].minWorkingDays = 5; }, "reviewChain"],
    ["a fee without a payment stage", (w) => { w.reviewChain.stages = w.reviewChain.stages.filter((s: any) => s.kind !== "payment"); }, "收费的申报类型必须在评审流程中有 payment 环节"],
    ["a vote stage without a pass rule", (w) => { delete vote(w).passRule; }, "passRule"],
    ["a pass rule above 1", (w) => { vote(w).passRule.approve.atLeast = [4, 3]; }, "通过规则 4/3 大于 1"],
    ["a pass rule of an unknown base", (w) => { vote(w).passRule.approve.of = "everyone"; }, "passRule"],
    ["a pass rule with a zero denominator", (w) => { vote(w).passRule.approve.atLeast = [2, 0]; }, "passRule"],
    ["a pass rule on a review stage", (w) => { w.reviewChain.stages[0].passRule = { approve: { atLeast: [2, 3], of: "present" } }; }, "reviewChain"],
    ["a vote stage scoped to units", (w) => { vote(w).scope = "unit"; }, "scope 须为 committee"],
    ["a vote stage of a role that holds no meetings", (w) => { vote(w).role = "dept_reviewer"; }, "不能召开评审会议"],
    ["a vote stage with decisions", (w) => { vote(w).decisions = ["approve"]; }, "不能设置 decisions"],
  ];
  it.each(broken)("refuses %s, naming the problem", (_, breakIt, message) => {
    const w = structuredClone(base) as any;
    breakIt(w);
    const problems = [...checkWorkflowShape(w, "workflows/x.json"), ...(checkWorkflowShape(w, "workflows/x.json").length ? [] : checkWorkflowReferences(w, "workflows/x.json", catalog))];
    expect(problems.join("\n")).toContain(message);
  });
});
