import { useState, type ReactNode } from "react";
import { Form, Link, useLocation } from "@remix-run/react";
import { Button, Drawer, Menu } from "antd";
import { useHydrated } from "./hydrated";
import { holdEnterBeforeLastField } from "./enter-key";
import { theme } from "./theme";
import type { NavItem, Role } from "~/engine/people/roles";

export const PLATFORM_NAME = "浙江省专业技术职务任职资格申报与评审管理服务平台";

export interface ShellUser { username: string; displayName: string | null; role: Role; roleLabel: string; profileCompleted: boolean; nav: NavItem[]; unread: number }

/**
 * 【大字版】: larger type and spacing, higher contrast (html.large-text in app.css). A plain form
 * (works before hydration); the server keeps the choice with the account or in a cookie.
 */
function LargeTextSwitch({ on }: { on: boolean }) {
  const location = useLocation();
  return (
    <Form method="post" action="/preferences" className="app-large-text">
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <button type="submit" name="largeText" value={on ? "0" : "1"} role="switch" aria-checked={on} className="app-header-button">
        大字版{on ? "：开" : ""}
      </button>
    </Form>
  );
}

export function AppShell({ user, largeText, children }: { user: ShellUser | null; largeText: boolean; children: ReactNode }) {
  const location = useLocation();
  const hydrated = useHydrated();
  const [drawer, setDrawer] = useState(false);
  const items = user?.nav ?? [];
  // An entry with a query (/plans?type=…) is active only on that query.
  // The longest matching entry only: /staff/applications is 申报审核, not also 工作台 (/staff).
  const matching = items.filter((i) => i.to.includes("?")
    ? `${location.pathname}${location.search}` === i.to
    : location.pathname === i.to || location.pathname.startsWith(`${i.to}/`));
  const active = matching.filter((i) => !matching.some((o) => o.to.length > i.to.length && !o.to.includes("?"))).map((i) => i.to);
  return (
    <>
      <a className="skip-link" href="#main">跳到主要内容</a>
      <header className="app-header">
        <Link to="/" className="app-brand">
          {PLATFORM_NAME}
          <small>浙江省人力资源和社会保障厅</small>
        </Link>
        <div className="app-user">
          <LargeTextSwitch on={largeText} />
          {items.length ? (
            // At phone width the menu is a drawer opened from here (app.css hides the bar).
            <button type="button" className="app-header-button app-menu-button" aria-haspopup="dialog" aria-expanded={drawer} aria-controls="app-drawer-menu" onClick={() => setDrawer(true)}>
              菜单
            </button>
          ) : null}
          {user ? (
            <>
              <span>
                {user.displayName ?? user.username}（{user.roleLabel}）
              </span>
              <Link to="/messages" className="app-inbox" aria-label={user.unread ? `站内信，${user.unread} 条未读` : "站内信"}>
                站内信{user.unread ? <span className="app-badge" aria-hidden="true">{user.unread > 99 ? "99+" : user.unread}</span> : null}
              </Link>
              <Form method="post" action="/logout">
                <Button size="small" htmlType="submit">退出登录</Button>
              </Form>
            </>
          ) : null}
        </div>
      </header>
      {items.length && hydrated ? (
        <Drawer title="导航菜单" placement="left" width={280} open={drawer} onClose={() => setDrawer(false)} id="app-drawer-menu">
          <nav aria-label="导航菜单">
            <Menu
              mode="vertical"
              selectedKeys={active}
              onClick={() => setDrawer(false)}
              items={items.map((i) => ({ key: i.to, label: <Link to={i.to}>{i.label}</Link> }))}
            />
          </nav>
        </Drawer>
      ) : null}
      {items.length ? (
        <nav className="app-nav" aria-label="主导航">
          {hydrated ? <Menu
            mode="horizontal"
            // No "…" overflow menu: it is measured after hydration, so the server-rendered bar
            // showed only "…" until then; the bar scrolls sideways on narrow screens instead.
            disabledOverflow
            selectedKeys={active}
            items={items.map((i) => ({ key: i.to, label: <Link to={i.to}>{i.label}</Link> }))}
          /> : (
            // The same bar as static markup until hydrated: antd's Menu is a large part of every
            // page's server CPU (docs/decisions/006-server-cpu-per-page.md).
            <ul className={`ant-menu ant-menu-root ant-menu-horizontal ant-menu-light ${(theme.cssVar as { key: string }).key} ant-menu-css-var`} role="menu">
              {items.map((i) => (
                <li key={i.to} role="menuitem" className={`ant-menu-item ant-menu-item-only-child${active.includes(i.to) ? " ant-menu-item-selected" : ""}`}>
                  <span className="ant-menu-title-content"><Link to={i.to}>{i.label}</Link></span>
                </li>
              ))}
            </ul>
          )}
        </nav>
      ) : null}
      {/* Enter in a field submits a form of several fields only from its last one (enter-key.ts). */}
      <main id="main" className="app-main" onKeyDown={holdEnterBeforeLastField}>{children}</main>
      <footer className="app-footer">主办：浙江省人力资源和社会保障厅</footer>
    </>
  );
}
