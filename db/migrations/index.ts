// Migrations are listed here (not globbed) so they load the same under tsx, vitest and the
// Remix bundle. Append new ones; never edit a released one.
import * as m0001 from "./0001-init";
import * as m0002 from "./0002-archive";
import * as m0003 from "./0003-form-drafts";
import * as m0004 from "./0004-dictionaries";
import * as m0005 from "./0005-plans";
import * as m0006 from "./0006-applications";
import * as m0007 from "./0007-entry-unit";
import * as m0008 from "./0008-review";
import * as m0009 from "./0009-payments";
import * as m0010 from "./0010-export-jobs";
import * as m0011 from "./0011-application-profile";
import * as m0013 from "./0013-idempotency-keys";
import * as m0014 from "./0014-export-heartbeat";
import * as m0015 from "./0015-login-hardening";
import * as m0016 from "./0016-definition-versions";
import * as m0018 from "./0018-dictionary-versions";
import * as m0019 from "./0019-application-chain-version";
import * as m0020 from "./0020-verified-identity";
import * as m0021 from "./0021-notifications";
import * as m0022 from "./0022-unit-registrations";
import * as m0023 from "./0023-publicity";
import * as m0024 from "./0024-committee-meetings";
import * as m0025 from "./0025-stage-visits";
import * as m0026 from "./0026-large-text";

export const migrations = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0013, m0014, m0015, m0016, m0018, m0019, m0020, m0021, m0022, m0023, m0024, m0025, m0026];
