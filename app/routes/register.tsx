import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, Input, Typography } from "antd";
import { createUserSession, getUser, homeFor } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { createUser } from "~/engine/people/users.server";
import { applicantProvider } from "~/engine/identity/providers.server";

const closedBecause = (label: string) => `本平台申请人通过「${label}」统一身份认证登录，无需注册`;

export const meta: MetaFunction = () => [{ title: "用户注册 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) return redirect(homeFor(user));
  const provider = applicantProvider();
  return json({ closed: provider ? { ...provider, message: closedBecause(provider.label) } : null });
}

export async function action({ request }: ActionFunctionArgs) {
  return handleUserErrors(async () => {
    const provider = applicantProvider();
    if (provider) throw new UserError(closedBecause(provider.label), 403);
    const body = await readBody(request);
    const username = typeof body.username === "string" ? body.username : "";
    const password = typeof body.password === "string" ? body.password : "";
    if (password !== body.confirmPassword) throw new UserError("两次输入的密码不一致");
    // Self-registration always creates an applicant; staff accounts are made by an admin.
    const user = await createUser(getDb(), { username, password, role: "applicant" });
    return createUserSession(request, user.id, "/profile");
  });
}

export default function Register() {
  const data = useActionData<typeof action>();
  const { closed } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== "idle";
  if (closed) {
    return (
      <div className="auth-wrap">
        <Card>
          <Typography.Title level={3} style={{ textAlign: "center" }}>用户注册</Typography.Title>
          <Alert type="info" showIcon title={closed.message} style={{ marginBottom: 16 }} />
          <Link to={closed.to}><Button type="primary" size="large" block>通过{closed.label}登录</Button></Link>
        </Card>
      </div>
    );
  }
  return (
    <div className="auth-wrap">
      <Card>
        <Typography.Title level={3} style={{ textAlign: "center" }}>用户注册</Typography.Title>
        <Form method="post" aria-label="用户注册">
          {data && "error" in data ? <Alert type="error" showIcon title={data.error} style={{ marginBottom: 16 }} role="alert" /> : null}
          <label htmlFor="username">用户名</label>
          <Input id="username" name="username" autoComplete="username" size="large" style={{ margin: "4px 0 4px" }} required />
          <Typography.Text type="secondary">4–32 位字母、数字或 _ . @ -</Typography.Text>
          <div style={{ height: 12 }} />
          <label htmlFor="password">密码</label>
          <Input.Password id="password" name="password" autoComplete="new-password" size="large" style={{ margin: "4px 0 4px" }} required />
          <Typography.Text type="secondary">至少 8 位，须同时包含字母和数字；不能是常见密码、键盘上连续的按键或含用户名</Typography.Text>
          <div style={{ height: 12 }} />
          <label htmlFor="confirmPassword">确认密码</label>
          <Input.Password id="confirmPassword" name="confirmPassword" autoComplete="new-password" size="large" style={{ margin: "4px 0 24px" }} required />
          <Button type="primary" htmlType="submit" size="large" block loading={busy}>注册</Button>
        </Form>
        <Typography.Paragraph style={{ marginTop: 16, textAlign: "center" }}>
          已有账号？<Link to="/login">个人用户登录</Link>
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
