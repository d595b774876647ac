// The sandbox payment provider's cashier page (a stand-in for Alipay's): shows the merchant's
// signed order, and on 【确认支付】 notifies the merchant's callback in the background and sends the
// payer back. No session of ours is used: the signed request is all it trusts. 404 when the sandbox
// is off (production without DEMO_MODE or PAYMENT_SANDBOX_SECRET).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Result, Space, Typography } from "antd";
import { confirmSandboxPayment, readPayRequest, sandboxSecret } from "~/engine/payments/sandbox.server";
import { handleUserErrors, HttpError, notFound, readBody } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "沙箱支付收银台" }];

function secretOr404() {
  const secret = sandboxSecret();
  if (!secret) throw notFound("沙箱支付未开启");
  return secret;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const secret = secretOr404();
  const r = readPayRequest(secret, String(params.orderNo), new URL(request.url).searchParams);
  if ("error" in r) return json({ error: r.error, order: null }, { status: 400 });
  return json({ error: null, order: { orderNo: r.orderNo, amountFen: r.amountFen, subject: r.subject, params: r.params } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const secret = secretOr404();
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const r = readPayRequest(secret, String(params.orderNo), body);
    if ("error" in r) throw new HttpError(r.error, 400);
    if (body.intent === "confirm") {
      confirmSandboxPayment(secret, r);
      return redirect(r.returnUrl);
    }
    const back = new URL(r.returnUrl);
    back.searchParams.set("notice", "payment-cancelled");
    return redirect(back.toString());
  });
}

export default function SandboxCashier() {
  const { error, order } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!order) return <Result status="warning" title="无法支付" subTitle={error} />;
  return (
    <Card style={{ maxWidth: 560, margin: "24px auto" }} title="沙箱支付收银台">
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="这是演示用的沙箱支付平台，不会产生真实扣款。确认支付后，支付平台会异步通知申报平台。" />
      {posted && "error" in posted && posted.error ? <Alert type="error" showIcon style={{ marginBottom: 16 }} title={posted.error} /> : null}
      <Descriptions bordered size="small" column={1} style={{ marginBottom: 24 }} items={[
        { key: "s", label: "商品", children: order.subject },
        { key: "o", label: "商户订单号", children: order.orderNo },
        { key: "a", label: "应付金额", children: <Typography.Text strong style={{ fontSize: 20 }}>¥{(order.amountFen / 100).toFixed(2)}</Typography.Text> },
      ]} />
      <Form method="post">
        {Object.entries(order.params).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
        <Space>
          <Button type="primary" htmlType="submit" name="intent" value="confirm" loading={busy}>确认支付</Button>
          <Button htmlType="submit" name="intent" value="cancel" disabled={busy}>取消</Button>
        </Space>
      </Form>
    </Card>
  );
}
