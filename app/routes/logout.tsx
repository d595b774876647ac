// 退出: the server-side session ends here; a session that came from an identity provider also
// ends at the provider, which sends the browser back to /login.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { logout } from "~/engine/people/auth.server";

export const action = ({ request }: ActionFunctionArgs) => logout(request);
export const loader = () => redirect("/");
