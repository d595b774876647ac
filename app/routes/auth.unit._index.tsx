// 【法人登录】: off to the identity service's 法人 login page with a fresh state
// (app/engine/identity/unit-sign-in.server.ts). 404 unless UNIT_IDENTITY=ticket.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { newSignInState, ticketLoginUrl } from "~/engine/identity/ticket.server";
import { UNIT_FLOW, unitIdentity } from "~/engine/identity/unit-sign-in.server";
import { notFound } from "~/utils/http.server";

export async function loader(_: LoaderFunctionArgs) {
  const cfg = unitIdentity();
  if (!cfg) throw notFound("未启用法人登录");
  const { state, setCookie } = await newSignInState(UNIT_FLOW);
  return redirect(ticketLoginUrl(cfg, state, UNIT_FLOW), { headers: { "Set-Cookie": setCookie, "Cache-Control": "no-store" } });
}
