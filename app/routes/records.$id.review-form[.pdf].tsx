// GET /records/:id/review-form.pdf — 【导出评审表】 for the applicant's own submitted application.
// Anyone else (another applicant, staff, a guessed id) gets the same 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { reviewFormResponse } from "~/engine/pdf/review-form.server";
import { loadOwn } from "~/engine/workflow/applications.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const missing = () => notFound("申报记录不存在或您无权查看");
  if (user.role !== "applicant") throw missing();
  const db = getDb();
  const l = await loadOwn(db, user.id, Number(params.id)).catch((e) => {
    if (e instanceof UserError) throw missing();
    throw e;
  });
  return reviewFormResponse(db, l);
}
