// 【编辑字典定义】 of a dictionary declared in the browser: 发布新版本 (adding columns; what would
// lose data is refused), with the version the page showed (another administrator's newer one → 409).
// A dictionary declared by a file is edited in its file (404 here).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Card, Typography } from "antd";
import { DictionaryDeclarationEditor, type EditorResult } from "~/components/dictionary-declaration-editor";
import { declarationEditorData, declareDictionary, editableDeclaration } from "~/engine/dictionary-declaration.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { dbVersion } from "~/utils/ints.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.declaration.label ?? "字典"} 的定义 - 字典管理` }];

async function editable(id: string | undefined) {
  try {
    return await editableDeclaration(getDb(), id);
  } catch (e) {
    throw e instanceof UserError ? notFound(e.message) : e;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const d = await editable(params.dict);
  return json({ ...d, ...(await declarationEditorData(getDb())) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMay(request, "configuration");
  const d = await editable(params.dict);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    // The id is the page's, whatever the body says.
    const declaration = body.declaration && typeof body.declaration === "object" ? { ...(body.declaration as object), id: d.declaration.id } : body.declaration;
    await declareDictionary(getDb(), actor, declaration, dbVersion(body.version));
    return redirect(`/admin/dictionaries/${d.declaration.id}`);
  });
}

export default function AdminDictionaryDefinition() {
  const { declaration, version, types, dictionaries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { error?: string; fieldErrors?: Record<string, string[]> } | undefined;
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const shown: EditorResult | undefined = result ? { ok: false, error: result.error, problems: result.fieldErrors?.declaration } : undefined;
  return (
    <Card>
      <Typography.Title level={3}>{declaration.label} 的定义（第 {version} 版）</Typography.Title>
      <p><Link to={`/admin/dictionaries/${declaration.id}`}>← {declaration.label}</Link></p>
      <DictionaryDeclarationEditor
        key={version} initial={declaration} editing types={types} dictionaries={dictionaries} result={shown} busy={busy} submitText="发布新版本"
        onSubmit={(d) => submit(JSON.stringify({ declaration: d, version }), { method: "post", encType: "application/json" })}
      />
    </Card>
  );
}
