// GET /staff/meetings/:id/template.xlsx — 【下载表决票模板】: the meeting's list still to be counted.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { voteSheet } from "~/engine/workflow/meetings.server";
import { requireMay } from "~/engine/people/auth.server";
import { xlsxResponse } from "~/engine/file-storage.server";
import { getDb } from "~/utils/db.server";
import { UserError } from "~/engine/errors";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireMay(request, "committee-votes");
  try {
    const f = await voteSheet(getDb(), user, params.id);
    return xlsxResponse(f);
  } catch (e) {
    if (e instanceof UserError) return new Response(e.message, { status: e.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw e;
  }
}
