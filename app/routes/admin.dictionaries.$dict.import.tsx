// 导入: one CSV or .xlsx file (multipart field "file"). Every row is checked first; one bad
// row → 400 with "第 N 行：…" and nothing is written; a good file upserts by natural key.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { importFile, MAX_IMPORT_BYTES } from "~/engine/dictionary-admin.server";
import { dictionaryOf } from "~/engine/dictionaries.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { discardBody, receiveFile } from "~/utils/multipart.server";

export async function action({ request, params }: ActionFunctionArgs) {
  await requireMay(request, "configuration");
  return handleUserErrors(async () => {
    try {
      await dictionaryOf(getDb(), params.dict);
    } catch (e) {
      discardBody(request);
      throw e;
    }
    const tooLarge = `文件不能超过 ${MAX_IMPORT_BYTES / 1_000_000} MB`;
    const { buf, filename } = await receiveFile(request, { maxFileBytes: MAX_IMPORT_BYTES, tooLarge }, async (file) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const c of file.data) {
        size += c.byteLength;
        if (size > MAX_IMPORT_BYTES) throw new UserError(tooLarge, 413);
        chunks.push(c);
      }
      return { buf: Buffer.concat(chunks), filename: file.filename ?? "" };
    });
    const result = await importFile(getDb(), params.dict!, buf, filename);
    return json({ ok: true as const, ...result });
  });
}
