// POST /apply — 【马上申报】 on a plan page: opens the applicant's application for the plan (a new
// draft bound to the current workflow and form versions, or the one already started) and goes
// to the step where it stands.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { startApplication } from "~/engine/workflow/applications.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { bodyId } from "~/utils/body-values";

export async function loader() {
  return redirect("/records");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const dept = body.departmentId ? bodyId(body.departmentId) : null;
    const { id } = await startApplication(getDb(), user.id, bodyId(body.planId) ?? NaN, dept);
    return redirect(`/apply/${id}`);
  });
}
