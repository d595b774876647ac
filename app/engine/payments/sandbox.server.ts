// The sandbox payment provider: a stand-in gateway served by the app itself under /sandbox-pay,
// for the demo and the tests. It behaves like a real one on both sides of the interface:
//  - our side (PaymentProvider): createOrder gives a pay URL whose parameters we sign, like a
//    gateway's page-pay request; verifyNotification checks the gateway's signature.
//  - the gateway side (the /sandbox-pay pages): the cashier page refuses a request whose signature
//    or expiry is wrong; 【确认支付】 makes a transaction id and POSTs a signed, form-encoded
//    notification to the order's notify_url from the server, asynchronously, retrying until the
//    answer is "success" — so our callback gets exactly what it would get from Alipay.
// Signature: app/utils/signed-params.server.ts, keyed with PAYMENT_SANDBOX_SECRET.
import crypto from "node:crypto";
import { getEnv } from "~/utils/env.server";
import { signatureValid, signParams } from "~/utils/signed-params.server";
import type { CreateOrderInput, NotificationRefusal, PaymentProvider, RawNotification, VerifiedNotification } from "./provider";

export const SANDBOX_ID = "sandbox";
const ORDER_NO = /^[A-Za-z0-9]{8,40}$/;
const TXN_ID = /^[A-Za-z0-9]{8,64}$/;

/** A URL-encoded body as one value per name; a repeated name makes it unusable (null). */
function singleParams(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in out) return null;
    out[k] = v;
  }
  return out;
}

export function sandboxSecret() {
  return getEnv().paymentSandboxSecret;
}

export function sandboxProvider(secret: string): PaymentProvider {
  return {
    id: SANDBOX_ID,
    label: "沙箱支付（演示）",
    async createOrder(o: CreateOrderInput) {
      const params = signParams(secret, {
        out_trade_no: o.orderNo, total_fen: String(o.amountFen), subject: o.subject,
        notify_url: o.notifyUrl, return_url: o.returnUrl, expires_at: String(o.expiresAt.getTime()),
      });
      return { payUrl: `/sandbox-pay/${encodeURIComponent(o.orderNo)}?${new URLSearchParams(params)}` };
    },
    async verifyNotification(n: RawNotification): Promise<VerifiedNotification | NotificationRefusal> {
      const p = singleParams(n.body);
      if (!p) return { ok: false, reason: "通知格式不正确" };
      if (!signatureValid(secret, p)) return { ok: false, reason: "签名校验失败" };
      if (p.trade_status !== "TRADE_SUCCESS") return { ok: false, reason: `交易状态不是支付成功：${p.trade_status ?? "空"}` };
      const amount = Number(p.total_fen);
      const paidAt = new Date(Number(p.gmt_payment));
      if (!ORDER_NO.test(p.out_trade_no ?? "") || !TXN_ID.test(p.trade_no ?? "") || !Number.isSafeInteger(amount) || amount <= 0 || Number.isNaN(paidAt.getTime())) {
        return { ok: false, reason: "通知内容不完整或格式不正确" };
      }
      return { ok: true, orderNo: p.out_trade_no, amountFen: amount, providerTxnId: p.trade_no, paidAt };
    },
    ack: () => ({ status: 200, body: "success", contentType: "text/plain; charset=utf-8" }),
    nack: (reason) => ({ status: 400, body: `fail: ${reason}`, contentType: "text/plain; charset=utf-8" }),
  };
}

// ---- the gateway side (the /sandbox-pay pages) ---------------------------------------------------
export interface PayRequest {
  orderNo: string;
  amountFen: number;
  subject: string;
  notifyUrl: string;
  returnUrl: string;
  expiresAt: number;
  /** The signed parameters, carried through the cashier form to the confirm POST. */
  params: Record<string, string>;
}

/** The sandbox talks to one merchant only: its notifications go to, and its payer returns to,
 * PUBLIC_ORIGIN — whatever a signed request says (one signed before PUBLIC_ORIGIN existed, from
 * a forged Host header, names another host). */
function onOurSite(url: string, pathPrefix: string) {
  const origin = getEnv().publicOrigin;
  try {
    const u = new URL(url);
    return u.origin === origin && u.pathname.startsWith(pathPrefix) && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** The merchant's signed page-pay request, or why the cashier refuses it (Chinese). */
export function readPayRequest(secret: string, orderNo: string, raw: URLSearchParams | Record<string, unknown>, now = Date.now()): PayRequest | { error: string } {
  const p: Record<string, string> = {};
  const entries = raw instanceof URLSearchParams ? [...raw] : Object.entries(raw);
  for (const k of ["out_trade_no", "total_fen", "subject", "notify_url", "return_url", "expires_at", "sign_type", "sign"]) {
    const v = entries.find(([name]) => name === k)?.[1];
    if (typeof v === "string") p[k] = v;
  }
  if (p.out_trade_no !== orderNo || !signatureValid(secret, p)) return { error: "支付请求签名无效，请返回商户页面重新发起支付" };
  const expiresAt = Number(p.expires_at);
  if (!(expiresAt > now)) return { error: "支付链接已过期，请返回商户页面重新发起支付" };
  const amountFen = Number(p.total_fen);
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) return { error: "支付金额不正确" };
  if (!onOurSite(p.notify_url ?? "", "/payments/notify/") || !onOurSite(p.return_url ?? "", "/")) {
    return { error: "支付请求的通知地址或返回地址不属于本平台，请返回商户页面重新发起支付" };
  }
  return { orderNo, amountFen, subject: p.subject ?? "", notifyUrl: p.notify_url, returnUrl: p.return_url, expiresAt, params: p };
}

/** What the gateway sends after a successful payment (form-encoded, signed). */
export function notificationBody(secret: string, f: { orderNo: string; amountFen: number; txnId: string; paidAt: Date; status?: string }) {
  return new URLSearchParams(signParams(secret, {
    notify_id: crypto.randomUUID().replace(/-/g, ""), notify_time: String(Date.now()),
    out_trade_no: f.orderNo, trade_no: f.txnId, total_fen: String(f.amountFen),
    trade_status: f.status ?? "TRADE_SUCCESS", gmt_payment: String(f.paidAt.getTime()),
  })).toString();
}

const RETRY_MS = [0, 1000, 3000, 10_000, 30_000, 120_000];

/**
 * 【确认支付】 on the cashier: the payment "happens", and the notification is delivered to the
 * merchant's notify_url in the background, server to server, until it answers "success" (a
 * crash loses the retries, as a real gateway's would not; acceptable for a sandbox).
 */
export function confirmSandboxPayment(secret: string, req: PayRequest, opts: { retryMs?: number[] } = {}) {
  if (!onOurSite(req.notifyUrl, "/payments/notify/")) throw new Error(`sandbox: refusing to notify ${req.notifyUrl}`);
  const txnId = `SBX${Date.now()}${crypto.randomInt(100000, 999999)}`;
  const body = notificationBody(secret, { orderNo: req.orderNo, amountFen: req.amountFen, txnId, paidAt: new Date() });
  void deliver(req.notifyUrl, body, opts.retryMs ?? RETRY_MS);
  return { txnId };
}

async function deliver(url: string, body: string, delays: number[]) {
  for (const delay of delays) {
    if (delay) await new Promise((r) => setTimeout(r, delay).unref());
    try {
      const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body, signal: AbortSignal.timeout(10_000) });
      const text = (await res.text()).trim();
      if (res.ok && text === "success") return;
    } catch {
      // Unreachable or timed out: try again after the next delay.
    }
  }
  console.error(`沙箱支付：通知 ${url} 多次投递失败，已放弃`);
}
