// The sandbox 法人 login's ticket exchange (server to server, exempt from the origin check: the
// request's signature authenticates it). Answers JSON: result "0" with the unit and operator, or
// result "1" with errmsg. Redeems only unit tickets. 404 unless the unit sandbox is on.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { redeemSandboxTicket } from "~/engine/identity/ticket.server";
import { sandboxUnitIdentity } from "~/engine/identity/unit-sign-in.server";
import { getDb } from "~/utils/db.server";
import { dropBody, HttpError, notFound, readText } from "~/utils/http.server";

const MAX_BODY = 8 * 1024;

export async function loader() {
  throw notFound("页面不存在");
}

export async function action({ request }: ActionFunctionArgs) {
  const cfg = sandboxUnitIdentity();
  if (!cfg) {
    dropBody(request);
    throw notFound("沙箱法人登录未开启");
  }
  if (request.method !== "POST") {
    dropBody(request);
    return json({ result: "1", errmsg: "只接受 POST 请求" }, { status: 405 });
  }
  let text: string;
  try {
    text = await readText(request, MAX_BODY);
  } catch (e) {
    if (e instanceof HttpError) return json({ result: "1", errmsg: "请求过大或不完整" }, { status: e.status });
    throw e;
  }
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in params) return json({ result: "1", errmsg: "参数重复" }, { status: 400 });
    params[k] = v;
  }
  const answer = await redeemSandboxTicket(getDb(), cfg, params, Date.now(), "unit");
  return json(answer, { status: answer.result === "0" ? 200 : 400 });
}
