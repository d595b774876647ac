import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Card, Typography } from "antd";
import { useState } from "react";
import { SchemaForm } from "~/components/schema-form";
import { requireRole } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { dbVersion } from "~/utils/ints.server";
import { loadProfile, lockVerifiedFields, profileForm, saveProfile, unitLabel, verifiedProfileValues } from "~/engine/people/profile.server";

export const meta: MetaFunction = () => [{ title: "个人基本信息 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const db = getDb();
  const [form, existing] = await Promise.all([profileForm(db), loadProfile(db, user.id)]);
  const unit = unitLabel(existing?.unit);
  const verified = await verifiedProfileValues(db, form, user.id);
  return json({
    form: { id: form.id, version: form.version, title: form.title, schema: form.schema, uiSchema: lockVerifiedFields(form.uiSchema ?? {}, verified) },
    data: { ...(existing?.row.data ?? {}), ...verified },
    version: existing?.row.version ?? null,
    units: unit ? { [unit.id]: unit } : {},
    firstTime: !user.profileCompleted,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const version = body.version === null || body.version === undefined ? null : dbVersion(body.version);
    await saveProfile(getDb(), user.id, body.data, version);
    return redirect("/home");
  });
}

export default function Profile() {
  const { form, data, version, units, firstTime } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [formData, setFormData] = useState<Record<string, unknown>>(data);
  const error = result && "error" in result ? result : null;
  return (
    <Card>
      <Typography.Title level={3}>{form.title}</Typography.Title>
      {firstTime ? <Alert type="info" showIcon title="首次登录请先完善个人基本信息，保存后即可进入个人中心。" style={{ marginBottom: 16 }} /> : null}
      {error ? <Alert type="error" showIcon title={error.error} style={{ marginBottom: 16 }} role="alert" /> : null}
      <SchemaForm
        schema={form.schema}
        uiSchema={form.uiSchema}
        formData={formData}
        onChange={setFormData}
        serverErrors={error?.fieldErrors}
        formContext={{ units }}
        submitText="保存并进入个人中心"
        submitting={busy}
        onSubmit={(d) => submit(JSON.stringify({ data: d, version }), { method: "post", encType: "application/json" })}
      />
    </Card>
  );
}
