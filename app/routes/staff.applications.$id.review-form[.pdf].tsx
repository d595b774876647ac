// GET /staff/applications/:id/review-form.pdf — the review form of an application in the staff
// member's scope. Out of scope, unknown, or not staff: 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { reviewFormResponse } from "~/engine/pdf/review-form.server";
import { getForStaff } from "~/engine/workflow/review.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { may } from "~/engine/people/roles";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const found = may(user.role, "applications") ? await getForStaff(db, user, Number(params.id)) : null;
  if (!found) throw notFound("申报记录不存在或不在您的范围内");
  return reviewFormResponse(db, found);
}
