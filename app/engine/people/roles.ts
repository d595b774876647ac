// Roles and scopes as data: the one table of who uses the platform (DESIGN "Who uses it"). A role
// is its label, whether it is staff (works on other people's records within a scope), the scope
// kinds it may be given, its menu, and what it may decide. Code asks this table (isStaff, may,
// scopeKindsOf, menuOf …) and never lists role names. Which review stages a role acts at is
// declared by the workflows (reviewChain.stages[].role), checked against this table.
// Client-safe: no server imports (the shell shows labels and menus).

/** A scope kind: which dictionary its rows come from (app/engine/dictionaries) and how it is given. */
export interface ScopeKindSpec {
  label: string;
  /** The dictionary whose rows a scope of this kind names. */
  dictionary: string;
  /** ScopeInput field (createUser, the demo seeder) and user:create option that name rows by their natural key. */
  input: string;
  flag: string;
  /** What names a row there (the dictionary's natural key), for messages and usage. */
  keyLabel: string;
  /** Rows are looked up by keyword at this address (a dictionary too large for one list). */
  search?: string;
  /** Said after the label when picking (who the kind is for). */
  note?: string;
}

// acceptance = a 受理部门 (acceptance department) of 初定/认定 applications.
export const SCOPE_KINDS = {
  unit: { label: "工作单位", dictionary: "units", input: "units", flag: "unit", keyLabel: "统一社会信用代码", search: "/api/units" },
  department: { label: "主管部门", dictionary: "departments", input: "departments", flag: "department", keyLabel: "主管部门名称" },
  committee: { label: "评审委员会", dictionary: "committees", input: "committees", flag: "committee", keyLabel: "评审委员会名称" },
  acceptance: { label: "受理部门", dictionary: "acceptance-departments", input: "acceptanceDepartments", flag: "acceptance", keyLabel: "受理部门名称", note: "职称初定/认定" },
} as const satisfies Record<string, ScopeKindSpec>;
export type ScopeKind = keyof typeof SCOPE_KINDS;
export const scopeKind = (kind: ScopeKind): ScopeKindSpec => SCOPE_KINDS[kind];

/**
 * What a role may decide (beyond its own records):
 * - `entries`: 通过/退回 archive entries of the applicants in its scope (业绩审核);
 * - `applications`: act on applications at the review stages the workflows give its role, read
 *   them and their files, export them and their review forms (申报审核);
 * - `offline-payment`: confirm a payment made offline at a payment stage;
 * - `configuration`: users, forms, dictionaries, plans and the configuration bundle;
 * - `unit-registrations`: 通过/不通过 the 单位注册 of the units in its scope (单位注册审核);
 * - `committee-votes`: hold the 评审会议 of the committees in its scope at the vote stages the
 *   workflows give its role (表决票数, 评审结果公示).
 */
export type Decision = "entries" | "applications" | "offline-payment" | "configuration" | "unit-registrations" | "committee-votes";

/** A menu entry; `planTypes` stands for one entry per published plan type (职称评审申报 …). */
export type MenuEntry = { to: string; label: string } | { planTypes: true };
export interface NavItem { to: string; label: string }

export interface RoleSpec {
  label: string;
  /** Works on other people's records within a scope (工作台, 申报审核, 导出任务). */
  staff: boolean;
  scope: {
    kinds: readonly ScopeKind[];
    /** A 主管部门 in scope also brings every unit under it (the department's second-level review). */
    unitsOfDepartments?: boolean;
    /** Sees every unit's records of the decisions it makes, without scope rows (the admin). */
    all?: boolean;
  };
  /** The menu, in order; the first entry is the role's home page. */
  menu: readonly MenuEntry[];
  decides: readonly Decision[];
  /** Held at the profile form (个人基本信息), menu hidden, until the profile is saved. */
  profileFirst?: boolean;
  /** Which sign-in the install configures for this role: APPLICANT_IDENTITY or STAFF_IDENTITY. */
  signsInAs: SignInGroup;
  /** The role an approved 单位注册 gives the unit's 经办人 (scoped to that unit). One role at most. */
  unitAgent?: boolean;
}

export type SignInGroup = "applicants" | "staff";

const STAFF_MENU = [{ to: "/staff", label: "工作台" }, { to: "/staff/applications", label: "申报审核" }, { to: "/staff/exports", label: "导出任务" }, { to: "/staff/stats", label: "统计分析" }] as const;

export const ROLES = {
  applicant: {
    label: "个人用户", staff: false, scope: { kinds: [] }, decides: [], profileFirst: true, signsInAs: "applicants",
    // The manual's order: 3 档案库, 4–6 申报 (one per plan type), 7 申报记录.
    menu: [
      { to: "/home", label: "个人中心" },
      { to: "/profile", label: "个人基本信息" },
      { to: "/archive", label: "我的业绩档案库" },
      { planTypes: true },
      { to: "/records", label: "我的申报记录" },
    ],
  },
  unit_reviewer: {
    label: "单位经办人", staff: true, scope: { kinds: ["unit"] }, decides: ["entries", "applications"], unitAgent: true, signsInAs: "staff",
    menu: [STAFF_MENU[0], { to: "/review/entries", label: "业绩审核" }, STAFF_MENU[1], STAFF_MENU[2], STAFF_MENU[3]],
  },
  dept_reviewer: {
    label: "主管部门", staff: true, scope: { kinds: ["department"], unitsOfDepartments: true }, decides: ["applications", "unit-registrations"], signsInAs: "staff",
    menu: [...STAFF_MENU, { to: "/review/units", label: "单位注册审核" }],
  },
  acceptance_office: {
    label: "受理部门/评委会办事机构", staff: true, scope: { kinds: ["committee", "acceptance", "department"] }, decides: ["applications", "offline-payment", "committee-votes"], signsInAs: "staff",
    menu: [...STAFF_MENU, { to: "/staff/meetings", label: "评审会议" }],
  },
  admin: {
    label: "系统管理员", staff: false, scope: { kinds: [], all: true }, decides: ["configuration", "unit-registrations"], signsInAs: "staff",
    menu: [
      { to: "/admin/users", label: "用户管理" },
      { to: "/admin/forms", label: "表单管理" },
      { to: "/admin/types", label: "申报类型管理" },
      { to: "/admin/templates", label: "评审表模板" },
      { to: "/admin/dictionaries", label: "字典管理" },
      { to: "/admin/plans", label: "申报计划" },
      { to: "/admin/config", label: "配置导入导出" },
      { to: "/review/units", label: "单位注册审核" },
    ],
  },
} as const satisfies Record<string, RoleSpec>;
export type Role = keyof typeof ROLES;

const spec = (role: Role): RoleSpec => ROLES[role];

/** Someone acting: a user id and the role name stored with the user (the table gives it meaning). */
export interface Person { id: number; role: string }

export const ROLE_IDS = Object.keys(ROLES) as Role[];
export const SCOPE_KIND_IDS = Object.keys(SCOPE_KINDS) as ScopeKind[];

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && Object.prototype.hasOwnProperty.call(ROLES, v);
}
export function isScopeKind(v: unknown): v is ScopeKind {
  return typeof v === "string" && Object.prototype.hasOwnProperty.call(SCOPE_KINDS, v);
}

export const roleLabel = (role: Role) => spec(role).label;
/** The label of a stored role name, or null when it is none (an audit row's "system"). */
export const labelOfRole = (name: string | null | undefined) => (isRole(name) ? spec(name).label : null);
export const isStaff = (role: string): role is Role => isRole(role) && spec(role).staff;
export const may = (role: string, decision: Decision) => isRole(role) && spec(role).decides.includes(decision);
/** The roles that may make a decision (e.g. who may act at a workflow's review stages). */
export const rolesThatMay = (decision: Decision) => ROLE_IDS.filter((r) => spec(r).decides.includes(decision));
export const scopeKindsOf = (role: Role) => spec(role).scope.kinds;
export const unitsOfDepartments = (role: Role) => !!spec(role).scope.unitsOfDepartments;
/** The role an approved 单位注册 gives its 经办人, or null when the table names none. */
export const unitAgentRole = (): Role | null => ROLE_IDS.find((r) => !!spec(r).unitAgent) ?? null;
/** Whether the role sees every unit (no scope rows needed). */
export const seesAllUnits = (role: string) => isRole(role) && !!spec(role).scope.all;
export const profileFirst = (role: Role) => !!spec(role).profileFirst;
/** Whose sign-in configuration applies to a stored role name (an unknown role counts as staff). */
export const signInGroupOf = (role: string): SignInGroup => (isRole(role) ? spec(role).signsInAs : "staff");

/** The role's fixed menu, with the plan-type placeholder expanded to the given entries. */
export function menuOf(role: Role, planTypes: NavItem[]): NavItem[] {
  return spec(role).menu.flatMap((m) => ("planTypes" in m ? planTypes : [m]));
}

/** Where a user lands after signing in: the profile form first where the role says so, else the menu's first page. */
export function homeOf(role: Role, profileCompleted: boolean): string {
  if (profileFirst(role) && !profileCompleted) return "/profile";
  const first = spec(role).menu.find((m): m is NavItem => !("planTypes" in m));
  return first?.to ?? "/";
}
