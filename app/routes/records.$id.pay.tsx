// 【马上支付】: creates (or reuses) the application's order with the payment provider and sends the
// payer to the provider's page. Refusals (paid, not at the payment stage, …) are 409 with a message.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { startPayment } from "~/engine/payments/payments.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  const id = Number(params.id);
  return handleUserErrors(async () => {
    try {
      const { payUrl } = await startPayment(getDb(), user.id, id);
      return redirect(payUrl);
    } catch (e) {
      // Someone else's (or no) application: it does not exist for this applicant.
      if (e instanceof UserError && e.status === 404) throw notFound("申报记录不存在或您无权查看");
      throw e;
    }
  });
}
