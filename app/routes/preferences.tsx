// 【大字版】 in the header posts here (a plain form: it works before the page is hydrated).
import { json, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getUser } from "~/engine/people/auth.server";
import { setLargeText } from "~/engine/people/preferences.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleUserErrors(async () => {
    // readBody: bounded, and a malformed body is a Chinese 400, not a 500.
    const result = await setLargeText(getDb(), request, await getUser(request), await readBody(request));
    if (!result.ok) return json({ error: result.error }, { status: 400 });
    return redirect(result.to, { headers: { "Set-Cookie": result.setCookie } });
  });
}

export const loader = () => redirect("/");
