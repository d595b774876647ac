// The payment providers' asynchronous notifications (server to server, exempt from the origin check:
// authenticated by their signature instead). Answers in the provider's own ack/nack format.
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveNotification } from "~/engine/payments/payments.server";
import { getDb } from "~/utils/db.server";

const MAX_BODY = 64 * 1024;

export async function action({ request, params }: ActionFunctionArgs) {
  const text = (body: string, status: number) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  if (request.method !== "POST") return text("method not allowed", 405);
  if (Number(request.headers.get("Content-Length") ?? 0) > MAX_BODY) return text("fail: body too large", 413);
  const body = await request.text();
  if (body.length > MAX_BODY) return text("fail: body too large", 413);
  const r = await receiveNotification(getDb(), String(params.provider ?? ""), { body, headers: request.headers });
  return new Response(r.body, { status: r.status, headers: { "Content-Type": r.contentType } });
}
