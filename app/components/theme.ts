// The antd theme, shared by the app and the build step that extracts antd's CSS to a file.
// A fixed CSS-variable key and no hashed class names make the server-rendered markup match the
// extracted stylesheet exactly (antd would otherwise derive both from React ids / token hashes).
import type { ThemeConfig } from "antd";

export const theme: ThemeConfig = {
  token: { colorPrimary: "#0f4c9c", borderRadius: 4 },
  hashed: false,
  cssVar: { key: "zcps" },
};
