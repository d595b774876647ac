// The payment providers' asynchronous notifications (server to server, exempt from the origin check:
// authenticated by their signature instead). Answers in the provider's own ack/nack format.
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveNotification } from "~/engine/payments/payments.server";
import { getDb } from "~/utils/db.server";
import { dropBody, HttpError, readText } from "~/utils/http.server";

/** Real notifications are a few KB; anyone can post here, so nothing larger is read. */
const MAX_BODY = 64 * 1024;

export async function action({ request, params }: ActionFunctionArgs) {
  const text = (body: string, status: number) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  if (request.method !== "POST") {
    dropBody(request);
    return text("method not allowed", 405);
  }
  let body: string;
  try {
    body = await readText(request, MAX_BODY);
  } catch (e) {
    if (e instanceof HttpError) return text(e.status === 413 ? "fail: body too large" : "fail: incomplete body", e.status);
    throw e;
  }
  const r = await receiveNotification(getDb(), String(params.provider ?? ""), { body, headers: request.headers });
  return new Response(r.body, { status: r.status, headers: { "Content-Type": r.contentType } });
}
