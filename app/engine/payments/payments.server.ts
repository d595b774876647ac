// 马上支付: orders for an application's payment stage, the provider's notifications, and the
// acceptance office's offline payment. The application moves past its payment stage only in the
// transaction that records the payment (completePaymentStage), so an order is paid exactly when
// the chain moved, once. Provider-neutral: see provider.ts and docs/decisions/007.
import crypto from "node:crypto";
import { Op, type Transaction } from "sequelize";
import type { PaymentOrderAttrs, PlanAttrs } from "../../../db/models";
import { plain, type Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { UserError } from "~/engine/errors";
import { may, type Person } from "~/engine/people/roles";
import { isDbId } from "~/utils/ints.server";
import type { Loaded } from "../workflow/applications.server";
import { loadOwn } from "../workflow/applications.server";
import type { WorkflowDefinition } from "../definitions/types.generated";
import { workflowOfApp } from "../workflow/registry.server";
import { stageOf } from "../workflow/review-machine";
import { completePaymentStage, getForStaff } from "../workflow/review.server";
import type { PaymentProvider, RawNotification } from "./provider";
import { sandboxProvider, sandboxSecret, SANDBOX_ID } from "./sandbox.server";

export const OFFLINE = "offline";
/** An open order is reused for this long (the payer's link expires with it), then replaced. */
const ORDER_TTL_MS = 2 * 60 * 60 * 1000;
const MAX_NOTE = 500;
const MAX_PAYLOAD = 8000;

// ---- providers --------------------------------------------------------------------------------
/** Every configured provider by id (a real gateway's adapter is registered here when configured). */
export function providerById(id: string): PaymentProvider | null {
  if (id === SANDBOX_ID) {
    const secret = sandboxSecret();
    return secret ? sandboxProvider(secret) : null;
  }
  return null;
}

/** The provider 【马上支付】 uses, or null when online payment is not available. */
export function activeProvider(): PaymentProvider | null {
  return providerById(SANDBOX_ID);
}

export const yuan = (fen: number) => (fen / 100).toFixed(2);

/** The fee of an application in fen, from its workflow: the plan's fee, a fixed amount, or none. */
export function feeFen(w: Pick<WorkflowDefinition, "fee">, plan: Pick<PlanAttrs, "fee">) {
  if (w.fee.source === "plan") return plan.fee;
  if (w.fee.source === "fixed") return w.fee.amountFen ?? 0;
  return 0;
}

function newOrderNo(prefix = "ZC") {
  // Beijing time stamp + random digits: readable on a bank statement, unique by the DB index.
  const t = new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\D/g, "").slice(0, 14);
  return `${prefix}${t}${crypto.randomInt(10 ** 7, 10 ** 8)}`;
}

const paidOrder = (db: Db, appId: number, stage: string, t?: Transaction) =>
  db.models.PaymentOrder.findOne({ where: { applicationId: appId, stage, status: "paid" }, transaction: t });

// ---- the applicant -----------------------------------------------------------------------------
export interface PaymentPanel {
  feeFen: number;
  stageLabel: string;
  /** The application waits at its payment stage now. */
  due: boolean;
  /** Online payment is configured (else the applicant is told to pay offline). */
  online: boolean;
  providerLabel: string | null;
  paid: { orderNo: string; amountFen: number; paidAt: string | null; offline: boolean; note: string | null } | null;
  pending: { orderNo: string; amountFen: number; createdAt: string } | null;
}

/** What the record page shows about payment, or null when the chain has no payment stage. */
export async function paymentPanel(db: Db, l: Loaded): Promise<PaymentPanel | null> {
  const stage = l.workflow.reviewChain.stages.find((s) => s.kind === "payment");
  if (!stage) return null;
  const current = stageOf(l.workflow, l.app.stage);
  const due = l.app.status === "submitted" && current?.kind === "payment";
  const orders = await db.models.PaymentOrder.findAll({ where: { applicationId: l.app.id, status: { [Op.in]: ["paid", "pending"] } }, order: [["id", "DESC"]], raw: true });
  const paid = orders.find((o) => o.status === "paid");
  const pending = orders.find((o) => o.status === "pending");
  const provider = activeProvider();
  return {
    feeFen: feeFen(l.workflow, l.plan), stageLabel: (current?.kind === "payment" ? current : stage).label, due,
    online: !!provider, providerLabel: provider?.label ?? null,
    paid: paid ? { orderNo: paid.orderNo, amountFen: paid.amountFen, paidAt: paid.paidAt ? new Date(paid.paidAt).toISOString() : null, offline: paid.provider === OFFLINE, note: paid.provider === OFFLINE ? paid.note : null } : null,
    pending: pending && !paid ? { orderNo: pending.orderNo, amountFen: pending.amountFen, createdAt: new Date(pending.createdAt).toISOString() } : null,
  };
}

/**
 * 【马上支付】: the application's open order (reused while fresh) or a new one for the fee as it
 * is now, registered with the provider; returns where to send the payer. The callback and the
 * return page are absolute URLs on PUBLIC_ORIGIN, never on the request's Host.
 */
export async function startPayment(db: Db, userId: number, appId: number) {
  const origin = getEnv().publicOrigin;
  const l = await loadOwn(db, userId, appId);
  const provider = activeProvider();
  const stage = stageOf(l.workflow, l.app.stage);
  const refuse = async (app: Loaded["app"], t?: Transaction) => {
    const payStage = stage?.kind === "payment" ? stage.id : l.workflow.reviewChain.stages.find((s) => s.kind === "payment")?.id;
    if (payStage && (await paidOrder(db, app.id, payStage, t))) return "该申报已缴费，无需重复支付";
    const at = stageOf(l.workflow, app.stage);
    if (app.status !== "submitted" || at?.kind !== "payment") return "该申报当前不在缴费环节";
    return null;
  };
  const early = await refuse(l.app);
  if (early) throw new UserError(early, 409);
  if (!provider) throw new UserError("在线支付暂未开通，请联系受理部门办理线下缴费", 409);
  const amountFen = feeFen(l.workflow, l.plan);
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new UserError("本申报无需在线缴费，请联系受理部门确认", 409);

  const open = async () => db.sequelize.transaction(async (t) => {
    // The application row first: the same lock a notification or an offline payment takes.
    const app = plain(await db.models.Application.findByPk(appId, { transaction: t, lock: t.LOCK.UPDATE }))!;
    const why = await refuse(app, t);
    if (why) throw new UserError(why, 409);
    const pending = await db.models.PaymentOrder.findOne({ where: { applicationId: appId, status: "pending" }, transaction: t });
    if (pending && pending.provider === provider.id && pending.amountFen === amountFen && pending.stage === app.stage
      && Date.now() - new Date(pending.createdAt).getTime() < ORDER_TTL_MS - 10 * 60_000) return pending.get({ plain: true });
    if (pending) await pending.update({ status: "closed", note: "已重新下单" }, { transaction: t });
    return (await db.models.PaymentOrder.create({
      orderNo: newOrderNo(), applicationId: appId, userId, stage: app.stage!, provider: provider.id, amountFen, status: "pending",
    }, { transaction: t })).get({ plain: true });
  });
  let order: PaymentOrderAttrs;
  try {
    order = await open();
  } catch (e) {
    // Two clicks at once: the one-open-order index lets one insert win; the other reuses it.
    if ((e as Error).name !== "SequelizeUniqueConstraintError") throw e;
    order = await open();
  }
  const { payUrl } = await provider.createOrder({
    orderNo: order.orderNo, amountFen: order.amountFen, subject: `${l.workflow.name}费 ${l.app.number ?? ""}`.trim(),
    notifyUrl: `${origin}/payments/notify/${provider.id}`, returnUrl: `${origin}/records/${appId}?notice=payment-returned`,
    expiresAt: new Date(new Date(order.createdAt).getTime() + ORDER_TTL_MS),
  });
  return { payUrl, orderNo: order.orderNo };
}

// ---- the provider's notification ----------------------------------------------------------------
class Refused extends Error {}

/**
 * Our callback: verify the signature (provider), then in one transaction: the order exists for
 * this provider, the amount equals the order's, and the (provider, transaction id) was not seen —
 * then the order is paid and the application moves on, with the notification stored. A repeated
 * notification is acknowledged and changes nothing. Returns the provider's ack/nack response.
 */
export async function receiveNotification(db: Db, providerId: string, raw: RawNotification) {
  const provider = providerById(providerId);
  if (!provider) return { status: 404, body: "unknown provider", contentType: "text/plain; charset=utf-8" };
  const payload = raw.body.slice(0, MAX_PAYLOAD);
  const v = await provider.verifyNotification(raw);
  if (!v.ok) {
    await db.models.PaymentNotification.create({ provider: provider.id, outcome: "refused", reason: v.reason, payload });
    return provider.nack(v.reason);
  }
  const base = { provider: provider.id, orderNo: v.orderNo, providerTxnId: v.providerTxnId, amountFen: v.amountFen, payload };
  try {
    await db.sequelize.transaction(async (t) => {
      const found = await db.models.PaymentOrder.findOne({ where: { orderNo: v.orderNo, provider: provider.id }, transaction: t });
      if (!found) throw new Refused("订单不存在");
      // The application row, then the order: the lock order of startPayment and offline payment.
      const app = plain(await db.models.Application.findByPk(found.applicationId, { transaction: t, lock: t.LOCK.UPDATE }));
      const order = (await db.models.PaymentOrder.findByPk(found.id, { transaction: t, lock: t.LOCK.UPDATE }))!;
      if (order.amountFen !== v.amountFen) throw new Refused(`金额与订单不符（通知 ${yuan(v.amountFen)} 元，订单 ${yuan(order.amountFen)} 元）`);
      if (order.status === "paid") {
        const same = order.providerTxnId === v.providerTxnId;
        await db.models.PaymentNotification.create({ ...base, outcome: same ? "duplicate" : "late", reason: same ? "重复通知，已忽略" : "订单已由另一笔交易支付，需人工退款" }, { transaction: t });
        return;
      }
      const used = await db.models.PaymentOrder.findOne({ where: { provider: provider.id, providerTxnId: v.providerTxnId }, transaction: t });
      if (used) throw new Refused("交易号已用于其他订单");
      await order.update({ status: "paid", providerTxnId: v.providerTxnId, paidAt: v.paidAt }, { transaction: t });
      const w = app && (await workflowOfApp(db, app));
      const atStage = !!app && !!w && app.status === "submitted" && app.stage === order.stage && stageOf(w, app.stage)?.kind === "payment";
      if (!atStage) {
        // Paid after the stage was done another way (e.g. marked offline): keep the money's trace.
        await db.models.PaymentNotification.create({ ...base, outcome: "late", reason: "申报已不在缴费环节，需人工退款" }, { transaction: t });
        return;
      }
      await db.models.PaymentOrder.update({ status: "closed", note: "申报已通过其他订单缴费" }, { where: { applicationId: order.applicationId, status: "pending", id: { [Op.ne]: order.id } }, transaction: t });
      await completePaymentStage(db, t, order.applicationId, { id: 0, role: "system" },
        `${provider.label}：${yuan(order.amountFen)} 元，订单号 ${order.orderNo}，交易号 ${v.providerTxnId}`);
      await db.models.PaymentNotification.create({ ...base, outcome: "paid" }, { transaction: t });
    });
  } catch (e) {
    if (e instanceof Refused) {
      await db.models.PaymentNotification.create({ ...base, outcome: "refused", reason: e.message });
      return provider.nack(e.message);
    }
    // A conflict on the application (a reviewer's write in between): not stored, the provider retries.
    if (e instanceof UserError) return provider.nack(e.message);
    if ((e as Error).name === "SequelizeUniqueConstraintError") {
      // The same transaction id racing on two orders: the loser is refused, nothing changed.
      return provider.nack("交易号已用于其他订单");
    }
    throw e;
  }
  return provider.ack();
}

// ---- the acceptance office ----------------------------------------------------------------------
/**
 * 线下缴费确认: an acceptance office that can see the application marks its payment stage paid,
 * with a note (receipt number, bank slip …). Open online orders are closed; the payment is an
 * order of provider "offline". Out of scope → 404; not at a payment stage (or paid) → 409.
 */
export async function markOfflinePayment(db: Db, staff: Person, appId: number, rawNote: unknown) {
  if (!may(staff.role, "offline-payment")) throw new UserError("只有受理部门可以确认线下缴费", 403);
  if (!isDbId(appId)) throw new UserError("申报记录不存在", 404);
  const note = typeof rawNote === "string" ? rawNote.trim() : "";
  if (!note) throw new UserError("请填写线下缴费说明（如票据号、缴费方式）", 422);
  if (note.length > MAX_NOTE) throw new UserError(`说明不能超过 ${MAX_NOTE} 个字`, 422);
  return db.sequelize.transaction(async (t) => {
    const r = await completePaymentStage(db, t, appId, staff, `线下缴费：${note}`, true);
    const plan = plain(await db.models.Plan.findByPk(r.app.planId, { transaction: t }));
    await db.models.PaymentOrder.update({ status: "closed", note: "已确认线下缴费" }, { where: { applicationId: appId, status: "pending" }, transaction: t });
    const order = await db.models.PaymentOrder.create({
      orderNo: newOrderNo("XX"), applicationId: appId, userId: r.app.userId, stage: r.from.stage!, provider: OFFLINE,
      amountFen: plan ? feeFen(r.workflow, plan) : 0, status: "paid", paidAt: new Date(), note, markedBy: staff.id,
    }, { transaction: t });
    return { orderNo: order.orderNo, version: r.version };
  });
}

/** The payment side of an application for staff in scope (null = not visible → 404). */
export async function paymentsForStaff(db: Db, viewer: Person, appId: number) {
  const s = await getForStaff(db, viewer, appId);
  if (!s) return null;
  const stage = stageOf(s.workflow, s.app.stage);
  const orders = await db.models.PaymentOrder.findAll({ where: { applicationId: appId }, order: [["id", "ASC"]], raw: true });
  return {
    feeFen: feeFen(s.workflow, s.plan),
    due: s.app.status === "submitted" && stage?.kind === "payment",
    canMarkOffline: may(viewer.role, "offline-payment") && s.app.status === "submitted" && stage?.kind === "payment",
    orders: orders.map((o) => ({
      orderNo: o.orderNo, provider: o.provider, amountFen: o.amountFen, status: o.status, providerTxnId: o.providerTxnId,
      paidAt: o.paidAt ? new Date(o.paidAt).toISOString() : null, note: o.note, createdAt: new Date(o.createdAt).toISOString(),
    })),
  };
}
