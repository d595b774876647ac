// ESLint: the layers' import boundaries (DESIGN "The layout we are growing into": arrows point
// down only, routes → components → engine → utils/db) and a few correctness rules. No style rules.
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

const layer = (from, target, message) => ({ target, from, message });

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", "var/**", "app/styles/**"] },
  {
    files: ["**/*.{ts,tsx,js,mjs,cjs}"],
    // A directive for a rule this config does not run (exhaustive-deps, no-require-imports) is not an error.
    linterOptions: { reportUnusedDisableDirectives: "off" },
    languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" },
    plugins: { "@typescript-eslint": tseslint.plugin, "import-x": importX, "react-hooks": reactHooks },
    settings: {
      // Resolves "~/…" (tsconfig paths) so the boundaries see where an import really goes.
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      "import-x/no-restricted-paths": ["error", {
        zones: [
          layer(["./app/components", "./app/routes"], "./app/engine", "app/engine/ 是引擎层，不能引用界面组件或路由（箭头只向下）"),
          layer(["./app/engine", "./app/components", "./app/routes"], "./app/utils", "app/utils/ 只放基础设施，不能引用引擎、组件或路由"),
          layer(["./app", "./scripts"], "./db", "db/ 只放连接、模型和迁移，不能引用 app/ 或 scripts/"),
        ],
      }],
      "react-hooks/rules-of-hooks": "error",
      "import-x/no-self-import": "error",
      "import-x/no-duplicates": "error",
      // Correctness, not style.
      "no-dupe-keys": "error",
      "no-duplicate-case": "error",
      "no-unreachable": "error",
      "no-self-compare": "error",
      "no-self-assign": "error",
      "no-cond-assign": ["error", "except-parens"],
      "no-fallthrough": "error",
      "no-unsafe-finally": "error",
      "no-unsafe-negation": "error",
      "no-debugger": "error",
      "use-isnan": "error",
      "valid-typeof": "error",
      "no-async-promise-executor": "error",
      "no-compare-neg-zero": "error",
      "no-sparse-arrays": "error",
      "no-loss-of-precision": "error",
      "@typescript-eslint/no-unused-vars": ["error", { args: "none", caughtErrors: "none", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // The engine has no React: Ajv's code generator has helpers named useFunc/usePattern.
    files: ["app/engine/**/*.{ts,tsx}"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // Components are bundled for the browser: a *.server module must not reach them (types may:
    // they are erased).
    files: ["app/components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", {
        patterns: [{ group: ["*.server", "*.server.ts"], allowTypeImports: true, message: "组件会打包到浏览器，不能引用 *.server 模块（仅类型可以）" }],
      }],
    },
  },
);
