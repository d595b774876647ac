// The sandbox identity service's login page (a stand-in for 浙江政务服务网's): pick one of a few
// fictional persons; a single-use ticket goes back to the system's callback. 404 unless
// APPLICANT_IDENTITY=ticket with IDENTITY_TICKET_SANDBOX=1.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, Result, Typography } from "antd";
import { issueSandboxTicket, SANDBOX_PERSONS, sandboxGotoAllowed, sandboxIdentity } from "~/engine/identity/ticket.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, HttpError, notFound, readBody } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "浙江政务服务网（沙箱）- 统一身份认证" }];

function configOr404() {
  const cfg = sandboxIdentity();
  if (!cfg) throw notFound("沙箱统一身份认证未开启");
  return cfg;
}

type Person = { i: number; name: string; id: string; note: string };

export async function loader({ request }: LoaderFunctionArgs) {
  const cfg = configOr404();
  const none: Person[] = [];
  const q = new URL(request.url).searchParams;
  const serviceCode = q.get("servicecode") ?? "";
  const goto = q.get("goto") ?? "";
  if (serviceCode !== cfg.serviceCode) return json({ error: "未注册的接入系统（servicecode 不正确）", serviceCode, goto, persons: none }, { status: 400 });
  if (!sandboxGotoAllowed(goto)) return json({ error: "返回地址不属于已注册的接入系统", serviceCode, goto, persons: none }, { status: 400 });
  const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;
  return json({ error: null, serviceCode, goto, persons: SANDBOX_PERSONS.map((p, i): Person => ({ i, name: p.name, id: masked(p.idnum), note: p.note })) });
}

export async function action({ request }: ActionFunctionArgs) {
  const cfg = configOr404();
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const person = Number(body.person);
    const r = await issueSandboxTicket(getDb(), cfg, {
      serviceCode: typeof body.servicecode === "string" ? body.servicecode : "",
      goto: typeof body.goto === "string" ? body.goto : "",
      person: Number.isInteger(person) ? person : -1,
    });
    if ("error" in r) throw new HttpError(r.error, 400);
    return redirect(r.redirectTo);
  });
}

export default function SandboxIdentityLogin() {
  const { error, serviceCode, goto, persons } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (error) return <Result status="warning" title="无法登录" subTitle={error} />;
  return (
    <Card style={{ maxWidth: 560, margin: "24px auto" }} title="浙江政务服务网 · 统一身份认证（沙箱）">
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="这是演示用的沙箱身份认证服务，人员均为虚构。选择一位人员即以其身份登录申报平台。" />
      {posted && "error" in posted ? <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={posted.error} /> : null}
      {persons.length ? (
        <ul className="idp-persons" aria-label="测试人员">
          {persons.map((p) => (
            <li key={p.i}>
              <div>
                <Typography.Text strong>{p.name}</Typography.Text>
                <br />
                <Typography.Text type="secondary">身份证号 {p.id} · {p.note}</Typography.Text>
              </div>
              <Form method="post">
                <input type="hidden" name="servicecode" value={serviceCode} />
                <input type="hidden" name="goto" value={goto} />
                <input type="hidden" name="person" value={p.i} />
                <Button type="primary" htmlType="submit" loading={busy} aria-label={`以${p.name}的身份登录`}>以此身份登录</Button>
              </Form>
            </li>
          ))}
        </ul>
      ) : <Typography.Paragraph>暂无测试人员</Typography.Paragraph>}
    </Card>
  );
}
