// 导出配置: the whole configuration bundle as a JSON download (stable key order for git diffs).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { bundleJson, exportBundle } from "~/engine/config-bundle.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const body = bundleJson(await exportBundle(getDb()));
  const filename = `zcps-config-${new Date().toISOString().slice(0, 10)}.json`;
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
