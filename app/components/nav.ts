// Navigation per role. An entry is listed only once the feature behind it exists. Applicants also
// get one entry per plan type of workflows/plan-types.json (added by engine/people/nav.server.ts).
import type { Role } from "../../db/models";

export interface NavItem { to: string; label: string }

/** Applicants' last entry, after the plan types (the manual's order: 3 档案库, 4–6 申报, 7 申报记录). */
export const RECORDS_NAV: NavItem = { to: "/records", label: "我的申报记录" };

export const NAV: Record<Role, NavItem[]> = {
  applicant: [
    { to: "/home", label: "个人中心" },
    { to: "/profile", label: "个人基本信息" },
    { to: "/archive", label: "我的业绩档案库" },
  ],
  unit_reviewer: [
    { to: "/staff", label: "工作台" },
    { to: "/review/entries", label: "业绩审核" },
    { to: "/staff/applications", label: "申报审核" },
    { to: "/staff/exports", label: "导出任务" },
  ],
  dept_reviewer: [{ to: "/staff", label: "工作台" }, { to: "/staff/applications", label: "申报审核" }, { to: "/staff/exports", label: "导出任务" }],
  acceptance_office: [{ to: "/staff", label: "工作台" }, { to: "/staff/applications", label: "申报审核" }, { to: "/staff/exports", label: "导出任务" }],
  admin: [
    { to: "/admin/users", label: "用户管理" },
    { to: "/admin/forms", label: "表单管理" },
    { to: "/admin/dictionaries", label: "字典管理" },
    { to: "/admin/plans", label: "申报计划" },
    { to: "/admin/config", label: "配置导入导出" },
  ],
};
