// 统计 (issue 15, decision 020): one row per application stage visit — entered / left, whole
// minutes spent, the action that left it — so the dashboard's time-per-stage median and p90 read
// a small indexed table instead of pairing audit rows. Written in the transaction of every chain
// transition (app/engine/stats/stage-visits.server.ts); filled here for existing applications
// from their audit trail. workflowId/chainVersion are the chain the stage was visited on (its label).
import { DataTypes, QueryTypes, type QueryInterface } from "sequelize";
import { visitsOf, type TrailRow } from "../models";

export const name = "0025-stage-visits";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable("application_stage_visits", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    applicationId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "applications", key: "id" }, onDelete: "CASCADE" },
    workflowId: { type: DataTypes.STRING(64), allowNull: false },
    chainVersion: { type: DataTypes.INTEGER, allowNull: false },
    stage: { type: DataTypes.STRING(32), allowNull: false },
    enteredAt: { type: DataTypes.DATE, allowNull: false },
    leftAt: { type: DataTypes.DATE, allowNull: true },
    minutes: { type: DataTypes.INTEGER, allowNull: true },
    outcome: { type: DataTypes.STRING(32), allowNull: true },
  });
  // Covering for the dashboard (application in scope → its finished visits' stage and minutes)
  // and for finding the open visit of an application at a transition.
  await qi.addIndex("application_stage_visits", ["applicationId", "leftAt", "workflowId", "chainVersion", "stage", "minutes"], { name: "application_stage_visits_app" });

  // The dashboard's counts, one query per chain in the viewer's scope (workflowId, chainVersion,
  // not a draft), answered from this index alone (no table rows read) at 200 000 applications.
  await qi.addIndex("applications", ["workflowId", "chainVersion", "planId", "status", "stage", "unitId", "committeeId", "acceptanceDepartmentId", "submittedAt"], { name: "applications_stats" });

  const q = (s: string) => qi.quoteIdentifier(s);
  const apps = await qi.sequelize.query<{ id: number; workflowId: string; chainVersion: number }>(
    `SELECT ${q("id")}, ${q("workflowId")}, ${q("chainVersion")} FROM ${q("applications")} WHERE ${q("status")} <> 'draft'`, { type: QueryTypes.SELECT });
  const chain = new Map(apps.map((a) => [String(a.id), a]));
  const rows = await qi.sequelize.query<TrailRow & { entityId: string }>(
    `SELECT ${q("entityId")}, ${q("fromState")}, ${q("toState")}, ${q("action")}, ${q("createdAt")} FROM ${q("audit_logs")}
     WHERE ${q("entityType")} = 'application' ORDER BY ${q("entityId")}, ${q("createdAt")}, ${q("id")}`, { type: QueryTypes.SELECT });
  const trails = new Map<string, TrailRow[]>();
  for (const r of rows) {
    if (!chain.has(r.entityId)) continue;
    let t = trails.get(r.entityId);
    if (!t) trails.set(r.entityId, (t = []));
    t.push({ ...r, createdAt: new Date(r.createdAt) });
  }
  let batch: object[] = [];
  const flush = async () => { if (batch.length) await qi.bulkInsert("application_stage_visits", batch); batch = []; };
  for (const [id, trail] of trails) {
    const a = chain.get(id)!;
    for (const v of visitsOf(trail)) {
      batch.push({ applicationId: a.id, workflowId: a.workflowId, chainVersion: a.chainVersion, ...v });
      if (batch.length >= 1000) await flush();
    }
  }
  await flush();
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex("applications", "applications_stats");
  await qi.dropTable("application_stage_visits");
}
