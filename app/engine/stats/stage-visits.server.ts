// Keeps application_stage_visits (migration 0025) in step with the chain: called with each
// application audit row, inside the transaction that wrote it, so a visit is entered and left
// exactly when the transition commits (decision 020).
import type { Transaction } from "sequelize";
import type { AuditLogAttrs } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { minutesBetween, stageOfPoint } from "../../../db/models";

export async function recordStageVisit(db: Db, t: Transaction, row: Pick<AuditLogAttrs, "entityId" | "fromState" | "toState" | "action" | "createdAt">) {
  if (row.fromState === row.toState) return;
  const applicationId = Number(row.entityId);
  const at = new Date(row.createdAt);
  if (stageOfPoint(row.fromState)) {
    const open = await db.models.StageVisit.findOne({ where: { applicationId, leftAt: null }, transaction: t });
    if (open) await open.update({ leftAt: at, minutes: minutesBetween(new Date(open.get("enteredAt")), at), outcome: row.action }, { transaction: t });
  }
  const stage = stageOfPoint(row.toState);
  if (!stage) return;
  const app = await db.models.Application.findByPk(applicationId, { attributes: ["workflowId", "chainVersion"], transaction: t, raw: true });
  if (app) await db.models.StageVisit.create({ applicationId, workflowId: app.workflowId, chainVersion: app.chainVersion, stage, enteredAt: at }, { transaction: t });
}
