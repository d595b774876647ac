// The applicant account of a person an identity provider verified: found by the verified
// 身份证号 (never by name or mobile), or created at the first sign-in. Such an account has no
// password (its hash is a marker no password matches); the first-login profile gate follows.
import crypto from "node:crypto";
import { UniqueConstraintError } from "sequelize";
import type { Db } from "~/utils/db.server";
import { normalizeUsername } from "../people/users.server";
import type { VerifiedPerson } from "./ticket.server";

/** Stored instead of a password hash: argon2 verification of anything against it fails. */
export const NO_PASSWORD = "!identity-provider";

export async function accountForPerson(db: Db, person: VerifiedPerson, now = new Date()): Promise<{ userId: number; created: boolean }> {
  const { User } = db.models;
  const existing = await User.findOne({ where: { identityIdNumber: person.idNumber } });
  if (existing) {
    await existing.update({ identityName: person.name, lastLoginAt: now });
    return { userId: existing.id, created: false };
  }
  const username = `zw${crypto.randomBytes(6).toString("hex")}`;
  try {
    const user = await User.create({
      username, usernameNormalized: normalizeUsername(username), passwordHash: NO_PASSWORD, role: "applicant",
      displayName: person.name, identityIdNumber: person.idNumber, identityName: person.name, lastLoginAt: now,
    });
    await db.models.AuditLog.create({ actorId: user.id, actorRole: "applicant", entityType: "user", entityId: String(user.id), action: "identity.account-created", fromState: null, toState: null, comment: "首次通过统一身份认证登录，已创建账户" });
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
