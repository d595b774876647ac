// 【通过…登录】: off to the identity provider's login page with a fresh attempt
// (app/engine/identity/providers.server.ts). 404 for a provider this install does not use.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Button, Result } from "antd";
import { getUser, homeFor } from "~/engine/people/auth.server";
import { providerFor } from "~/engine/identity/providers.server";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const provider = providerFor(params.provider);
  if (!provider) throw notFound("未启用此统一身份认证登录方式");
  const user = await getUser(request);
  if (user) return redirect(homeFor(user));
  const started = await provider.start();
  if ("error" in started) return json({ error: started.error }, { status: 503, headers: { "Cache-Control": "no-store" } });
  return redirect(started.url, { headers: { "Set-Cookie": started.setCookie, "Cache-Control": "no-store" } });
}

export default function StartSignIn() {
  const { error } = useLoaderData<typeof loader>();
  return (
    <Result status="warning" title="暂时无法登录" subTitle={error}
      extra={<Link to="/login"><Button type="primary">返回登录页</Button></Link>} />
  );
}
