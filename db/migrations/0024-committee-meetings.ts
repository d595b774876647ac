// 评审会议 (issue 15, committee vote): an office of a committee records a meeting (date, members
// present and the committee's full size, an optional title) with the applications waiting at a
// vote stage of that committee; per application the counts 赞成/反对/弃权 and the verdict they
// gave under the stage's pass rule. A meeting's passed list may be published (评审结果公示) for a
// period. One row per (meeting, application); an application is on one undecided list at most
// (checked by the engine under the meeting's lock).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0024-committee-meetings";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable("committee_meetings", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    committeeId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "committees", key: "id" } },
    title: { type: DataTypes.STRING(64), allowNull: true },
    meetingDate: { type: DataTypes.STRING(10), allowNull: false },
    membersTotal: { type: DataTypes.INTEGER, allowNull: false },
    membersPresent: { type: DataTypes.INTEGER, allowNull: false },
    createdBy: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" } },
    publishFrom: { type: DataTypes.STRING(10), allowNull: true },
    publishTo: { type: DataTypes.STRING(10), allowNull: true },
    publishedAt: { type: DataTypes.DATE, allowNull: true },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("committee_meetings", ["committeeId", "meetingDate"], { name: "committee_meetings_committee" });
  await qi.addIndex("committee_meetings", ["publishTo"], { name: "committee_meetings_publish" });
  await qi.createTable("committee_votes", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    meetingId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "committee_meetings", key: "id" } },
    applicationId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "applications", key: "id" } },
    approve: { type: DataTypes.INTEGER, allowNull: true },
    oppose: { type: DataTypes.INTEGER, allowNull: true },
    abstain: { type: DataTypes.INTEGER, allowNull: true },
    /** null until counted; then "pass" or "fail". */
    result: { type: DataTypes.STRING(8), allowNull: true },
    decidedBy: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" } },
    decidedAt: { type: DataTypes.DATE, allowNull: true },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("committee_votes", ["meetingId", "applicationId"], { unique: true, name: "committee_votes_meeting_app" });
  await qi.addIndex("committee_votes", ["applicationId"], { name: "committee_votes_app" });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("committee_votes");
  await qi.dropTable("committee_meetings");
}
