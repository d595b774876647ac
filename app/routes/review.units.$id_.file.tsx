// GET /review/units/:id/file — a registration's 用人单位委托证明 for a reviewer whose scope has the
// unit (the admin: every unit); anyone else, and a missing file, get the same 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { mandateResponse, openMandate, registrationForReviewer } from "~/engine/identity/unit-registration.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { intParam } from "~/utils/route-params.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const reg = await registrationForReviewer(getDb(), user, intParam(params.id));
  const file = reg ? await openMandate(reg) : null;
  if (!file) throw notFound("文件不存在或您无权查看");
  return mandateResponse(file);
}
