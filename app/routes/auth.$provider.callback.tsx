// The identity provider sends the browser back here: the attempt must be this browser's, the
// person is verified server to server, and their account found, linked or created; then a new
// session, as after a password sign-in (app/engine/identity/providers.server.ts).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Button, Result } from "antd";
import { finishSignIn, providerFor } from "~/engine/identity/providers.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "统一身份认证登录 - 职称申报评审平台" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const provider = providerFor(params.provider);
  if (!provider) throw notFound("未启用此统一身份认证登录方式");
  const done = await finishSignIn(getDb(), provider, request);
  if (done instanceof Response) return done;
  return json({ error: done.error }, { status: 400, headers: done.headers });
}

export default function SignInCallback() {
  const { error } = useLoaderData<typeof loader>();
  return (
    <Result status="warning" title="登录未完成" subTitle={error}
      extra={<Link to="/login"><Button type="primary">重新登录</Button></Link>} />
  );
}
