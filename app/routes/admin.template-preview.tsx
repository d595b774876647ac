// 预览 of the template editor: the posted (unsaved) text rendered against sample data, as a PDF.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireMay } from "~/engine/people/auth.server";
import { DefinitionError } from "~/engine/definitions/errors";
import { previewTemplate } from "~/engine/template-admin.server";
import { PdfRenderError } from "~/engine/pdf/renderer.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { bodyText } from "~/utils/body-values";

export async function action({ request }: ActionFunctionArgs) {
  await requireMay(request, "configuration");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    try {
      const pdf = await previewTemplate(getDb(), bodyText(body.id).trim(), body.source);
      return new Response(new Uint8Array(pdf), { headers: { "Content-Type": "application/pdf", "Cache-Control": "no-store" } });
    } catch (e) {
      if (e instanceof DefinitionError) return json({ ok: false as const, error: `模板有误：${e.problems.join("；")}` }, { status: 422 });
      // The renderer is busy or crashed twice: its Chinese retry hint, never a 500.
      if (e instanceof PdfRenderError) return json({ ok: false as const, error: e.message }, { status: 503, headers: { "Retry-After": "10" } });
      throw e;
    }
  });
}
