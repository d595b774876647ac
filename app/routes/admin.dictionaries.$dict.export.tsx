// 导出: every row of one dictionary as CSV (UTF-8 with BOM) or Excel.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportFile } from "~/engine/dictionary-admin.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const format = new URL(request.url).searchParams.get("format") === "xlsx" ? "xlsx" : "csv";
  try {
    const f = await exportFile(getDb(), params.dict ?? "", format);
    return new Response(f.body, {
      headers: {
        "Content-Type": f.contentType,
        "Content-Disposition": `attachment; filename="export.${format}"; filename*=UTF-8''${encodeURIComponent(f.filename)}`,
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    if (e instanceof UserError) throw notFound(e.message);
    throw e;
  }
}
