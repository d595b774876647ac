// The antd theme, shared by the app and the build step that extracts antd's CSS to a file.
// A fixed CSS-variable key and no hashed class names make the server-rendered markup match the
// extracted stylesheet exactly (antd would otherwise derive both from React ids / token hashes).
import type { ThemeConfig } from "antd";

export const theme: ThemeConfig = {
  token: { colorPrimary: "#0f4c9c", borderRadius: 4 },
  hashed: false,
  cssVar: { key: "zcps" },
};

/**
 * The theme for server rendering: the stylesheet is static (decision 004), so antd skips
 * generating each component's CSS-in-JS on the server (zeroRuntime). Class names are the same;
 * the browser keeps the runtime for components the stylesheet does not list.
 */
export const serverTheme: ThemeConfig = { ...theme, zeroRuntime: true };
