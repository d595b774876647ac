// GET /staff/applications/export.xlsx?… — the staff queue with its current filters, as Excel.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportQueue, queueFiltersFrom } from "~/engine/workflow/review.server";
import { requireMay } from "~/engine/people/auth.server";
import { xlsxResponse } from "~/engine/file-storage.server";
import { getDb } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { listParams } from "~/utils/pagination";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMay(request, "applications");
  const url = new URL(request.url);
  try {
    const f = await exportQueue(getDb(), user, queueFiltersFrom(url, { ...listParams(url), offset: 0, pageSize: 0 }));
    return xlsxResponse(f);
  } catch (e) {
    if (e instanceof UserError) return new Response(e.message, { status: e.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw e;
  }
}
