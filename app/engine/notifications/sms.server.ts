// SMS behind one provider interface (as payments have one). The sandbox provider, for demos and
// tests, sends nothing: the message row it marks sent is the record of what would have gone out.
// A real gateway plugs in behind the same interface. Messages are claimed with a lease, sent with
// an idempotency key (the gateway drops a repeat after a crash mid-send), and retried with
// backoff; after the last attempt they are marked failed with the reason.
import { Op } from "sequelize";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";

export interface SmsProvider {
  name: string;
  /** Sends one message; throws with a short reason when the gateway refuses it. */
  send(msg: { to: string; text: string; idempotencyKey: string }): Promise<void>;
}

/** The sandbox's one unreachable number: lets tests and demos see retries and failures. */
export const SANDBOX_UNREACHABLE = "13900009999";

const sandbox: SmsProvider = {
  name: "sandbox",
  async send({ to }) {
    if (to === SANDBOX_UNREACHABLE) throw new Error("沙箱：该号码无法接收短信");
  },
};

const PROVIDERS: Record<"sandbox", SmsProvider> = { sandbox };

export function smsEnabled() {
  return getEnv().smsProvider !== "none";
}
function provider(): SmsProvider | null {
  const p = getEnv().smsProvider;
  return p === "none" ? null : PROVIDERS[p];
}

const MAX_ATTEMPTS = 5;
const LEASE_MS = 5 * 60_000;
const BATCH = 20;
const backoffMs = (attempts: number) => 30_000 * 2 ** (attempts - 1);

/** Sends the SMS that are due; returns how many were tried. */
export async function sendDueSms(db: Db, now = new Date(), via: SmsProvider | null = provider()): Promise<number> {
  if (!via) return 0;
  const { Notification } = db.models;
  const due = await Notification.findAll({
    where: { channel: "sms", status: { [Op.in]: ["pending", "sending"] }, nextAttemptAt: { [Op.lte]: now } },
    order: [["id", "ASC"]], limit: BATCH, attributes: ["id", "status", "attempts", "nextAttemptAt"], raw: true,
  });
  let tried = 0;
  for (const m of due) {
    // Claimed with a lease: another server, or this one after a crash, takes it only once the lease ends.
    const [claimed] = await Notification.update(
      { status: "sending", attempts: m.attempts + 1, nextAttemptAt: new Date(now.getTime() + LEASE_MS) },
      { where: { id: m.id, status: m.status, attempts: m.attempts } },
    );
    if (claimed !== 1) continue;
    tried++;
    const row = (await Notification.findByPk(m.id))!;
    try {
      await via.send({ to: row.recipient ?? "", text: `【职称申报评审平台】${row.body}`, idempotencyKey: `notification-${row.id}` });
      await row.update({ status: "sent", sentAt: new Date(), nextAttemptAt: null, lastError: null });
    } catch (e) {
      const reason = String((e as Error).message ?? e).slice(0, 200);
      const last = row.attempts >= MAX_ATTEMPTS;
      await row.update({ status: last ? "failed" : "pending", lastError: reason, nextAttemptAt: last ? null : new Date(now.getTime() + backoffMs(row.attempts)) });
    }
  }
  return tried;
}
