// The reviewer queue by unit: each achievement entry carries its applicant's work unit (a copy
// of profiles.unitId, rewritten in the profile's own save transaction when the unit changes), so
// "待审核 of unit U, oldest first" is one range of a partial index instead of a join over every
// pending entry of the unit's applicants followed by a sort (bench/archive.ts).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0007-entry-unit";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn("achievement_entries", "unitId", { type: DataTypes.INTEGER, allowNull: true });
  await qi.sequelize.query(
    `UPDATE achievement_entries SET "unitId" = (SELECT p."unitId" FROM profiles p WHERE p."userId" = achievement_entries."userId")`,
  );
  await qi.addIndex("achievement_entries", ["unitId", "submittedAt", "id"], {
    name: "achievement_entries_unit_queue",
    where: { status: "pending" },
  });
  // The per-applicant queue index of 0002 served only the old join; nothing reads it now.
  await qi.removeIndex("achievement_entries", "achievement_entries_pending_queue");
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.addIndex("achievement_entries", ["userId", "submittedAt", "id"], {
    name: "achievement_entries_pending_queue",
    where: { status: "pending" },
  });
  await qi.removeIndex("achievement_entries", "achievement_entries_unit_queue");
  await qi.removeColumn("achievement_entries", "unitId");
}
