// The payment provider interface: what the sandbox implements today and what an Alipay, WeChat Pay
// or government non-tax payment (统一公共支付平台) adapter implements later. The shape is the one
// every such gateway has: we create an order (our order number, amount, where to notify and where
// to send the payer back), the payer pays on the provider's page, and the provider tells our
// callback asynchronously in a signed message, possibly more than once. See
// docs/decisions/007-payment-provider.md. Amounts are integers in fen (分) everywhere.

export interface CreateOrderInput {
  /** Our order number (unique, ≤ 40 characters of [A-Za-z0-9]); the provider's out_trade_no. */
  orderNo: string;
  amountFen: number;
  /** What the payer sees on the provider's page (e.g. 职称评审费 + application number). */
  subject: string;
  /** Absolute URL of our callback: POST /payments/notify/<provider id>. */
  notifyUrl: string;
  /** Absolute URL the payer's browser returns to after paying or cancelling. */
  returnUrl: string;
  /** After this the payer's page refuses to pay (the order can be created again). */
  expiresAt: Date;
}

export interface CreatedOrder {
  /** Where to redirect the payer's browser (the provider's cashier page). */
  payUrl: string;
}

/** An incoming HTTP request to our callback, as the provider sent it. */
export interface RawNotification {
  /** The raw body (form-encoded, JSON or XML, provider's choice), undecoded. */
  body: string;
  headers: Headers;
}

export type VerifiedNotification = {
  ok: true;
  orderNo: string;
  amountFen: number;
  /** The provider's transaction id: the idempotency key with the provider id. */
  providerTxnId: string;
  paidAt: Date;
};
/** `reason` is for our logs and the stored notification, in Chinese. */
export type NotificationRefusal = { ok: false; reason: string };

export interface PaymentProvider {
  /** Stable id: the orders' provider column and the callback path segment. */
  readonly id: string;
  /** Shown to the payer (e.g. 支付宝, 沙箱支付). */
  readonly label: string;
  /**
   * Registers the order with the provider and returns the payer's page. Called again with the same
   * orderNo when the payer clicks 【马上支付】 once more, so it must be idempotent per orderNo
   * (real gateways accept a repeated out_trade_no with the same amount).
   */
  createOrder(input: CreateOrderInput): Promise<CreatedOrder>;
  /**
   * Checks a notification's signature (the provider's public key or shared key) and that it
   * reports a successful payment; returns what it says. It does not look at our orders: the
   * caller checks the order number, amount and state, and answers with `ack`/`nack`.
   */
  verifyNotification(n: RawNotification): Promise<VerifiedNotification | NotificationRefusal>;
  /** The response body that tells the provider "received, stop retrying" (e.g. "success"). */
  ack(): { status: number; body: string; contentType: string };
  /** The response to a refused notification (the provider retries or alerts). */
  nack(reason: string): { status: number; body: string; contentType: string };
}
