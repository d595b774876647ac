// The 法人 login sends the browser back here with a ticket: the state must be this browser's,
// the ticket is exchanged server to server for the unit and the person who signed in for it.
// A unit not in the 工作单位 dictionary is told so (nothing created); the 经办人 of an approved
// 单位注册 gets a new session as their account; anyone else of the unit a short unit session
// for the 单位注册 pages.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Button, Descriptions, Result } from "antd";
import { clearSignInState, stateMatches } from "~/engine/identity/ticket.server";
import { exchangeUnitTicket, setUnitSignIn, UNIT_FLOW, unitIdentity, unitSignInOutcome } from "~/engine/identity/unit-sign-in.server";
import { homeFor } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { commitSession, regenerateSession } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "法人登录 - 职称申报评审平台" }];

type Failure = { error: string; unit: null } | { error: null; unit: { name: string; creditCode: string } };

export async function loader({ request }: LoaderFunctionArgs) {
  const cfg = unitIdentity();
  if (!cfg) throw notFound("未启用法人登录");
  const url = new URL(request.url);
  const state = url.searchParams.get("state") ?? "";
  const ticket = url.searchParams.get("ticket") ?? "";
  const fail = async (body: Failure, status: number) =>
    json(body, { status, headers: { "Set-Cookie": await clearSignInState(UNIT_FLOW), "Cache-Control": "no-store" } });
  if (!state || !(await stateMatches(request, state, UNIT_FLOW))) return fail({ error: "登录请求已失效或不是从本浏览器发起的，请重新登录", unit: null }, 400);
  if (!ticket) return fail({ error: "法人登录未返回登录票据，请重新登录", unit: null }, 400);
  const login = await exchangeUnitTicket(cfg, ticket);
  if ("error" in login) return fail({ error: login.error, unit: null }, 400);
  const outcome = await unitSignInOutcome(getDb(), login);
  if (outcome.kind === "unknown-unit") return fail({ error: null, unit: { name: outcome.unitName, creditCode: outcome.creditCode } }, 403);
  const session = await regenerateSession(request);
  if (outcome.kind === "agent") session.set("userId", outcome.userId);
  else setUnitSignIn(session, outcome.unitId, login.operator);
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", await commitSession(request, session));
  headers.append("Set-Cookie", await clearSignInState(UNIT_FLOW));
  return redirect(outcome.kind === "agent" ? homeFor({ role: outcome.role, profileCompleted: true }) : "/unit/register", { headers });
}

export default function UnitCallback() {
  const d = useLoaderData<typeof loader>();
  if (d.unit) {
    return (
      <Result
        status="warning" title="本单位不在工作单位字典中"
        subTitle="平台的工作单位字典中没有该统一社会信用代码，暂不能办理单位注册。请联系系统管理员将本单位加入工作单位字典后再登录。"
        extra={[
          <Descriptions key="unit" size="small" bordered column={1} style={{ maxWidth: 480, margin: "0 auto 16px", textAlign: "left" }}
            items={[{ key: "name", label: "单位名称", children: d.unit.name || "—" }, { key: "code", label: "统一社会信用代码", children: d.unit.creditCode }]} />,
          <Link key="back" to="/login"><Button>返回登录页</Button></Link>,
        ]}
      />
    );
  }
  return (
    <Result status="warning" title="登录未完成" subTitle={d.error}
      extra={<Link to="/login"><Button type="primary">重新登录</Button></Link>} />
  );
}
