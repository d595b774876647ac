// Notifications (issue 15), declared in workflows/notifications.json. Every state change of an
// entry or application is already an audit row, written in the change's own transaction; the
// rows wait (notifyPending) for this dispatcher, which matches them against the published
// notification definitions and writes the messages — 站内信 delivered at once, SMS queued for the
// sender — in one transaction with clearing the flag. A message's key (event, person, channel) is
// unique, so a dispatch retried after a crash, or run by two servers at once, sends nothing twice.
import Handlebars from "handlebars";
import { Op, type Transaction } from "sequelize";
import type { Db } from "~/utils/db.server";
import type { ApplicationAttrs, AuditLogAttrs, NotificationAttrs } from "../../../db/models";
import type { ReviewStage } from "../definitions/types.generated";
import { loadReviewerScope } from "../people/scope.server";
import { stageInScope } from "../workflow/review.server";
import { getDefinition } from "../definitions/index.server";
import { NOTIFICATIONS_ID, notificationsKind, type NotificationDef, type NotificationsDefinition } from "../definitions/kinds/notifications.server";
import { getForm } from "../form-registry.server";
import { maskIdNumber } from "../format-value";
import { workflowOfApp } from "../workflow/registry.server";
import { isValidMobile } from "../cn-codes";
import { getEnv } from "~/utils/env.server";
import { singleton } from "~/utils/singleton.server";
import { sendDueSms, smsEnabled } from "./sms.server";

const BATCH = 200;
const MAX_BODY = 500;

interface EventFacts {
  ownerId: number;
  /** The review stage an application reached, if it reached one (its kind matches toStageKinds). */
  stage: ReviewStage | null;
  /** What a stage's scope is judged on (applications only). */
  app: Pick<ApplicationAttrs, "unitId" | "committeeId" | "acceptanceDepartmentId"> | null;
  vars: Record<string, unknown>;
}

/** Whether a notification is about this change (every list it gives must match). */
export function matches(n: NotificationDef, row: Pick<AuditLogAttrs, "entityType" | "action" | "toState">, stageKind: string | null): boolean {
  if (n.on.entity !== row.entityType) return false;
  if (n.on.actions && !n.on.actions.includes(row.action)) return false;
  if (n.on.toStates && !n.on.toStates.includes(row.toState ?? "")) return false;
  if (n.on.toStageKinds && !(stageKind && (n.on.toStageKinds as string[]).includes(stageKind))) return false;
  return true;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
/** Handlebars' escapes, undone: a message is plain text (pages escape it when they show it, an SMS is text). */
const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#x60;": "`", "&#x3D;": "=" };
function render(text: string, vars: Record<string, unknown>): string {
  let tpl = compiled.get(text);
  if (!tpl) {
    // Escaping stays on and only the built-in helpers run: the output is never trusted as markup.
    tpl = Handlebars.compile(text, { strict: false, knownHelpersOnly: true });
    compiled.set(text, tpl);
  }
  return tpl(vars).replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D);/g, (e) => ENTITIES[e]).slice(0, MAX_BODY);
}

/** What a notification may say about the change (never more than a masked 身份证号). */
async function factsOf(db: Db, row: AuditLogAttrs, t: Transaction): Promise<EventFacts | null> {
  const id = Number(row.entityId);
  if (!Number.isInteger(id)) return null;
  if (row.entityType === "achievement-entry") {
    const entry = await db.models.AchievementEntry.findByPk(id, { attributes: ["id", "userId", "title", "categoryId"], transaction: t });
    if (!entry) return null;
    const form = await getForm(db, entry.categoryId);
    return { ownerId: entry.userId, stage: null, app: null, vars: { id, entry: { title: entry.title }, category: form?.title ?? "" } };
  }
  if (row.entityType === "application") {
    const app = await db.models.Application.findByPk(id, { transaction: t });
    if (!app) return null;
    const [w, plan] = await Promise.all([workflowOfApp(db, app), db.models.Plan.findByPk(app.planId, { attributes: ["name"], transaction: t })]);
    const stage = w?.reviewChain?.stages.find((s) => s.id === row.toState) ?? null;
    return {
      ownerId: app.userId, stage, app,
      vars: {
        id, application: { number: app.number ?? "" }, plan: plan?.name ?? "", type: w?.name ?? "", stage: stage?.label ?? "",
        idNumberMasked: app.applicantIdNumber ? maskIdNumber(app.applicantIdNumber) : "",
      },
    };
  }
  return null;
}

async function recipientOf(db: Db, def: NotificationsDefinition, userId: number, t: Transaction) {
  const user = await db.models.User.findByPk(userId, { attributes: ["id", "displayName"], transaction: t });
  if (!user) return null;
  let mobile: string | null = null;
  if (def.sms) {
    const profile = await db.models.Profile.findOne({ where: { userId }, attributes: ["data"], transaction: t });
    const v = profile?.data[def.sms.mobileField];
    mobile = typeof v === "string" && isValidMobile(v.trim()) ? v.trim() : null;
  }
  return { id: user.id, name: user.displayName ?? "", mobile };
}

/** At most this many staff are told of one application reaching a stage (a scope is a few people). */
const MAX_STAFF_RECIPIENTS = 200;

/** Who a notification goes to: the owner, or the staff acting at the stage reached, in scope. */
async function audienceOf(db: Db, def: NotificationsDefinition, n: NotificationDef, facts: EventFacts, t: Transaction) {
  if ((n.audience ?? "owner") === "owner") {
    const who = await recipientOf(db, def, facts.ownerId, t);
    return who ? [who] : [];
  }
  const { stage, app } = facts;
  if (!stage?.role || !app) return [];
  const staff = await db.models.User.findAll({ where: { role: stage.role }, attributes: ["id", "role", "displayName"], order: [["id", "ASC"]], limit: MAX_STAFF_RECIPIENTS, transaction: t });
  const out: { id: number; name: string; mobile: null }[] = [];
  for (const u of staff) {
    if (stageInScope(stage, await loadReviewerScope(db, u), app)) out.push({ id: u.id, name: u.displayName ?? "", mobile: null });
  }
  return out;
}

/**
 * Looks at the audit rows still waiting (oldest first, at most `batch`) and writes their
 * messages. Returns how many rows were looked at (0: nothing waits).
 */
export async function dispatchNotifications(db: Db, now = new Date(), batch = BATCH): Promise<{ events: number; messages: number }> {
  // Idle servers only read (the partial index): no write transaction unless something waits.
  if (!(await db.models.AuditLog.findOne({ where: { notifyPending: true }, attributes: ["id"], raw: true }))) return { events: 0, messages: 0 };
  const published = await getDefinition(db, notificationsKind, NOTIFICATIONS_ID);
  const pg = db.sequelize.getDialect() === "postgres";
  return db.sequelize.transaction(async (t) => {
    const rows = await db.models.AuditLog.findAll({
      where: { notifyPending: true }, order: [["id", "ASC"]], limit: batch, transaction: t, raw: true,
      // Two servers dispatching at once take different rows (SQLite has one writer anyway).
      ...(pg ? { lock: t.LOCK.UPDATE, skipLocked: true } : {}),
    });
    if (!rows.length) return { events: 0, messages: 0 };
    const out: Omit<NotificationAttrs, "id" | "createdAt" | "readAt" | "sentAt" | "lastError">[] = [];
    const defs = published?.notifications ?? [];
    for (const row of rows) {
      const candidates = defs.filter((n) => n.on.entity === row.entityType);
      if (!candidates.length) continue;
      const facts = await factsOf(db, row, t);
      if (!facts) continue;
      const hits = candidates.filter((n) => matches(n, row, facts.stage?.kind ?? null));
      for (const n of hits) for (const who of await audienceOf(db, published!, n, facts, t)) {
        const vars = { ...facts.vars, name: who.name, comment: row.comment ?? "" };
        const base = { userId: who.id, eventKey: `audit:${row.id}:${n.id}`, title: n.title, body: render(n.message, vars), link: n.link ? render(n.link, vars) : null, attempts: 0 };
        for (const channel of n.channels) {
          if (channel === "inbox") out.push({ ...base, channel, recipient: null, status: "delivered", nextAttemptAt: null });
          else if (smsEnabled()) {
            out.push(who.mobile
              ? { ...base, channel, recipient: who.mobile, status: "pending", nextAttemptAt: now }
              : { ...base, channel, recipient: null, status: "failed", nextAttemptAt: null });
          }
        }
      }
    }
    if (out.length) await db.models.Notification.bulkCreate(out.map((m) => (m.status === "failed" ? { ...m, lastError: "个人基本信息中没有有效的手机号" } : m)), { ignoreDuplicates: true, transaction: t });
    await db.models.AuditLog.update({ notifyPending: false }, { where: { id: { [Op.in]: rows.map((r) => r.id) } }, transaction: t });
    return { events: rows.length, messages: out.length };
  });
}

// ---- 站内信 (the message centre) -----------------------------------------------------------------

export async function unreadCount(db: Db, userId: number): Promise<number> {
  return db.models.Notification.count({ where: { userId, channel: "inbox", readAt: null } });
}

export async function listInbox(db: Db, userId: number, o: { offset: number; pageSize: number; unreadOnly?: boolean }) {
  const where = { userId, channel: "inbox", ...(o.unreadOnly ? { readAt: null } : {}) };
  const { rows, count } = await db.models.Notification.findAndCountAll({
    where, order: [["id", "DESC"]], offset: o.offset, limit: o.pageSize,
    attributes: ["id", "title", "body", "link", "readAt", "createdAt"],
  });
  return { rows: rows.map((r) => ({ id: r.id, title: r.title, body: r.body, link: r.link, readAt: r.readAt, createdAt: r.createdAt })), total: count };
}

/** Marks the user's own messages read (one, or all when id is null); another person's id changes nothing. */
export async function markRead(db: Db, userId: number, id: number | null, now = new Date()): Promise<number> {
  const [n] = await db.models.Notification.update({ readAt: now }, { where: { userId, channel: "inbox", readAt: null, ...(id === null ? {} : { id }) } });
  return n;
}

// ---- the loop every server runs ------------------------------------------------------------------

/**
 * Every NOTIFY_INTERVAL_SECONDS: write the messages of new changes, then send the SMS that are
 * due. Any number of servers may run it (rows are claimed); one round at a time per process.
 */
export function startNotifications(db: Db) {
  const s = singleton("notifications-loop", () => ({ started: false, busy: false }));
  if (s.started) return;
  s.started = true;
  const round = async () => {
    if (s.busy) return;
    s.busy = true;
    try {
      while ((await dispatchNotifications(db)).events === BATCH) { /* a backlog: keep going */ }
      await sendDueSms(db);
    } catch (e) {
      console.error("[notifications]", (e as Error).message);
    } finally {
      s.busy = false;
    }
  };
  setInterval(() => void round(), getEnv().notifyIntervalMs).unref();
}
