// Accounts, roles and reviewer scopes. Used by registration, the admin pages, the
// user:create CLI and the demo seeder, so every way of creating a user checks the same rules.
import { Op, UniqueConstraintError, type Transaction } from "sequelize";
import { ROLES, SCOPE_KINDS, type Role, type ScopeKind } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { isDbId } from "~/utils/ints.server";
import { hashPassword, passwordProblem } from "~/utils/password.server";

export const ROLE_LABELS: Record<Role, string> = {
  applicant: "个人用户",
  unit_reviewer: "单位经办人",
  dept_reviewer: "主管部门",
  acceptance_office: "受理部门/评委会办事机构",
  admin: "系统管理员",
};
export const SCOPE_LABELS: Record<ScopeKind, string> = { unit: "工作单位", department: "主管部门", committee: "评审委员会", acceptance: "受理部门" };
/** Which scope kinds make sense for a role. */
export const ROLE_SCOPE_KINDS: Record<Role, ScopeKind[]> = {
  applicant: [],
  unit_reviewer: ["unit"],
  dept_reviewer: ["department"],
  acceptance_office: ["committee", "acceptance", "department"],
  admin: [],
};

export interface ScopeRef { kind: ScopeKind; refId: number; label: string }
/** Scope given by natural keys: unit credit codes, department, committee and acceptance department names. */
export interface ScopeInput { units?: string[]; departments?: string[]; committees?: string[]; acceptanceDepartments?: string[] }

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

/** The username as stored and shown: NFKC (full-width letters become ASCII) and trimmed. */
export function cleanUsername(username: string) {
  return username.normalize("NFKC").trim();
}

/** The key two usernames must not share (users.usernameNormalized): " DEMO_Applicant" = "demo_applicant". */
export function normalizeUsername(username: string) {
  return cleanUsername(username).toLowerCase();
}

export function usernameProblem(username: string): string | null {
  if (!/^[A-Za-z0-9_.@-]{4,32}$/.test(username)) return "用户名须为 4–32 位字母、数字或 _ . @ -";
  return null;
}

/** Resolves natural keys to scope rows; unknown keys are refused with their names. */
export async function resolveScopes(db: Db, role: Role, input: ScopeInput, transaction?: Transaction) {
  const { Unit, Department, Committee, AcceptanceDepartment } = db.models;
  const out: { kind: ScopeKind; refId: number }[] = [];
  const unknown: string[] = [];
  const want: [ScopeKind, string[] | undefined][] = [["unit", input.units], ["department", input.departments], ["committee", input.committees], ["acceptance", input.acceptanceDepartments]];
  for (const [kind, keys] of want) {
    if (!keys?.length) continue;
    if (!ROLE_SCOPE_KINDS[role].includes(kind)) {
      throw new UserError(`角色「${ROLE_LABELS[role]}」不能设置${SCOPE_LABELS[kind]}范围`);
    }
    for (const key of keys) {
      const row = kind === "unit"
        ? await Unit.findOne({ where: { creditCode: key }, transaction })
        : kind === "department"
          ? await Department.findOne({ where: { name: key }, transaction })
          : kind === "committee"
            ? await Committee.findOne({ where: { name: key }, transaction })
            : await AcceptanceDepartment.findOne({ where: { name: key }, transaction });
      if (!row) unknown.push(`${SCOPE_LABELS[kind]}「${key}」`);
      else out.push({ kind, refId: row.id });
    }
  }
  if (unknown.length) throw new UserError(`以下范围不存在：${unknown.join("、")}`);
  return out;
}

export async function createUser(
  db: Db,
  opts: { username: string; password: string; role: string; displayName?: string; scopes?: ScopeInput; isDemo?: boolean },
) {
  const username = cleanUsername(opts.username);
  const usernameNormalized = normalizeUsername(username);
  const problem = usernameProblem(username) ?? passwordProblem(opts.password, { username, displayName: opts.displayName });
  if (problem) throw new UserError(problem);
  if (!isRole(opts.role)) throw new UserError(`未知角色「${opts.role}」，可选：${ROLES.join(", ")}`);
  const role = opts.role;
  const passwordHash = await hashPassword(opts.password);
  return db.sequelize.transaction(async (transaction) => {
    const scopes = await resolveScopes(db, role, opts.scopes ?? {}, transaction);
    const taken = () => new UserError("该用户名已被注册", 409);
    if (await db.models.User.findOne({ where: { usernameNormalized }, transaction })) throw taken();
    const user = await db.models.User.create(
      { username, usernameNormalized, passwordHash, role, displayName: opts.displayName ?? null, isDemo: !!opts.isDemo },
      { transaction },
    ).catch((e) => {
      // Two registrations of one name at once (Postgres): the unique index decides, the loser gets the 409.
      throw e instanceof UniqueConstraintError ? taken() : e;
    });
    if (scopes.length) await db.models.UserScope.bulkCreate(scopes.map((s) => ({ ...s, userId: user.id })), { transaction });
    return user;
  });
}

/** The user's scope with display labels. */
export async function loadScopes(db: Db, userId: number): Promise<ScopeRef[]> {
  const rows = await db.models.UserScope.findAll({ where: { userId }, raw: true });
  const ids = (k: ScopeKind) => rows.filter((r) => r.kind === k).map((r) => r.refId);
  const [units, depts, comms, accs] = await Promise.all([
    ids("unit").length ? db.models.Unit.findAll({ where: { id: { [Op.in]: ids("unit") } }, raw: true }) : [],
    ids("department").length ? db.models.Department.findAll({ where: { id: { [Op.in]: ids("department") } }, raw: true }) : [],
    ids("committee").length ? db.models.Committee.findAll({ where: { id: { [Op.in]: ids("committee") } }, raw: true }) : [],
    ids("acceptance").length ? db.models.AcceptanceDepartment.findAll({ where: { id: { [Op.in]: ids("acceptance") } }, attributes: ["id", "name"], raw: true }) : [],
  ]);
  return [
    ...units.map((u) => ({ kind: "unit" as const, refId: u.id, label: u.name })),
    ...depts.map((d) => ({ kind: "department" as const, refId: d.id, label: d.name })),
    ...comms.map((c) => ({ kind: "committee" as const, refId: c.id, label: c.name })),
    ...accs.map((a) => ({ kind: "acceptance" as const, refId: a.id, label: a.name })),
  ];
}

/** Admin: replace a user's role and scope (by ids picked in the UI), with an audit row. */
export async function setRoleAndScopes(
  db: Db,
  actor: { id: number; role: string },
  userId: number,
  role: string,
  scopes: { kind: string; refId: number }[],
) {
  if (!isRole(role)) throw new UserError(`未知角色「${role}」`);
  const { User, UserScope, Unit, Department, Committee, AcceptanceDepartment, AuditLog } = db.models;
  return db.sequelize.transaction(async (transaction) => {
    const user = await User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!user) throw new UserError("用户不存在", 404);
    if (user.id === actor.id && role !== "admin") throw new UserError("不能取消自己的管理员角色");
    const clean: { kind: ScopeKind; refId: number }[] = [];
    for (const s of scopes) {
      if (!(SCOPE_KINDS as readonly string[]).includes(s.kind) || !isDbId(s.refId)) throw new UserError("范围参数不正确");
      const kind = s.kind as ScopeKind;
      if (!ROLE_SCOPE_KINDS[role].includes(kind)) throw new UserError(`角色「${ROLE_LABELS[role]}」不能设置${SCOPE_LABELS[kind]}范围`);
      const model = kind === "unit" ? Unit : kind === "department" ? Department : kind === "committee" ? Committee : AcceptanceDepartment;
      if (!(await (model as any).findByPk(s.refId, { transaction }))) throw new UserError(`${SCOPE_LABELS[kind]}不存在`);
      if (!clean.some((c) => c.kind === kind && c.refId === s.refId)) clean.push({ kind, refId: s.refId });
    }
    const before = user.role;
    user.role = role;
    await user.save({ transaction });
    await UserScope.destroy({ where: { userId }, transaction });
    if (clean.length) await UserScope.bulkCreate(clean.map((c) => ({ ...c, userId })), { transaction });
    await AuditLog.create({
      actorId: actor.id, actorRole: actor.role, entityType: "user", entityId: String(userId), action: "set-role",
      fromState: before, toState: role, comment: clean.map((c) => `${c.kind}:${c.refId}`).join(",") || null,
    }, { transaction });
    return user;
  });
}

/** Admin user list: search by username or name, filter by role, paginated. */
export async function listUsers(db: Db, opts: { q: string; role: string | null; offset: number; pageSize: number }) {
  const where: Record<string | symbol, unknown> = {};
  if (opts.q) {
    const like = `%${opts.q.replace(/[%_\\]/g, "")}%`;
    where[Op.or] = [{ username: { [Op.like]: like } }, { displayName: { [Op.like]: like } }];
  }
  if (opts.role && isRole(opts.role)) where.role = opts.role;
  const { rows, count } = await db.models.User.findAndCountAll({
    where,
    attributes: ["id", "username", "displayName", "role", "isDemo", "lockedUntil", "lastLoginAt", "createdAt"],
    order: [["id", "ASC"]],
    offset: opts.offset,
    limit: opts.pageSize,
  });
  return { rows: rows.map((r) => r.get({ plain: true })), total: count };
}
