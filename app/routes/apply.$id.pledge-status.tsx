// GET /apply/:id/pledge-status?step=… — polled by the 签署保证书 page while the QR code is shown,
// so the desktop moves on within seconds of the phone signing.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { pledgeSigned } from "~/engine/workflow/applications.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const step = new URL(request.url).searchParams.get("step") ?? "";
  try {
    return json(await pledgeSigned(getDb(), user.id, Number(params.id), step), { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    if (e instanceof UserError) throw notFound("申报记录不存在或您无权查看");
    throw e;
  }
}
