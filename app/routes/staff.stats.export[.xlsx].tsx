// GET /staff/stats/export.xlsx?… — every table of 统计分析 with its current filters, a sheet each.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireMay } from "~/engine/people/auth.server";
import { xlsxResponse } from "~/engine/file-storage.server";
import { exportStats, statsFiltersFrom } from "~/engine/stats/stats.server";
import { getDb } from "~/utils/db.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMay(request, "applications");
  const f = await exportStats(getDb(), user, statsFiltersFrom(new URL(request.url)));
  return xlsxResponse(f);
}
