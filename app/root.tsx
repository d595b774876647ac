import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLoaderData, useRouteError, useRouteLoaderData, Link } from "@remix-run/react";
import { ConfigProvider, Result, Button } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { AppShell, PLATFORM_NAME } from "./components/app-shell";
import { ERROR_REF_ATTR, useErrorRef } from "./components/error-ref";
import antdCss from "./styles/antd.css";
import appCss from "./styles/app.css";
import { serverTheme, theme } from "./components/theme";
import { getUser } from "./engine/people/auth.server";
import { navFor } from "./engine/people/nav.server";
import { unreadCount } from "./engine/notifications/dispatch.server";
import { getDb } from "./utils/db.server";
import { profileFirst, roleLabel } from "./engine/people/roles";
import { largeTextFor } from "./engine/people/preferences.server";

dayjs.locale("zh-cn");

export const links: LinksFunction = () => [
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "stylesheet", href: antdCss },
  { rel: "stylesheet", href: appCss },
];
export const meta: MetaFunction = () => [{ title: PLATFORM_NAME }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  return json({
    largeText: await largeTextFor(request, user),
    user: user && { username: user.username, displayName: user.displayName, role: user.role, roleLabel: roleLabel(user.role), profileCompleted: user.profileCompleted,
      // No menu while the role waits for the profile (the pages would send the user back to it).
      nav: profileFirst(user.role) && !user.profileCompleted ? [] : await navFor(getDb(), user.role),
      unread: await unreadCount(getDb(), user.id) },
  });
}

function Document({ largeText, children }: { largeText: boolean; children: React.ReactNode }) {
  return (
    <html lang="zh-CN" className={largeText ? "large-text" : undefined}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <ConfigProvider locale={zhCN} theme={typeof document === "undefined" ? serverTheme : theme}>
          {children}
        </ConfigProvider>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  const { user, largeText } = useLoaderData<typeof loader>();
  return (
    <Document largeText={largeText}>
      <AppShell user={user} largeText={largeText}>
        <Outlet />
      </AppShell>
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  // Keep the signed-in header (name, 退出登录, menu) on 403/404 pages when the root loader ran.
  const root = useRouteLoaderData<typeof loader>("root");
  const user = root?.user ?? null;
  const largeText = root?.largeText ?? false;
  // An unexpected error (not an answer thrown on purpose) shows the number it was logged with.
  const ref = useErrorRef(error);
  const unexpected = !isRouteErrorResponse(error);
  let status = 500;
  let text = "系统繁忙，请稍后再试。如问题持续，请联系系统管理员。";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (status === 404) text = typeof error.data === "string" && error.data ? error.data : "页面不存在或您无权查看";
    else if (status === 403) text = typeof error.data === "string" && error.data ? error.data : "您没有访问此页面的权限";
    else if (status < 500 && typeof error.data === "string") text = error.data;
  }
  return (
    <Document largeText={largeText}>
      <AppShell user={user} largeText={largeText}>
        <Result
          status={status === 404 ? "404" : status === 403 ? "403" : "error"}
          title={status}
          subTitle={(
            <>
              {text}
              {unexpected && ref ? <div>参考编号：<span {...{ [ERROR_REF_ATTR]: ref }}>{ref}</span></div> : null}
            </>
          )}
          extra={<Link to="/"><Button type="primary">返回首页</Button></Link>}
        />
      </AppShell>
    </Document>
  );
}
