import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Space, Typography } from "antd";
import { useState } from "react";
import { SchemaForm } from "~/components/schema-form";
import { createEntry, requireCategory } from "~/engine/archive.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { IDEMPOTENCY_FIELD, idempotencyKeyOf, newIdempotencyKey } from "~/utils/idempotency.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `新增${data?.title ?? "业绩"} - 我的业绩档案库` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireApplicant(request);
  const category = await requireCategory(getDb(), params.slug);
  const f = category.form;
  return json({
    slug: category.slug, title: category.title, form: { id: f.id, version: f.version, schema: f.schema, uiSchema: f.uiSchema, rules: f.meta.rules ?? [] },
    // Sent with the save: a retried save (lost answer) returns the entry instead of a second one.
    idempotencyKey: newIdempotencyKey(),
  }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const category = await requireCategory(db, params.slug);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    await createEntry(db, user.id, category, body.data, { idempotencyKey: idempotencyKeyOf(body[IDEMPOTENCY_FIELD]) });
    return redirect(`/archive/${category.slug}?notice=created`);
  });
}

export default function NewEntry() {
  const { slug, title, form, idempotencyKey } = useLoaderData<typeof loader>();
  // The key of this rendering of the form: kept while the page stays (a reload of the loader data
  // after a failed save must not make a retry look new).
  const [key] = useState(idempotencyKey);
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [data, setData] = useState<Record<string, unknown>>({});
  const error = result && "error" in result ? result : null;
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>新增{title}</Typography.Title>
        <Link to={`/archive/${slug}`}><Button>返回列表</Button></Link>
      </Space>
      <div style={{ height: 16 }} />
      {error ? <Alert type="error" showIcon role="alert" title={error.error} style={{ marginBottom: 16 }} /> : null}
      <SchemaForm
        schema={form.schema}
        uiSchema={form.uiSchema}
        rules={form.rules}
        formData={data}
        onChange={setData}
        serverErrors={error?.fieldErrors}
        formContext={{ formId: form.id }}
        submitText="保存"
        submitting={busy}
        onSubmit={(d) => submit(JSON.stringify({ data: d, idempotencyKey: key }), { method: "post", encType: "application/json" })}
      />
    </Card>
  );
}
