import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert, Button, Card, Input, Typography } from "antd";
import { createUserSession, getUser, homeFor, safeRedirect, verifyLogin } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { readBody } from "~/utils/http.server";
import { linkOffer, providersOnLoginPage } from "~/engine/identity/providers.server";
import { unitIdentity } from "~/engine/identity/unit-sign-in.server";

export const meta: MetaFunction = () => [{ title: "个人用户登录 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) return redirect(homeFor(user));
  return json({ providers: providersOnLoginPage(), unitLogin: !!unitIdentity() });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const body = await readBody(request).catch(() => ({} as Record<string, unknown>));
  const username = typeof body.username === "string" ? body.username : "";
  const password = typeof body.password === "string" ? body.password : "";
  if (!username.trim() || !password) return json({ error: "请输入用户名和密码" }, { status: 400 });
  const result = await verifyLogin(username, password, (context as { ip?: string | null }).ip ?? null);
  if (!result.ok) {
    const offer = result.link ? await linkOffer(result.link) : null;
    if (offer) return json({ error: result.error, link: { to: offer.to, label: offer.label } }, { status: result.status, headers: { "Set-Cookie": offer.setCookie } });
    return json({ error: result.error }, { status: result.status });
  }
  const user = await getDb().models.User.findByPk(result.userId);
  const home = homeFor({ role: user!.role, profileCompleted: !!user!.profileCompletedAt });
  // An applicant without a profile goes to the profile form whatever the redirect target.
  const to = home === "/profile" ? home : safeRedirect(body.redirectTo, home);
  return createUserSession(request, result.userId, to);
}

export default function Login() {
  const data = useActionData<typeof action>();
  const { providers, unitLogin } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const applicantsLocal = !providers.some((p) => p.applicants);
  const staffLocal = !providers.some((p) => p.staff);
  const whoFor = (p: { applicants: boolean; staff: boolean }) => (p.applicants && p.staff ? "申请人和工作人员" : p.applicants ? "申请人" : "工作人员");
  const link = data && "link" in data ? (data.link as { to: string; label: string }) : null;
  return (
    <div className="auth-wrap">
      <Card>
        <Typography.Title level={3} style={{ textAlign: "center" }}>个人用户登录</Typography.Title>
        {providers.length ? (
          <>
            {providers.map((p) => (
              <Link key={p.kind} to={p.to} style={{ display: "block", marginBottom: 8 }}>
                <Button type="primary" size="large" block>通过{p.label}登录</Button>
              </Link>
            ))}
            <Typography.Paragraph type="secondary" style={{ margin: "12px 0 20px", textAlign: "center" }}>
              {providers.map((p) => `${whoFor(p)}请通过${p.label}统一身份认证登录`).join("；")}
              {applicantsLocal || staffLocal ? `；${applicantsLocal ? "申请人" : "工作人员"}使用下方的用户名和密码。` : "。已有本平台账户的用户首次使用时，请先在下方输入原用户名和密码，完成与统一身份认证的关联。"}
            </Typography.Paragraph>
          </>
        ) : null}
        <Form method="post" aria-label="个人用户登录">
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
          {link ? (
            <Alert type="warning" showIcon role="alert" style={{ marginBottom: 16 }} title={data!.error}
              description={<Link to={link.to} style={{ display: "block", marginTop: 8 }}><Button type="primary" block>通过{link.label}认证并关联</Button></Link>} />
          ) : data && "error" in data ? <Alert type="error" showIcon title={data.error} style={{ marginBottom: 16 }} role="alert" /> : null}
          <label htmlFor="username">用户名</label>
          <Input id="username" name="username" autoComplete="username" size="large" style={{ margin: "4px 0 16px" }} required />
          <label htmlFor="password">密码</label>
          <Input.Password id="password" name="password" autoComplete="current-password" size="large" style={{ margin: "4px 0 24px" }} required />
          <Button type={providers.length ? "default" : "primary"} htmlType="submit" size="large" block loading={busy}>登录</Button>
        </Form>
        {!applicantsLocal ? null : (
          <Typography.Paragraph style={{ marginTop: 16, textAlign: "center" }}>
            还没有账号？<Link to="/register">注册</Link>
          </Typography.Paragraph>
        )}
        <Typography.Paragraph style={{ marginTop: 16, textAlign: "center" }}>
          <Link to="/public/results">评审结果公示</Link>
        </Typography.Paragraph>
        {unitLogin ? (
          <Typography.Paragraph style={{ marginTop: 16, textAlign: "center" }}>
            用人单位办理单位注册或单位经办人登录：<Link to="/auth/unit">法人登录</Link>
          </Typography.Paragraph>
        ) : null}
      </Card>
    </div>
  );
}
