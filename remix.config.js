/** @type {import('@remix-run/dev').AppConfig} */
module.exports = {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  // CommonJS server build: antd and its locale files ship CJS entry points that an ESM
  // server bundle cannot import by directory (see DESIGN.md, stack facts).
  serverModuleFormat: "cjs",
  serverPlatform: "node",
  // Forms, workflows and templates are read at run time from the project root, not bundled.
  watchPaths: ["forms/**/*.json", "workflows/**/*.json", "templates/**/*.hbs"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
  },
};
