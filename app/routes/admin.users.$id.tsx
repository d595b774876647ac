import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Form as AntForm, Select, Space, Typography } from "antd";
import { useRef, useState } from "react";
import { requireRole } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { dbId } from "~/utils/ints.server";
import { loadScopes, ROLE_LABELS, ROLE_SCOPE_KINDS, SCOPE_LABELS, setRoleAndScopes } from "~/engine/people/users.server";

export const meta: MetaFunction = () => [{ title: "设置角色与范围 - 职称申报评审平台" }];

function userId(params: { id?: string }) {
  const id = dbId(params.id);
  if (id === null) throw notFound();
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ["admin"]);
  const db = getDb();
  const user = await db.models.User.findByPk(userId(params), { attributes: ["id", "username", "displayName", "role", "createdAt"] });
  if (!user) throw notFound("用户不存在");
  const [scopes, departments, committees, acceptances] = await Promise.all([
    loadScopes(db, user.id),
    db.models.Department.findAll({ attributes: ["id", "name"], order: [["name", "ASC"]] }).then((r) => r.map((d) => ({ id: d.id, name: d.name }))),
    db.models.Committee.findAll({ attributes: ["id", "name"], order: [["name", "ASC"]] }).then((r) => r.map((c) => ({ id: c.id, name: c.name }))),
    db.models.AcceptanceDepartment.findAll({ attributes: ["id", "name"], order: [["name", "ASC"]] }).then((r) => r.map((c) => ({ id: c.id, name: c.name }))),
  ]);
  return json({ user: user.get({ plain: true }), scopes, departments, committees, acceptances, roles: ROLE_LABELS, roleScopeKinds: ROLE_SCOPE_KINDS, scopeLabels: SCOPE_LABELS });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, ["admin"]);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    if (!Array.isArray(body.scopes)) throw new UserError("提交的数据格式不正确");
    await setRoleAndScopes(getDb(), actor, userId(params), String(body.role ?? ""), body.scopes as { kind: string; refId: number }[]);
    return redirect("/admin/users");
  });
}

export default function AdminUserEdit() {
  const { user, scopes, departments, committees, acceptances, roles, roleScopeKinds, scopeLabels } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [role, setRole] = useState(user.role as keyof typeof roles);
  const pick = (k: string) => scopes.filter((s) => s.kind === k).map((s) => s.refId);
  const [units, setUnits] = useState<number[]>(pick("unit"));
  const [depts, setDepts] = useState<number[]>(pick("department"));
  const [comms, setComms] = useState<number[]>(pick("committee"));
  const [accs, setAccs] = useState<number[]>(pick("acceptance"));
  const [unitOptions, setUnitOptions] = useState(scopes.filter((s) => s.kind === "unit").map((s) => ({ value: s.refId, label: s.label })));
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const kinds = roleScopeKinds[role] as string[];

  const searchUnits = (q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      const res = await fetch(`/api/units?q=${encodeURIComponent(q)}`);
      const body = await res.json();
      const found = (body.results ?? []).map((u: any) => ({ value: u.id, label: u.name }));
      setUnitOptions((old) => [...old.filter((o) => units.includes(o.value)), ...found.filter((f: any) => !units.includes(f.value))]);
    }, 250);
  };

  const save = () => {
    const out = [
      ...(kinds.includes("unit") ? units.map((refId) => ({ kind: "unit", refId })) : []),
      ...(kinds.includes("department") ? depts.map((refId) => ({ kind: "department", refId })) : []),
      ...(kinds.includes("committee") ? comms.map((refId) => ({ kind: "committee", refId })) : []),
      ...(kinds.includes("acceptance") ? accs.map((refId) => ({ kind: "acceptance", refId })) : []),
    ];
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
          <Select id="role" value={role} onChange={setRole} options={Object.entries(roles).map(([value, label]) => ({ value, label }))} />
        </AntForm.Item>
        {kinds.includes("unit") ? (
          <AntForm.Item label={`${scopeLabels.unit}范围`} htmlFor="scope-units" extra="输入单位名称、拼音首字母或统一社会信用代码查找">
            <Select id="scope-units" mode="multiple" value={units} onChange={setUnits} options={unitOptions} showSearch={{ filterOption: false, onSearch: searchUnits }} placeholder="输入关键字查找工作单位" />
          </AntForm.Item>
        ) : null}
        {kinds.includes("department") ? (
          <AntForm.Item label={`${scopeLabels.department}范围`} htmlFor="scope-depts">
            <Select id="scope-depts" mode="multiple" value={depts} onChange={setDepts} showSearch={{ optionFilterProp: "label" }} options={departments.map((d) => ({ value: d.id, label: d.name }))} placeholder="选择主管部门" />
          </AntForm.Item>
        ) : null}
        {kinds.includes("committee") ? (
          <AntForm.Item label={`${scopeLabels.committee}范围`} htmlFor="scope-comms">
            <Select id="scope-comms" mode="multiple" value={comms} onChange={setComms} showSearch={{ optionFilterProp: "label" }} options={committees.map((c) => ({ value: c.id, label: c.name }))} placeholder="选择评审委员会" />
          </AntForm.Item>
        ) : null}
        {kinds.includes("acceptance") ? (
          <AntForm.Item label={`${scopeLabels.acceptance}范围`} htmlFor="scope-accs">
            <Select id="scope-accs" mode="multiple" value={accs} onChange={setAccs} showSearch={{ optionFilterProp: "label" }} options={acceptances.map((c) => ({ value: c.id, label: c.name }))} placeholder="选择受理部门（职称初定/认定）" />
          </AntForm.Item>
        ) : null}
        {kinds.length === 0 ? <Typography.Paragraph type="secondary">该角色无需设置管辖范围。</Typography.Paragraph> : null}
        <Space>
          <Button type="primary" onClick={save} loading={busy}>保存</Button>
          <Link to="/admin/users"><Button>返回</Button></Link>
        </Space>
      </AntForm>
    </Card>
  );
}
