// Migrations are listed here (not globbed) so they load the same under tsx, vitest and the
// Remix bundle. Append new ones; never edit a released one.
import * as m0001 from "./0001-init";

export const migrations = [m0001];
