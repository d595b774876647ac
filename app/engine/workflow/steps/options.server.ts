// The workflow meta-schema as the engine checks it: each step kind's options schema (its folder's
// options.schema.json) added as "if kind is K then options match K's schema", options required
// where that schema requires a property. The file names the kinds only, so editors still check
// everything else in a workflow file.
import { STEP_OPTIONS_SCHEMAS } from "./options.generated";

type Schema = Record<string, unknown>;

export function withStepOptions(meta: Schema): Schema {
  const defs = meta.$defs as Record<string, Schema>;
  const allOf = Object.entries(STEP_OPTIONS_SCHEMAS).map(([kind, schema]) => {
    // Inlined into the workflow meta-schema: a $ref would resolve against it, not the kind's file.
    if (JSON.stringify(schema).includes('"$ref"')) throw new Error(`步骤类型 ${kind} 的 options.schema.json 不能使用 $ref`);
    const required = Array.isArray(schema.required) && schema.required.length > 0;
    return { if: { properties: { kind: { const: kind } } }, then: { ...(required ? { required: ["options"] } : {}), properties: { options: schema } } };
  });
  return { ...meta, $defs: { ...defs, step: { ...defs.step, allOf } } };
}
