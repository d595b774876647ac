// POST /files?form=<formId>&field=<field> — an applicant uploads one evidence file (multipart,
// part "file") for a file field of a published form; limits and accepted types come from the
// form's latest version. Answers { key, name, size, mimeType }, or { error } in Chinese.
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { getForm } from "~/engine/form-registry.server";
import { formatBytes } from "~/engine/file-kinds";
import { storeFile, uploadSpecFor } from "~/engine/file-storage.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { discardBody, receiveFile } from "~/utils/multipart.server";

export async function loader() {
  return notFound();
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  return handleUserErrors(async () => {
    try {
      if (request.method !== "POST") throw new UserError("不支持的请求方法", 405);
      const url = new URL(request.url);
      const db = getDb();
      const formId = url.searchParams.get("form");
      const spec = uploadSpecFor(formId ? await getForm(db, formId) : null, url.searchParams.get("field"));
      const stored = await receiveFile(
        request,
        { maxFileBytes: spec.maxSize, tooLarge: `文件超过 ${formatBytes(spec.maxSize)}` },
        (file) => storeFile(db, { ownerId: user.id, filename: file.filename, data: file.data, spec }),
      );
      return json({ key: stored.key, name: stored.name, size: stored.size, mimeType: stored.mimeType });
    } catch (e) {
      discardBody(request);
      throw e;
    }
  });
}
