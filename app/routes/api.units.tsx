// GET /api/units?q= — 工作单位 keyword search for the unit picker (any signed-in user).
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { searchUnits } from "~/engine/unit-search.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  return json(await searchUnits(getDb(), q), { headers: { "Cache-Control": "private, max-age=60" } });
}
