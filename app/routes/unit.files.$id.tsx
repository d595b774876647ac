// GET /unit/files/:id — the 用人单位委托证明 of one of the signed-in unit's own registrations;
// another unit's id, or no unit session, gets the same 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { mandateResponse, openMandate, registrationOfUnit } from "~/engine/identity/unit-registration.server";
import { unitSignInOf } from "~/engine/identity/unit-sign-in.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { intParam } from "~/utils/route-params.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const signIn = await unitSignInOf(request);
  const reg = signIn ? await registrationOfUnit(getDb(), signIn.unitId, intParam(params.id)) : null;
  const file = reg ? await openMandate(reg) : null;
  if (!file) throw notFound("文件不存在或您无权查看");
  return mandateResponse(file);
}

