// GET /staff/meetings/:id/template.xlsx — 【下载表决票模板】: the meeting's list still to be counted.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { voteSheet } from "~/engine/workflow/meetings.server";
import { requireMay } from "~/engine/people/auth.server";
import { contentDisposition } from "~/engine/file-storage.server";
import { getDb } from "~/utils/db.server";
import { UserError } from "~/engine/errors";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireMay(request, "committee-votes");
  try {
    const f = await voteSheet(getDb(), user, params.id);
    return new Response(f.body, {
      headers: {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": contentDisposition(f.filename, "application/octet-stream"),
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    if (e instanceof UserError) return new Response(e.message, { status: e.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw e;
  }
}
