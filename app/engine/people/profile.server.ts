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
 * Saves the profile. `expectedVersion` is the version the user edited (null for a first save);
 * a mismatch means another tab saved in between → 409, nothing written.
 */
export async function saveProfile(db: Db, userId: number, data: unknown, expectedVersion: number | null) {
  const form = await profileForm(db);
  const result = await validateRecord(db, form, data);
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
