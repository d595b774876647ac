// The view each step kind's page receives, as its server handler returns it (type only: client
// bodies import it, so the view type flows from the handler to the body).
import type { StepKind } from "../../definitions/types.generated";
import type { ViewOf } from "./kit.server";
import type { STEP_PLUGINS } from "./registry.generated";

export type StepViews = { [K in StepKind]: ViewOf<(typeof STEP_PLUGINS)[K]> };
