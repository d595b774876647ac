import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Form as AntForm, Select, Space, Typography } from "antd";
import { useRef, useState } from "react";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { bodyText } from "~/utils/body-values";
import { UserError } from "~/engine/errors";
import { dbId } from "~/utils/ints.server";
import { loadScopes, setRoleAndScopes } from "~/engine/people/users.server";
import { dictionaryLabels } from "~/engine/dictionaries.server";
import { ROLE_IDS, roleLabel, SCOPE_KIND_IDS, scopeKind, scopeKindsOf, type Role, type ScopeKind } from "~/engine/people/roles";

export const meta: MetaFunction = () => [{ title: "设置角色与范围 - 职称申报评审平台" }];

function userId(params: { id?: string }) {
  const id = dbId(params.id);
  if (id === null) throw notFound();
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const db = getDb();
  const user = await db.models.User.findByPk(userId(params), { attributes: ["id", "username", "displayName", "role", "createdAt"] });
  if (!user) throw notFound("用户不存在");
  const scopes = await loadScopes(db, user.id);
  // Every row of each scope kind to pick from, except where the kind is looked up by keyword.
  const choices: Partial<Record<ScopeKind, { id: number; label: string }[]>> = {};
  for (const kind of SCOPE_KIND_IDS) {
    if (!scopeKind(kind).search) choices[kind] = await dictionaryLabels(db, scopeKind(kind).dictionary);
  }
  return json({ user: user.get({ plain: true }), scopes, choices });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMay(request, "configuration");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    if (!Array.isArray(body.scopes)) throw new UserError("提交的数据格式不正确");
    await setRoleAndScopes(getDb(), actor, userId(params), bodyText(body.role), body.scopes as { kind: string; refId: number }[]);
    return redirect("/admin/users");
  });
}

export default function AdminUserEdit() {
  const { user, scopes, choices } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [role, setRole] = useState(user.role as Role);
  const [picked, setPicked] = useState(() => Object.fromEntries(SCOPE_KIND_IDS.map((k) => [k, scopes.filter((s) => s.kind === k).map((s) => s.refId)])) as Record<ScopeKind, number[]>);
  const [found, setFound] = useState(() => Object.fromEntries(SCOPE_KIND_IDS.map((k) => [k, scopes.filter((s) => s.kind === k).map((s) => ({ value: s.refId, label: s.label }))])) as Record<ScopeKind, { value: number; label: string }[]>);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const kinds = scopeKindsOf(role);

  const search = (kind: ScopeKind, url: string) => (q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      const res = await fetch(`${url}?q=${encodeURIComponent(q)}`);
      const body = await res.json();
      const hits = (body.results ?? []).map((u: { id: number; name: string }) => ({ value: u.id, label: u.name }));
      const keep = picked[kind];
      setFound((old) => ({ ...old, [kind]: [...old[kind].filter((o) => keep.includes(o.value)), ...hits.filter((f: { value: number }) => !keep.includes(f.value))] }));
    }, 250);
  };

  const save = () => {
    const out = kinds.flatMap((kind) => picked[kind].map((refId) => ({ kind, refId })));
    submit(JSON.stringify({ role, scopes: out }), { method: "post", encType: "application/json" });
  };

  return (
    <Card>
      <Typography.Title level={3}>设置角色与范围</Typography.Title>
      <Descriptions size="small" bordered column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="用户名">{user.username}</Descriptions.Item>
        <Descriptions.Item label="姓名">{user.displayName ?? "—"}</Descriptions.Item>
      </Descriptions>
      {result && "error" in result ? <Alert type="error" showIcon title={result.error} style={{ marginBottom: 16 }} role="alert" /> : null}
      <AntForm layout="vertical">
        <AntForm.Item label="角色" htmlFor="role">
          <Select id="role" value={role} onChange={setRole} options={ROLE_IDS.map((value) => ({ value, label: roleLabel(value) }))} />
        </AntForm.Item>
        {kinds.map((kind) => {
          const k = scopeKind(kind);
          const onChange = (v: number[]) => setPicked((old) => ({ ...old, [kind]: v }));
          return (
            <AntForm.Item key={kind} label={`${k.label}范围`} htmlFor={`scope-${kind}`} extra={k.search ? `输入${k.label}名称、拼音首字母或统一社会信用代码查找` : undefined}>
              {k.search ? (
                <Select id={`scope-${kind}`} mode="multiple" value={picked[kind]} onChange={onChange} options={found[kind]} showSearch={{ filterOption: false, onSearch: search(kind, k.search) }} placeholder={`输入关键字查找${k.label}`} />
              ) : (
                <Select id={`scope-${kind}`} mode="multiple" value={picked[kind]} onChange={onChange} showSearch={{ optionFilterProp: "label" }} options={(choices[kind] ?? []).map((c) => ({ value: c.id, label: c.label }))} placeholder={`选择${k.label}${k.note ? `（${k.note}）` : ""}`} />
              )}
            </AntForm.Item>
          );
        })}
        {kinds.length === 0 ? <Typography.Paragraph type="secondary">该角色无需设置管辖范围。</Typography.Paragraph> : null}
        <Space>
          <Button type="primary" onClick={save} loading={busy}>保存</Button>
          <Link to="/admin/users"><Button>返回</Button></Link>
        </Space>
      </AntForm>
    </Card>
  );
}
