// The sandbox 法人 login's ticket exchange (server to server, exempt from the origin check: the
// request's signature authenticates it). Answers JSON: result "0" with the unit and operator, or
// result "1" with errmsg. Redeems only unit tickets. 404 unless the unit sandbox is on.
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerSandboxExchange } from "~/engine/identity/ticket.server";
import { sandboxUnitIdentity } from "~/engine/identity/unit-sign-in.server";
import { getDb } from "~/utils/db.server";
import { dropBody, notFound } from "~/utils/http.server";

export async function loader() {
  throw notFound("页面不存在");
}

export async function action({ request }: ActionFunctionArgs) {
  const cfg = sandboxUnitIdentity();
  if (!cfg) {
    dropBody(request);
    throw notFound("沙箱法人登录未开启");
  }
  return answerSandboxExchange(getDb(), request, cfg, "unit");
}
