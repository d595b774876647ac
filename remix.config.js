/** @type {import('@remix-run/dev').AppConfig} */
module.exports = {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  // CommonJS server build: antd and its locale files ship CJS entry points that an ESM
  // server bundle cannot import by directory (see DESIGN.md, stack facts).
  serverModuleFormat: "cjs",
  serverPlatform: "node",
  // ESM-only packages the CJS server bundle must inline (file-type 21 and its dependencies;
  // file-type 22 needs Node 22).
  serverDependenciesToBundle: [/^file-type$/, /^strtok3/, /^token-types/, /^@tokenizer\//, /^@borewit\//, /^uint8array-extras/],
  // Forms, workflows and templates are read at run time from the project root, not bundled.
  watchPaths: ["forms/**/*.json", "workflows/**/*.json", "templates/**/*.hbs"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
  },
};
