// 个人基本信息: one record per applicant, validated by the latest published "profile" form.
// The form's meta says which field is the work unit (scoping) and which is the display name.
import { UniqueConstraintError } from "sequelize";
import type { Db } from "~/utils/db.server";
import { lockApplicantUnit } from "~/engine/archive.server";
import { getForm, validateRecord, type PublishedForm } from "~/engine/form-registry.server";
import { UserError } from "~/engine/errors";

export const PROFILE_FORM_ID = "profile";

export async function profileForm(db: Db): Promise<PublishedForm> {
  const form = await getForm(db, PROFILE_FORM_ID);
  if (!form) throw new Error("profile form is not published: run the migrations");
  return form;
}

export async function loadProfile(db: Db, userId: number) {
  const row = await db.models.Profile.findOne({ where: { userId } });
  if (!row) return null;
  const unit = row.unitId ? await db.models.Unit.findByPk(row.unitId, { include: ["affiliation", "department"] }) : null;
  return { row, unit };
}

export function unitLabel(unit: any) {
  if (!unit) return null;
  return { id: unit.id, name: unit.name, creditCode: unit.creditCode, affiliation: unit.affiliation?.name ?? "", department: unit.department?.name ?? "" };
}

/**
 * What an identity provider verified for this user, as values of the profile form's fields
 * (meta.identityFields): the provider's name and 身份证号 are the profile's, prefilled and
 * read-only. Empty for local accounts.
 */
export async function verifiedProfileValues(db: Db, form: PublishedForm, userId: number): Promise<Record<string, string>> {
  const fields = form.meta.identityFields ?? {};
  const user = await db.models.User.findByPk(userId, { attributes: ["identityIdNumber", "identityName"] });
  if (!user?.identityIdNumber) return {};
  const out: Record<string, string> = {};
  if (fields.name && user.identityName) out[fields.name] = user.identityName;
  if (fields.idNumber) out[fields.idNumber] = user.identityIdNumber;
  return out;
}

/** The form's uiSchema with the verified fields read-only, saying where their values come from. */
export function lockVerifiedFields(uiSchema: Record<string, unknown>, verified: Record<string, string>) {
  const out: Record<string, unknown> = { ...uiSchema };
  for (const field of Object.keys(verified)) {
    const ui = (out[field] && typeof out[field] === "object" ? out[field] : {}) as Record<string, unknown>;
    out[field] = { ...ui, "ui:readonly": true, "ui:help": "来自统一身份认证，不可修改" };
  }
  return out;
}

/**
 * Saves the profile. `expectedVersion` is the version the user edited (null for a first save);
 * a mismatch means another tab saved in between → 409, nothing written.
 */
export async function saveProfile(db: Db, userId: number, data: unknown, expectedVersion: number | null) {
  const form = await profileForm(db);
  // Verified values win over whatever was posted: they are read-only on the page, and here too.
  const verified = await verifiedProfileValues(db, form, userId);
  const posted = data && typeof data === "object" && !Array.isArray(data) ? { ...(data as Record<string, unknown>), ...verified } : data;
  const result = await validateRecord(db, form, posted);
  if (!result.ok) throw new UserError("请按提示修改后再保存", 422, result.fieldErrors);
  const unitField = form.meta.unitField as string | undefined;
  const nameField = form.meta.displayNameField as string | undefined;
  const unitId = unitField ? (result.data[unitField] as number | undefined) ?? null : null;
  const values = { data: result.data, formId: form.id, formVersion: form.version, unitId };
  const { Profile, User, AuditLog } = db.models;
  const conflict = new UserError("个人信息已在其他页面被修改，请刷新页面后重新填写", 409);
  try {
    await db.sequelize.transaction(async (transaction) => {
      const existing = await Profile.findOne({ where: { userId }, transaction });
      if (existing) {
        if (expectedVersion === null || existing.version !== expectedVersion) throw conflict;
        // Conditional update on the version column: a concurrent writer makes this match 0 rows.
        const [n] = await Profile.update(
          { ...values, version: existing.version + 1 },
          { where: { id: existing.id, version: expectedVersion }, transaction },
        );
        if (n !== 1) throw conflict;
      } else {
        if (expectedVersion !== null) throw conflict;
        await Profile.create({ userId, ...values }, { transaction });
      }
      // Archive entries carry a copy of the unit (the reviewer queue's index, migration 0007):
      // moved in this transaction so the applicant's entries leave the old unit's queue with them.
      if (!existing || existing.unitId !== unitId) {
        await lockApplicantUnit(db, transaction, userId, "exclusive");
        await db.models.AchievementEntry.update({ unitId }, { where: { userId }, transaction, silent: true });
      }
      const user = await User.findByPk(userId, { transaction });
      if (user) {
        if (!user.profileCompletedAt) user.profileCompletedAt = new Date();
        if (nameField && typeof result.data[nameField] === "string") user.displayName = result.data[nameField] as string;
        await user.save({ transaction });
      }
      await AuditLog.create({
        actorId: userId, actorRole: "applicant", entityType: "profile", entityId: String(userId),
        action: existing ? "update" : "create", toState: `${form.id}@${form.version}`,
      }, { transaction });
    });
  } catch (e) {
    // Two first saves at once: the unique index on userId lets only one in.
    if (e instanceof UniqueConstraintError) throw conflict;
    throw e;
  }
}
