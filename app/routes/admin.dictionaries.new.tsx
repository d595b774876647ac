// 【新建字典】: an administrator declares a dictionary (app/engine/dictionary-declaration.server.ts);
// published as version 1 with its table, it opens at once for rows, import and export.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Card, Typography } from "antd";
import { DictionaryDeclarationEditor, type EditorResult } from "~/components/dictionary-declaration-editor";
import { declarationEditorData, declareDictionary } from "~/engine/dictionary-declaration.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "新建字典 - 字典管理" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  return json(await declarationEditorData(getDb()));
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMay(request, "configuration");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const r = await declareDictionary(getDb(), actor, body.declaration, null);
    return redirect(`/admin/dictionaries/${r.id}`);
  });
}

export default function AdminDictionaryNew() {
  const { types, dictionaries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { error?: string; fieldErrors?: Record<string, string[]> } | undefined;
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const shown: EditorResult | undefined = result ? { ok: false, error: result.error, problems: result.fieldErrors?.declaration } : undefined;
  return (
    <Card>
      <Typography.Title level={3}>新建字典</Typography.Title>
      <p><Link to="/admin/dictionaries">← 字典管理</Link></p>
      <DictionaryDeclarationEditor
        editing={false} types={types} dictionaries={dictionaries} result={shown} busy={busy} submitText="创建字典"
        onSubmit={(declaration) => submit(JSON.stringify({ declaration }), { method: "post", encType: "application/json" })}
      />
    </Card>
  );
}
