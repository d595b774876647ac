// GET /staff/applications/:id/publicity-form.pdf — 【导出公示版评审表】: the 公示版 review form (its
// publicity stage's template: ID number and mobile masked, no photo), for the staff who run that
// stage in the application's scope. Anyone else, unknown or out of scope: 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { reviewFormResponse } from "~/engine/pdf/review-form.server";
import { getForStaff } from "~/engine/workflow/review.server";
import { publicityTemplateFor } from "~/engine/workflow/publicity.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { may } from "~/engine/people/roles";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const found = may(user.role, "applications") ? await getForStaff(db, user, Number(params.id)) : null;
  const template = found && publicityTemplateFor(found.workflow, found.scope, user, found.app);
  if (!found || !template) throw notFound("申报记录不存在或不在您的范围内");
  return reviewFormResponse(db, found, { template, label: "评审表（公示版）" });
}
