import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert, Button, Card, Input, Typography } from "antd";
import { createUserSession, getUser, homeFor, safeRedirect, verifyLogin } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { readBody } from "~/utils/http.server";
import { applicantsUseProvider } from "~/engine/identity/ticket.server";
import { TICKET_SERVICE_LABEL } from "~/engine/identity/labels";
import { unitIdentity } from "~/engine/identity/unit-sign-in.server";

export const meta: MetaFunction = () => [{ title: "个人用户登录 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) return redirect(homeFor(user));
  return json({ provider: applicantsUseProvider() ? TICKET_SERVICE_LABEL : null, unitLogin: !!unitIdentity() });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const body = await readBody(request).catch(() => ({} as Record<string, unknown>));
  const username = typeof body.username === "string" ? body.username : "";
  const password = typeof body.password === "string" ? body.password : "";
  if (!username.trim() || !password) return json({ error: "请输入用户名和密码" }, { status: 400 });
  const result = await verifyLogin(username, password, (context as { ip?: string | null }).ip ?? null);
  if (!result.ok) return json({ error: result.error }, { status: result.status });
  const user = await getDb().models.User.findByPk(result.userId);
  const home = homeFor({ role: user!.role, profileCompleted: !!user!.profileCompletedAt });
  // An applicant without a profile goes to the profile form whatever the redirect target.
  const to = home === "/profile" ? home : safeRedirect(body.redirectTo, home);
  return createUserSession(request, result.userId, to);
}

export default function Login() {
  const data = useActionData<typeof action>();
  const { provider, unitLogin } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="auth-wrap">
      <Card>
        <Typography.Title level={3} style={{ textAlign: "center" }}>个人用户登录</Typography.Title>
        {provider ? (
          <>
            <Link to="/auth/ticket"><Button type="primary" size="large" block>通过{provider}登录</Button></Link>
            <Typography.Paragraph type="secondary" style={{ margin: "12px 0 20px", textAlign: "center" }}>申请人请通过{provider}统一身份认证登录；工作人员使用下方的用户名和密码。</Typography.Paragraph>
          </>
        ) : null}
        <Form method="post" aria-label="个人用户登录">
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
          {data && "error" in data ? <Alert type="error" showIcon title={data.error} style={{ marginBottom: 16 }} role="alert" /> : null}
          <label htmlFor="username">用户名</label>
          <Input id="username" name="username" autoComplete="username" size="large" style={{ margin: "4px 0 16px" }} required />
          <label htmlFor="password">密码</label>
          <Input.Password id="password" name="password" autoComplete="current-password" size="large" style={{ margin: "4px 0 24px" }} required />
          <Button type={provider ? "default" : "primary"} htmlType="submit" size="large" block loading={busy}>登录</Button>
        </Form>
        {provider ? null : (
          <Typography.Paragraph style={{ marginTop: 16, textAlign: "center" }}>
            还没有账号？<Link to="/register">注册</Link>
          </Typography.Paragraph>
        )}
        {unitLogin ? (
          <Typography.Paragraph style={{ marginTop: 16, textAlign: "center" }}>
            用人单位办理单位注册或单位经办人登录：<Link to="/auth/unit">法人登录</Link>
          </Typography.Paragraph>
        ) : null}
      </Card>
    </div>
  );
}
