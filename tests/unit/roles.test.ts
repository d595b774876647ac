// The roles table (app/engine/people/roles.ts) is the one place roles are listed: the staff set,
// scopes, menus and decisions are read from it, and the workflows may only name roles it says
// decide applications.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { homeOf, isStaff, may, menuOf, ROLE_IDS, ROLES, rolesThatMay, scopeKindsOf } from "~/engine/people/roles";
import { checkWorkflowRules, readWorkflowFiles } from "~/engine/workflow/registry.server";

const ROOT = path.resolve(__dirname, "../..");

describe("roles table", () => {
  it("keeps the five roles of DESIGN.md with their labels", () => {
    expect(Object.fromEntries(ROLE_IDS.map((r) => [r, ROLES[r].label]))).toEqual({
      applicant: "个人用户", unit_reviewer: "单位经办人", dept_reviewer: "主管部门", acceptance_office: "受理部门/评委会办事机构", admin: "系统管理员",
    });
  });

  it("derives the staff set and what each may decide", () => {
    expect(ROLE_IDS.filter(isStaff)).toEqual(["unit_reviewer", "dept_reviewer", "acceptance_office"]);
    expect(rolesThatMay("applications")).toEqual(["unit_reviewer", "dept_reviewer", "acceptance_office"]);
    expect(rolesThatMay("entries")).toEqual(["unit_reviewer"]);
    expect(rolesThatMay("offline-payment")).toEqual(["acceptance_office"]);
    expect(rolesThatMay("configuration")).toEqual(["admin"]);
    expect(rolesThatMay("unit-registrations")).toEqual(["dept_reviewer", "admin"]);
    expect(may("root", "configuration")).toBe(false);
    expect(isStaff("system")).toBe(false);
  });

  it("gives scope kinds only to staff", () => {
    for (const r of ROLE_IDS) expect(scopeKindsOf(r).length > 0).toBe(ROLES[r].staff);
  });

  it("builds menus with the plan types in the manual's place and a home per role", () => {
    const types = [{ to: "/plans?type=a", label: "A" }];
    expect(menuOf("applicant", types).map((m) => m.label)).toEqual(["个人中心", "个人基本信息", "我的业绩档案库", "A", "我的申报记录"]);
    expect(menuOf("dept_reviewer", types).map((m) => m.to)).toEqual(["/staff", "/staff/applications", "/staff/exports", "/staff/stats", "/review/units"]);
    expect(menuOf("admin", types).at(-1)).toEqual({ to: "/review/units", label: "单位注册审核" });
    expect([homeOf("applicant", false), homeOf("applicant", true), homeOf("unit_reviewer", true), homeOf("admin", true)]).toEqual(["/profile", "/home", "/staff", "/admin/users"]);
  });

  it("lets a workflow's review stage name only a role that decides applications", () => {
    const def = readWorkflowFiles(path.join(ROOT, "workflows")).find((f) => f.def.id === "title-review")!.def;
    expect(checkWorkflowRules(def, "x.json")).toEqual([]);
    const bad = { ...def, reviewChain: { stages: def.reviewChain.stages.map((s, i) => (i === 0 ? { ...s, role: "admin" } : s)) } };
    expect(checkWorkflowRules(bad, "x.json").join("\n")).toContain("role「admin」不是审核申报的角色");
  });
});
