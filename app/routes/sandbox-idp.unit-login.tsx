// The sandbox 法人 login page (a stand-in for 浙江政务服务网's 法人 login): pick one of a few
// fictional units and the person signing in for it; a single-use ticket goes back to the
// system's 法人 callback. 404 unless UNIT_IDENTITY=ticket with IDENTITY_TICKET_SANDBOX=1.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, Result, Typography } from "antd";
import { issueSandboxUnitTicket, SANDBOX_UNITS, sandboxUnitGotoAllowed, sandboxUnitIdentity } from "~/engine/identity/unit-sign-in.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, HttpError, notFound, readBody } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "浙江政务服务网（沙箱）- 法人登录" }];

function configOr404() {
  const cfg = sandboxUnitIdentity();
  if (!cfg) throw notFound("沙箱法人登录未开启");
  return cfg;
}

type Choice = { unit: number; operator: number; unitName: string; creditCode: string; note: string; name: string; id: string };

export async function loader({ request }: LoaderFunctionArgs) {
  const cfg = configOr404();
  const none: Choice[] = [];
  const q = new URL(request.url).searchParams;
  const serviceCode = q.get("servicecode") ?? "";
  const goto = q.get("goto") ?? "";
  if (serviceCode !== cfg.serviceCode) return json({ error: "未注册的接入系统（servicecode 不正确）", serviceCode, goto, choices: none }, { status: 400 });
  if (!sandboxUnitGotoAllowed(goto)) return json({ error: "返回地址不属于已注册的接入系统", serviceCode, goto, choices: none }, { status: 400 });
  const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;
  const choices = SANDBOX_UNITS.flatMap((u, i) => u.operators.map((p, j): Choice => ({ unit: i, operator: j, unitName: u.name, creditCode: u.creditCode, note: u.note, name: p.name, id: masked(p.idnum) })));
  return json({ error: null, serviceCode, goto, choices });
}

export async function action({ request }: ActionFunctionArgs) {
  const cfg = configOr404();
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const int = (v: unknown) => (typeof v === "string" && /^\d{1,3}$/.test(v) ? Number(v) : -1);
    const r = await issueSandboxUnitTicket(getDb(), cfg, {
      serviceCode: typeof body.servicecode === "string" ? body.servicecode : "",
      goto: typeof body.goto === "string" ? body.goto : "",
      unit: int(body.unit),
      operator: int(body.operator),
    });
    if ("error" in r) throw new HttpError(r.error, 400);
    return redirect(r.redirectTo);
  });
}

export default function SandboxUnitLogin() {
  const { error, serviceCode, goto, choices } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (error) return <Result status="warning" title="无法登录" subTitle={error} />;
  return (
    <Card style={{ maxWidth: 640, margin: "24px auto" }} title="浙江政务服务网 · 法人登录（沙箱）">
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="这是演示用的沙箱法人登录服务，单位和人员均为虚构。选择一个单位及登录人，即以该单位法人身份登录申报平台。" />
      {posted && "error" in posted ? <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={posted.error} /> : null}
      <ul className="idp-persons" aria-label="测试单位">
        {choices.map((c) => (
          <li key={`${c.unit}-${c.operator}`}>
            <div>
              <Typography.Text strong>{c.unitName}</Typography.Text>
              <br />
              <Typography.Text type="secondary">统一社会信用代码 {c.creditCode} · {c.note}</Typography.Text>
              <br />
              <Typography.Text type="secondary">登录人 {c.name} · 身份证号 {c.id}</Typography.Text>
            </div>
            <Form method="post">
              <input type="hidden" name="servicecode" value={serviceCode} />
              <input type="hidden" name="goto" value={goto} />
              <input type="hidden" name="unit" value={c.unit} />
              <input type="hidden" name="operator" value={c.operator} />
              <Button type="primary" htmlType="submit" loading={busy} aria-label={`以${c.unitName}（${c.name}）的身份登录`}>以此身份登录</Button>
            </Form>
          </li>
        ))}
      </ul>
    </Card>
  );
}
