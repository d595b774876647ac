// Readiness probe for a load balancer: 200 when the database, its migrations and the object store
// are ready, else 503 naming which check failed (the reason is logged). Plain JSON, no session.
import { json } from "@remix-run/node";
import { getDb } from "~/utils/db.server";
import { readiness } from "~/utils/readiness.server";

export async function loader() {
  const r = await readiness(getDb());
  // The reasons go to the log; the public answer names only the failing checks.
  for (const c of r.checks) if (!c.ok) console.error(`[readyz] ${c.name}: ${c.detail}`);
  return json({ ok: r.ok, checks: r.checks.map(({ name, ok }) => ({ name, ok })) }, { status: r.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
