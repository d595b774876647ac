// The one rule every transition obeys at a 公示 (publicity) stage: it is left only by recording the
// publicity outcome after the period's end (publicity.server.ts). 通过 one by one, 批量通过 and any
// other path through applyTransition is refused here, with the period's end date in the message.
import type { Transaction } from "sequelize";
import type { ApplicationAttrs, PublicityPeriodAttrs } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import type { WorkflowDefinition } from "../definitions/types.generated";
import { cnDate } from "../format-value";
import { shanghaiDay } from "../working-days";
import { stageOf } from "./review-machine";

/** The period row of an application's stage (null: none entered yet). */
export async function publicityPeriodOf(db: Db, applicationId: number, stageId: string, t?: Transaction): Promise<PublicityPeriodAttrs | null> {
  const row = await db.models.PublicityPeriod.findOne({ where: { applicationId, stageId }, transaction: t });
  return row ? row.get({ plain: true }) : null;
}

/** Whether the period is over: the Asia/Shanghai calendar day is after its end date. */
export const publicityEnded = (p: Pick<PublicityPeriodAttrs, "endDate">, now = new Date()) => shanghaiDay(now) > p.endDate;

/** Why the application can't be decided now, when it waits at a publicity stage (null otherwise). */
export function publicityRefusal(stageLabel: string, period: PublicityPeriodAttrs | null, now = new Date()): string | null {
  // A row with an outcome is an earlier round's (the application came back after 退回修改).
  if (!period || period.outcome) return `「${stageLabel}」环节须先录入公示期，公示期结束后再录入公示结果`;
  if (!publicityEnded(period, now)) return `公示期至 ${cnDate(period.endDate)} 结束，公示期结束前不能办理「${stageLabel}」环节`;
  return null;
}

/** Throws (409) when `app` waits at a publicity stage: only the publicity outcome moves it on. */
export async function refuseAtPublicity(db: Db, t: Transaction, app: ApplicationAttrs, w: WorkflowDefinition) {
  const stage = stageOf(w, app.stage);
  if (app.status !== "submitted" || stage?.kind !== "publicity") return;
  const why = publicityRefusal(stage.label, await publicityPeriodOf(db, app.id, stage.id, t));
  throw new UserError(why ?? `「${stage.label}」环节请录入公示结果（无异议，或有异议并填写处理意见）`, 409);
}
