// 导入表决票: one .xlsx (multipart field "file"), parsed off the event loop; every row is checked
// first; one bad row → 422 naming "第 N 行：…" and nothing is applied; a good sheet decides all.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { importVoteSheet, MAX_SHEET_BYTES } from "~/engine/workflow/meetings.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { receiveFile } from "~/utils/multipart.server";

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMay(request, "committee-votes");
  return handleUserErrors(async () => {
    const tooLarge = `文件不能超过 ${MAX_SHEET_BYTES / 1_000_000} MB`;
    const buf = await receiveFile(request, { maxFileBytes: MAX_SHEET_BYTES, tooLarge }, async (file) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const c of file.data) {
        size += c.byteLength;
        if (size > MAX_SHEET_BYTES) throw new UserError(tooLarge, 413);
        chunks.push(c);
      }
      return Buffer.concat(chunks);
    });
    const r = await importVoteSheet(getDb(), user, params.id, buf);
    return json({ ok: true as const, ...r });
  });
}
