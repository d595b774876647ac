// Accounts, roles and reviewer scopes. Used by registration, the admin pages, the
// user:create CLI and the demo seeder, so every way of creating a user checks the same rules.
import { Op, UniqueConstraintError, type Transaction } from "sequelize";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { isDbId } from "~/utils/ints.server";
import { hashPassword, passwordProblem } from "~/utils/password.server";
import { dictionaryLabels, dictionaryRowByKey, dictionaryRowExists } from "../dictionaries.server";
import { maskIdNumber } from "../format-value";
import { isRole, isScopeKind, may, ROLE_IDS, roleLabel, SCOPE_KIND_IDS, SCOPE_KINDS, scopeKindsOf, type Role, type ScopeKind } from "./roles";

export interface ScopeRef { kind: ScopeKind; refId: number; label: string }
/** Scope given by natural keys (a unit's credit code, the others' names), one field per scope kind (roles.ts `input`). */
export type ScopeInput = { [K in ScopeKind as (typeof SCOPE_KINDS)[K]["input"]]?: string[] };

function refuseKind(role: Role, kind: ScopeKind): never {
  throw new UserError(`角色「${roleLabel(role)}」不能设置${SCOPE_KINDS[kind].label}范围`);
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
  const out: { kind: ScopeKind; refId: number }[] = [];
  const unknown: string[] = [];
  for (const kind of SCOPE_KIND_IDS) {
    const keys = input[SCOPE_KINDS[kind].input];
    if (!keys?.length) continue;
    if (!scopeKindsOf(role).includes(kind)) refuseKind(role, kind);
    for (const key of keys) {
      const row = await dictionaryRowByKey(db, SCOPE_KINDS[kind].dictionary, key, transaction);
      if (!row) unknown.push(`${SCOPE_KINDS[kind].label}「${key}」`);
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
  if (!isRole(opts.role)) throw new UserError(`未知角色「${opts.role}」，可选：${ROLE_IDS.join(", ")}`);
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
  const out = await Promise.all(SCOPE_KIND_IDS.map(async (kind) => {
    const ids = rows.filter((r) => r.kind === kind).map((r) => r.refId);
    const labels = ids.length ? await dictionaryLabels(db, SCOPE_KINDS[kind].dictionary, ids) : [];
    return labels.map((l) => ({ kind, refId: l.id, label: l.label }));
  }));
  return out.flat();
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
  const { User, UserScope, AuditLog } = db.models;
  return db.sequelize.transaction(async (transaction) => {
    const user = await User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!user) throw new UserError("用户不存在", 404);
    if (user.id === actor.id && !may(role, "configuration")) throw new UserError("不能取消自己的管理员角色");
    const clean: { kind: ScopeKind; refId: number }[] = [];
    for (const s of scopes) {
      if (!isScopeKind(s.kind) || !isDbId(s.refId)) throw new UserError("范围参数不正确");
      const kind = s.kind;
      if (!scopeKindsOf(role).includes(kind)) refuseKind(role, kind);
      if (!(await dictionaryRowExists(db, SCOPE_KINDS[kind].dictionary, s.refId, transaction))) throw new UserError(`${SCOPE_KINDS[kind].label}不存在`);
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
    attributes: ["id", "username", "displayName", "role", "isDemo", "lockedUntil", "lastLoginAt", "createdAt", "identityIdNumber"],
    order: [["id", "ASC"]],
    offset: opts.offset,
    limit: opts.pageSize,
  });
  // Whether the account signs in through an identity provider, with the number masked (a list).
  return {
    rows: rows.map((r) => {
      const { identityIdNumber, ...rest } = r.get({ plain: true });
      return { ...rest, identity: identityIdNumber ? maskIdNumber(identityIdNumber) : null };
    }),
    total: count,
  };
}
