// The small part of Citation.js (CommonJS, untyped) that the citation import uses.
declare module "@citation-js/core" {
  export const plugins: {
    input: {
      chain(data: unknown, options?: { forceType?: string; generateGraph?: boolean; target?: string }): unknown[];
    };
  };
  export const logger: { level: string; _log: unknown[] };
}
declare module "@citation-js/plugin-bibtex";
declare module "@citation-js/plugin-ris";
declare module "@citation-js/plugin-enw";
