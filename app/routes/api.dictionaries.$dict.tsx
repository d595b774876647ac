// GET /api/dictionaries/<id>?q= (or ?id=) — a dictionary's rows for the 字典选择 picker of form
// fields (x-dictionary), by keyword over its declared search columns (any signed-in user:
// dictionaries are reference data, not personal data).
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/engine/people/auth.server";
import { searchDictionary } from "~/engine/dictionaries.server";
import { getDb } from "~/utils/db.server";
import { bodyId } from "~/utils/body-values";
import { handleUserErrors } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  const url = new URL(request.url);
  const id = url.searchParams.has("id") ? bodyId(url.searchParams.get("id")) ?? -1 : null;
  return handleUserErrors(async () => json(await searchDictionary(getDb(), params.dict, { q: url.searchParams.get("q") ?? "", id }), { headers: { "Cache-Control": "private, max-age=60" } }));
}
