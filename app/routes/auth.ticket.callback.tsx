// The identity service sends the browser back here with a ticket: the state must be this
// browser's, the ticket is exchanged server to server, and the verified person's account is
// found by 身份证号 or created; then a new session, as after a password sign-in.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Button, Result } from "antd";
import { accountForPerson } from "~/engine/identity/accounts.server";
import { clearSignInState, exchangeTicket, stateMatches } from "~/engine/identity/ticket.server";
import { homeFor } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { notFound } from "~/utils/http.server";
import { commitSession, regenerateSession } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "统一身份认证登录 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const cfg = getEnv().applicantIdentity;
  if (cfg.kind !== "ticket") throw notFound("未启用统一身份认证登录");
  const url = new URL(request.url);
  const state = url.searchParams.get("state") ?? "";
  const ticket = url.searchParams.get("ticket") ?? "";
  const fail = async (error: string, status: number) =>
    json({ error }, { status, headers: { "Set-Cookie": await clearSignInState(), "Cache-Control": "no-store" } });
  if (!state || !(await stateMatches(request, state))) return fail("登录请求已失效或不是从本浏览器发起的，请重新登录", 400);
  if (!ticket) return fail("统一身份认证未返回登录票据，请重新登录", 400);
  const person = await exchangeTicket(cfg, ticket);
  if ("error" in person) return fail(person.error, 400);
  const db = getDb();
  const { userId } = await accountForPerson(db, person);
  const user = (await db.models.User.findByPk(userId))!;
  const session = await regenerateSession(request);
  session.set("userId", userId);
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", await commitSession(request, session));
  headers.append("Set-Cookie", await clearSignInState());
  return redirect(homeFor({ role: user.role, profileCompleted: !!user.profileCompletedAt }), { headers });
}

export default function TicketCallback() {
  const { error } = useLoaderData<typeof loader>();
  return (
    <Result status="warning" title="登录未完成" subTitle={error}
      extra={<Link to="/login"><Button type="primary">重新登录</Button></Link>} />
  );
}
