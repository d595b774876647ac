// The sandbox identity service's ticket exchange (server to server, exempt from the origin
// check: the request's signature authenticates it). Answers JSON: result "0" with the person,
// or result "1" with errmsg. 404 unless the sandbox is on.
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerSandboxExchange, sandboxIdentity } from "~/engine/identity/ticket.server";
import { getDb } from "~/utils/db.server";
import { dropBody, notFound } from "~/utils/http.server";

export async function loader() {
  throw notFound("页面不存在");
}

export async function action({ request }: ActionFunctionArgs) {
  const cfg = sandboxIdentity();
  if (!cfg) {
    dropBody(request);
    throw notFound("沙箱统一身份认证未开启");
  }
  return answerSandboxExchange(getDb(), request, cfg, "person");
}
