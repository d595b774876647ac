// /apply/:id — resumes the wizard where the applicant left off (the first step not complete).
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { loadOwn, resumeStep } from "~/engine/workflow/applications.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  try {
    const l = await loadOwn(getDb(), user.id, Number(params.id));
    if (l.app.status !== "draft" && l.app.status !== "returned") return redirect(`/records/${l.app.id}`);
    return redirect(`/apply/${l.app.id}/${resumeStep(l.workflow, l.app).id}`);
  } catch (e) {
    if (e instanceof UserError) throw notFound("申报记录不存在或您无权查看");
    throw e;
  }
}
