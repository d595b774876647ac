// 线下缴费确认 by an acceptance office (POST, a note required): JSON for the staff page's fetcher.
// Out of scope → 404, not at the payment stage / already paid → 409.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { markOfflinePayment } from "~/engine/payments/payments.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { bodyId } from "~/utils/body-values";

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMay(request, "offline-payment");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const r = await markOfflinePayment(getDb(), user, bodyId(params.id) ?? 0, body.note);
    return json({ ok: true as const, orderNo: r.orderNo, version: r.version });
  });
}
