// A refusal by the engine's rules (a missing field, a stale version, a record out of scope …): the
// message is Chinese and meant for the user, the status is how a route answers it
// (handleUserErrors). It is an HttpError, the infrastructure's refusal (a body too large, a
// malformed upload), so both are answered the same way while utils/ knows nothing of the engine.
import { HttpError } from "~/utils/http.server";

export class UserError extends HttpError {}
