// A new form: an achievement category (name, order, icon, list columns and fields) or, with
// ?kind=application, an application info form (申报信息表: name and fields) that an application
// type's form step then names. Fields are JSON, previewed live. Published as version 1 at once:
// a category appears in every applicant's 业绩档案库 and in the reviewer queues' category filter
// without a restart (both read the published forms from the DB).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Form as AntForm, Input, InputNumber, Space, Typography } from "antd";
import { useState } from "react";
import { FormDesigner } from "~/components/form-designer";
import type { FormKind } from "~/engine/form-kinds";
import { branchProperties } from "~/engine/format-value";
import { FormConfigError, getForm } from "~/engine/form-registry.server";
import { publishFormVersion } from "~/engine/form-publish.server";
import { parseDefinitionText } from "~/engine/schema-safety.server";
import { requireMay } from "~/engine/people/auth.server";
import { dictionaryChoices } from "~/engine/dictionaries.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { bodyNumber, bodyText } from "~/utils/body-values";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.kind === APPLICATION_FORM_KIND ? "新建申报信息表" : "新建业绩类别"} - 职称申报评审平台` }];

/** The kinds this page creates: the form's id is `<kind>/<编号>`. Not imported from a .server
 *  module: the component compares against them, and such a constant is undefined in the browser. */
const APPLICATION_FORM_KIND: FormKind = "application";
const CATEGORY_KIND: FormKind = "achievement";
const kindOf = (v: unknown) => (v === APPLICATION_FORM_KIND ? APPLICATION_FORM_KIND : CATEGORY_KIND);

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  return json({ dictionaries: await dictionaryChoices(getDb()), kind: kindOf(new URL(request.url).searchParams.get("kind")) });
}

const APPLICATION_SAMPLE = JSON.stringify({
  schema: {
    type: "object", required: ["name"],
    properties: { name: { type: "string", title: "姓名", maxLength: 50 } },
  },
  uiSchema: { "ui:order": ["name"] },
}, null, 2);

const SAMPLE = JSON.stringify({
  schema: {
    type: "object", required: ["name"],
    properties: {
      name: { type: "string", title: "名称", maxLength: 200 },
      date: { type: "string", title: "时间", format: "year-month", maxLength: 7 },
    },
  },
  uiSchema: { "ui:order": ["name", "date"], date: { "ui:widget": "year-month" } },
  meta: { listColumns: [{ field: "name" }, { field: "date" }] },
}, null, 2);

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMay(request, "configuration");
  const db = getDb();
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const kind = kindOf(body.kind);
    const category = kind === CATEGORY_KIND;
    const slug = bodyText(body.slug).trim();
    const problems: string[] = [];
    if (!/^[a-z0-9][a-z0-9-]{0,60}$/.test(slug)) problems.push(`编号应为小写字母、数字或连字符，例如 ${category ? "tech-promotion" : "assessment-recognition"}`);
    const title = bodyText(body.title).trim();
    if (!title) problems.push(category ? "请填写类别名称" : "请填写表单名称");
    const order = bodyNumber(body.order);
    const columns = bodyText(body.listColumns).split(/[,，\s]+/).filter(Boolean);
    if (category) {
      if (!Number.isInteger(order) || order < 0) problems.push("顺序应为非负整数");
      if (!columns.length) problems.push("请填写列表显示的字段（至少一个）");
    }
    const parsed = parseDefinitionText(bodyText(body.fields));
    if (!parsed.ok) problems.push(...parsed.problems);
    if (problems.length) return json({ ok: false as const, problems }, { status: 422 });
    const id = `${kind}/${slug}`;
    if (slug && (await getForm(db, id))) {
      return json({ ok: false as const, problems: [`编号 ${slug} 已被使用`] }, { status: 409 });
    }
    const f = (parsed as { value: any }).value ?? {};
    const given = f.meta && typeof f.meta === "object" && !Array.isArray(f.meta) ? f.meta : {};
    const def = !category ? { id, kind, title, schema: f.schema, uiSchema: f.uiSchema ?? {}, meta: given } : {
      id, kind, title,
      schema: f.schema, uiSchema: f.uiSchema ?? {},
      // Other meta of the definition (rules, searchFields …) is kept; the page's fields win.
      meta: {
        ...given,
        order, ...(body.icon ? { icon: bodyText(body.icon) } : {}),
        titleField: bodyText(body.titleField) || columns[0],
        listColumns: columns.map((field) => ({ field })),
      },
    };
    try {
      await publishFormVersion(db, actor, def);
    } catch (e) {
      if (e instanceof FormConfigError) return json({ ok: false as const, problems: e.problems }, { status: 422 });
      throw e;
    }
    return redirect(`/admin/forms/${def.id}`);
  });
}

const SCALAR = new Set(["string", "number", "integer", "boolean"]);

/** A schema's top-level fields, and the list columns / title field a category without meta gets:
 * up to three scalar fields (required first), the title the first required text field. */
function defaultColumns(schema: any): { fields: string[]; columns: string[]; title: string | null } | null {
  const props = schema && typeof schema === "object" && schema.properties && typeof schema.properties === "object" ? schema.properties : null;
  if (!props) return null;
  const fields = Object.keys(props);
  const required: string[] = Array.isArray(schema.required) ? schema.required : [];
  const scalar = fields.filter((f) => SCALAR.has(props[f]?.type) || Array.isArray(props[f]?.enum));
  const ordered = [...scalar.filter((f) => required.includes(f)), ...scalar.filter((f) => !required.includes(f))];
  if (!ordered.length) return null;
  return { fields, columns: ordered.slice(0, 3), title: ordered.find((f) => required.includes(f) && props[f]?.type === "string") ?? null };
}

/** What will be published as the list columns and title field, with the fields' titles; names the JSON does not define are marked. */
function ColumnsSummary(props: { fields: string; listColumns: string; titleField: string }) {
  let schema: any = null;
  try { schema = JSON.parse(props.fields)?.schema; } catch { /* the designer shows the JSON error */ }
  const propsOf: Record<string, any> = { ...branchProperties(schema), ...(schema?.properties && typeof schema.properties === "object" ? schema.properties : {}) };
  const label = (n: string) => (typeof propsOf[n]?.title === "string" ? `${propsOf[n].title}（${n}）` : n);
  const names = props.listColumns.split(/[,，\s]+/).filter(Boolean);
  const unknown = [...names, props.titleField].filter((n) => n && !(n in propsOf));
  return (
    <Alert
      type={unknown.length ? "warning" : "info"} showIcon className="columns-summary"
      title={`发布后列表显示：${names.map(label).join("、") || "（未填写）"}；标题字段：${props.titleField ? label(props.titleField) : "（未填写）"}`}
      description={unknown.length ? `表单字段中没有：${[...new Set(unknown)].join("、")}，请修改上方的列表字段或标题字段` : undefined}
    />
  );
}

export default function AdminFormNew() {
  const { dictionaries, kind } = useLoaderData<typeof loader>();
  const category = kind === CATEGORY_KIND;
  const result = useActionData<typeof action>() as { ok: false; problems?: string[]; error?: string } | undefined;
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [v, setV] = useState({ slug: "", title: "", order: 100, icon: "", listColumns: "name, date", titleField: "name" });
  const [fields, setFields] = useState(category ? SAMPLE : APPLICATION_SAMPLE);
  const set = (k: keyof typeof v) => (e: any) => setV({ ...v, [k]: e?.target ? e.target.value : e });
  // The 可视化 view writes meta.listColumns (its 列表列 switches): the list-column and title-field
  // inputs follow it, so the flags set there are what gets published.
  const onFields = (text: string) => {
    setFields(text);
    if (!category) return;
    let d: any;
    try { d = JSON.parse(text); } catch { return; }
    const cols = d?.meta?.listColumns;
    if (!Array.isArray(cols)) {
      // Pasted JSON without meta: columns that are not fields of it are replaced by its first fields (shown below before 发布).
      const picked = defaultColumns(d?.schema);
      if (!picked) return;
      setV((old) => {
        const names = old.listColumns.split(/[,，\s]+/).filter(Boolean);
        if (names.length && names.every((n) => picked.fields.includes(n))) return old;
        return { ...old, listColumns: picked.columns.join(", "), titleField: picked.title ?? old.titleField };
      });
      return;
    }
    const listed = cols.map((c: any) => c?.field).filter((x: unknown) => typeof x === "string");
    // The title field must be a required field: keep it while it is one, else the first required list column.
    const required: string[] = Array.isArray(d?.schema?.required) ? d.schema.required : [];
    setV((old) => ({
      ...old,
      listColumns: listed.join(", "),
      titleField: required.includes(old.titleField) ? old.titleField : listed.find((n: string) => required.includes(n)) ?? required[0] ?? old.titleField,
    }));
  };
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Card>
        <Typography.Title level={3}>{category ? "新建业绩类别" : "新建申报信息表"}</Typography.Title>
        <Link to="/admin/forms">返回表单列表</Link>
        {category ? null : <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>申报信息表是申报向导中「填写申报信息」一步的表单；发布后可在申报类型的表单步骤中选用。</Typography.Paragraph>}
        {result && !result.ok ? (
          <Alert style={{ marginTop: 12 }} type="error" showIcon title={result.error ?? "未创建："} description={result.problems?.length ? <ul>{result.problems.map((p) => <li key={p}>{p}</li>)}</ul> : undefined} />
        ) : null}
        <AntForm layout="vertical" style={{ maxWidth: 560, marginTop: 12 }}>
          <AntForm.Item label={category ? "类别名称" : "表单名称"} required><Input aria-label={category ? "类别名称" : "表单名称"} value={v.title} onChange={set("title")} maxLength={128} /></AntForm.Item>
          <AntForm.Item label="编号（网址中使用）" required><Input aria-label="编号" value={v.slug} onChange={set("slug")} placeholder={category ? "tech-promotion" : "assessment-recognition"} /></AntForm.Item>
          {category ? (
            <>
              <AntForm.Item label="顺序" required><InputNumber aria-label="顺序" value={v.order} onChange={set("order")} min={0} /></AntForm.Item>
              <AntForm.Item label="图标（antd 图标名）"><Input aria-label="图标" value={v.icon} onChange={set("icon")} placeholder="RocketOutlined" /></AntForm.Item>
              <AntForm.Item label="列表显示的字段（逗号分隔）" required><Input aria-label="列表字段" value={v.listColumns} onChange={set("listColumns")} /></AntForm.Item>
              <AntForm.Item label="标题字段（必填字段，列表与审核中用来称呼一条业绩）" required><Input aria-label="标题字段" value={v.titleField} onChange={set("titleField")} /></AntForm.Item>
            </>
          ) : null}
        </AntForm>
      </Card>
      {category ? <ColumnsSummary fields={fields} listColumns={v.listColumns} titleField={v.titleField} /> : null}
      <FormDesigner text={fields} onChange={onFields} dictionaries={dictionaries} />
      <Button type="primary" loading={busy} onClick={() => submit(JSON.stringify({ ...v, kind, fields }), { method: "post", encType: "application/json" })}>发布</Button>
    </Space>
  );
}
