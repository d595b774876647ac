// GET /staff/exports/:id/download — the ZIP of a finished export, for the staff member who
// started it; anyone else 404, an expired file 410.
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { exportDownload, isExportRole } from "~/engine/pdf/export-jobs.server";
import { contentDisposition } from "~/engine/file-storage.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!isExportRole(user.role)) throw notFound("导出任务不存在或您无权查看");
  try {
    const file = await exportDownload(getDb(), user.id, Number(params.id));
    if (!file) throw notFound("导出任务不存在或您无权查看");
    return new Response(createReadableStreamFromReadable(file.body), {
      headers: {
        "Content-Type": "application/zip",
        "Content-Length": String(file.size),
        "Content-Disposition": contentDisposition(file.name, "application/zip"),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  } catch (e) {
    if (e instanceof UserError) return new Response(e.message, { status: e.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw e;
  }
}
