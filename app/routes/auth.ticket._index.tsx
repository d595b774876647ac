// 【通过浙江政务服务网登录】: off to the identity service's login page with a fresh state
// (app/engine/identity/ticket.server.ts). 404 when applicants sign in with local passwords.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getUser, homeFor } from "~/engine/people/auth.server";
import { newSignInState, ticketLoginUrl } from "~/engine/identity/ticket.server";
import { getEnv } from "~/utils/env.server";
import { notFound } from "~/utils/http.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const cfg = getEnv().applicantIdentity;
  if (cfg.kind !== "ticket") throw notFound("未启用统一身份认证登录");
  const user = await getUser(request);
  if (user) return redirect(homeFor(user));
  const { state, setCookie } = await newSignInState();
  return redirect(ticketLoginUrl(cfg, state), { headers: { "Set-Cookie": setCookie, "Cache-Control": "no-store" } });
}
