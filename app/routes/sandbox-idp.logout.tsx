// The sandbox identity service's logout (IDENTITY_TICKET_SANDBOX=1 only): it keeps no session of
// its own, so it only sends the browser back to this system's login page, and nowhere else.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { sandboxIdentity, sandboxLogoutTarget } from "~/engine/identity/ticket.server";
import { notFound } from "~/utils/http.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const cfg = sandboxIdentity();
  if (!cfg) throw notFound();
  const url = new URL(request.url);
  const to = sandboxLogoutTarget(cfg, url.searchParams.get("servicecode") ?? "", url.searchParams.get("goto") ?? "");
  if (!to) throw new Response("返回地址不属于已注册的接入系统", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return redirect(to);
}
