// The generated files (scripts/generate.ts: definition types from the meta-schemas, the step-kind
// registries from their folders) are checked in and must be what the generator makes now: a
// meta-schema or step-kind folder changed without `npm run generate` fails here.
import { describe, expect, it } from "vitest";
import { outOfDate } from "../../scripts/generate";

describe("generated code", () => {
  it("is up to date with the meta-schemas and the step-kind folders", async () => {
    expect(await outOfDate()).toEqual([]);
  }, 60_000);
});
