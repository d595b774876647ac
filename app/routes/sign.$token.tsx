// /sign/:token — the phone page of the pledge hand-off, opened by scanning the QR code on the
// desktop. No login: the short-lived single-use token is the credential. Shows the pledge and a
// signature pad; signing completes the desktop's step.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Alert, Button, Result, Typography } from "antd";
import { useState } from "react";
import { SignaturePad } from "~/components/wizard/signature-pad";
import { phoneSign, phoneSignView } from "~/engine/workflow/applications.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export const meta: MetaFunction = () => [{ title: "签署专业技术资格申报材料真实性保证书" }, { name: "robots", content: "noindex" }];

export async function loader({ params }: LoaderFunctionArgs) {
  try {
    return json({ ok: true as const, ...(await phoneSignView(getDb(), params.token ?? "")) }, { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
  } catch (e) {
    if (e instanceof UserError) return json({ ok: false as const, error: e.message }, { status: e.status, headers: { "Cache-Control": "no-store" } });
    throw e;
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return handleUserErrors(async () => {
    const body = await readBody(request);
    await phoneSign(getDb(), params.token ?? "", body.signature, { ip: (context as { ip?: string | null }).ip ?? null, userAgent: request.headers.get("user-agent") });
    return json({ ok: true as const, error: null });
  });
}

export default function PhoneSign() {
  const data = useLoaderData<typeof loader>();
  const fetcher = useFetcher<{ ok: boolean; error: string | null }>();
  const [sig, setSig] = useState<string | null>(null);
  // The action's result first: the data reloaded after it says the (single-use) link is spent.
  if (fetcher.data?.ok) return <Result status="success" title="签署成功" subTitle="保证书已签署，请回到电脑上继续申报。本页面可以关闭。" />;
  if (!data.ok) return <Result status="warning" title="无法签署" subTitle={data.error} />;
  return (
    <div style={{ maxWidth: 640, margin: "0 auto" }}>
      <Typography.Title level={4} style={{ textAlign: "center" }}>签署真实性保证书</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ textAlign: "center" }}>{data.planName}</Typography.Paragraph>
      <iframe title="专业技术资格申报材料真实性保证书" srcDoc={data.html} sandbox="" style={{ width: "100%", height: 420, border: "1px solid #d9d9d9", background: "#fff" }} />
      <Typography.Paragraph style={{ marginTop: 12 }}>本人已阅读上述保证书并同意其全部内容。请在下方手写签名：</Typography.Paragraph>
      {fetcher.data && !fetcher.data.ok ? <Alert type="error" showIcon role="alert" title={fetcher.data.error} style={{ marginBottom: 12 }} /> : null}
      <SignaturePad onChange={setSig} height={180} />
      <Button type="primary" block size="large" style={{ marginTop: 16 }} disabled={!sig} loading={fetcher.state !== "idle"}
        onClick={() => fetcher.submit(JSON.stringify({ signature: sig }), { method: "post", encType: "application/json" })}>确认签署</Button>
    </div>
  );
}
