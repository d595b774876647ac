// The account of a person an identity provider verified: found by the verified 身份证号 (never by
// name or mobile), linked once to an existing local account (its password proven first), or
// created at the first sign-in for applicants. A created account has no password (its hash is a
// marker no password matches); the first-login profile gate follows.
import crypto from "node:crypto";
import { UniqueConstraintError } from "sequelize";
import type { Db } from "~/utils/db.server";
import { getEnv, type IdentityKind } from "~/utils/env.server";
import { normalizeUsername } from "../people/users.server";
import { labelOfRole, signInGroupOf } from "../people/roles";
import { PROFILE_FORM_ID } from "../people/profile.server";
import { getForm } from "../form-registry.server";
import type { VerifiedPerson } from "./person.server";

/** Stored instead of a password hash: argon2 verification of anything against it fails. */
export const NO_PASSWORD = "!identity-provider";

/** How a role's group signs in on this install (APPLICANT_IDENTITY / STAFF_IDENTITY). */
export function identityKindFor(role: string): IdentityKind {
  const { identity } = getEnv();
  return signInGroupOf(role) === "applicants" ? identity.applicants : identity.staff;
}

type Outcome = { userId: number; created: boolean } | { error: string };

const audit = (db: Db, user: { id: number; role: string }, action: string, comment: string) =>
  db.models.AuditLog.create({ actorId: user.id, actorRole: user.role, entityType: "user", entityId: String(user.id), action, fromState: null, toState: null, comment });

/**
 * The account a verified person signs in to through provider `via`. `linkUserId`: the local
 * account whose password this browser proved just before (login page), to be linked now.
 */
export async function accountForPerson(db: Db, person: VerifiedPerson, via: IdentityKind, linkUserId: number | null = null, now = new Date()): Promise<Outcome> {
  const { User } = db.models;
  const existing = await User.findOne({ where: { identityIdNumber: person.idNumber } });
  if (existing) {
    if (linkUserId !== null && linkUserId !== existing.id) return { error: "该身份证号已关联本平台的其他账户，不能重复关联；请直接通过统一身份认证登录" };
    if (identityKindFor(existing.role) !== via) return { error: `${labelOfRole(existing.role) ?? "该"}账户不能通过此方式登录，请使用本平台为该账户开放的登录方式` };
    await existing.update({ identityName: person.name, lastLoginAt: now });
    return { userId: existing.id, created: false };
  }
  if (linkUserId !== null) return linkAccount(db, person, via, linkUserId, now);
  // Staff accounts are made by the administrator, never by a sign-in.
  if (getEnv().identity.applicants !== via) {
    return { error: "未找到与您的身份关联的账户。工作人员首次使用请先在登录页输入原用户名和密码完成关联，或联系系统管理员" };
  }
  const username = `zw${crypto.randomBytes(6).toString("hex")}`;
  try {
    const user = await User.create({
      username, usernameNormalized: normalizeUsername(username), passwordHash: NO_PASSWORD, role: "applicant",
      displayName: person.name, identityIdNumber: person.idNumber, identityName: person.name, lastLoginAt: now,
    });
    await audit(db, user, "identity.account-created", "首次通过统一身份认证登录，已创建账户");
    return { userId: user.id, created: true };
  } catch (e) {
    // The same person signing in twice at once: the unique index lets one create, the other finds it.
    if (e instanceof UniqueConstraintError) {
      const again = await User.findOne({ where: { identityIdNumber: person.idNumber } });
      if (again) return { userId: again.id, created: false };
    }
    throw e;
  }
}

/**
 * Links a local account (an install switching over) to the verified person: the account must be
 * one whose group signs in through `via`, not linked to anyone yet, and — where its 个人基本信息
 * holds a 身份证号 — the same person.
 */
async function linkAccount(db: Db, person: VerifiedPerson, via: IdentityKind, userId: number, now: Date): Promise<Outcome> {
  const user = await db.models.User.findByPk(userId);
  if (!user) return { error: "要关联的账户不存在，请重新登录" };
  if (user.identityIdNumber) return { error: "该账户已关联其他身份，不能再次关联" };
  if (identityKindFor(user.role) !== via) return { error: `${labelOfRole(user.role) ?? "该"}账户不能通过此方式登录` };
  const recorded = await profileIdNumber(db, user.id);
  if (recorded && recorded.toUpperCase() !== person.idNumber) {
    return { error: "该账户个人基本信息中的身份证号与统一身份认证的身份证号不一致，不能关联。请联系系统管理员" };
  }
  try {
    const [n] = await db.models.User.update(
      { identityIdNumber: person.idNumber, identityName: person.name, lastLoginAt: now },
      { where: { id: user.id, identityIdNumber: null } },
    );
    if (n !== 1) return { error: "该账户已关联其他身份，不能再次关联" };
  } catch (e) {
    if (e instanceof UniqueConstraintError) return { error: "该身份证号已关联本平台的其他账户，不能重复关联；请直接通过统一身份认证登录" };
    throw e;
  }
  await audit(db, user, "identity.account-linked", "已用原密码验证并关联统一身份认证");
  return { userId: user.id, created: false };
}

/** The 身份证号 an applicant entered in 个人基本信息 (the field the profile form declares), if any. */
async function profileIdNumber(db: Db, userId: number): Promise<string | null> {
  const profile = await db.models.Profile.findOne({ where: { userId }, attributes: ["data"] });
  if (!profile) return null;
  const field = (await getForm(db, PROFILE_FORM_ID))?.meta.identityFields?.idNumber;
  const v = field ? profile.data[field] : undefined;
  return typeof v === "string" && v.trim() ? v.trim() : null;
}
