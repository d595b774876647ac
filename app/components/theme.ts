// The antd theme, shared by the app and the build step that extracts antd's CSS to a file.
// A fixed CSS-variable key and no hashed class names make the server-rendered markup match the
// extracted stylesheet exactly (antd would otherwise derive both from React ids / token hashes).
import type { ThemeConfig } from "antd";

export const theme: ThemeConfig = {
  // Text and state colours dark enough for WCAG AA contrast (4.5:1) on white and on their tag
  // backgrounds (axe-core in tests/browser/a11y.test.ts): antd's defaults (#8c8c8c secondary text,
  // #1677ff links, #52c41a success) are below it.
  token: {
    colorPrimary: "#0f4c9c", colorLink: "#0f4c9c", colorInfo: "#0f4c9c", borderRadius: 4,
    colorTextDescription: "rgba(0,0,0,0.65)", colorTextTertiary: "rgba(0,0,0,0.65)", colorTextPlaceholder: "rgba(0,0,0,0.55)",
    colorSuccess: "#237804", colorError: "#cf1322", colorWarning: "#ad4e00",
    // The light backgrounds and borders as antd derives them from its own defaults (the darker
    // seeds above would derive grey-green and brown ones).
    colorSuccessBg: "#f6ffed", colorSuccessBorder: "#b7eb8f", colorErrorBg: "#fff2f0", colorErrorBorder: "#ffccc7",
    colorWarningBg: "#fffbe6", colorWarningBorder: "#ffe58f", colorInfoBg: "#e6f4ff", colorInfoBorder: "#91caff",
  },
  hashed: false,
  cssVar: { key: "zcps" },
};

/**
 * The theme for server rendering: the stylesheet is static (decision 004), so antd skips
 * generating each component's CSS-in-JS on the server (zeroRuntime). Class names are the same;
 * the browser keeps the runtime for components the stylesheet does not list.
 */
export const serverTheme: ThemeConfig = { ...theme, zeroRuntime: true };
