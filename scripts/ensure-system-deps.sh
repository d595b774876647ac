#!/usr/bin/env bash
# Installs the system packages the app needs (Chromium for PDFs and browser tests, CJK fonts
# for the review forms) when they are missing. Idempotent: a no-op on a machine that has them.
# --test: also what only the tests use (nginx, the load balancer of the two-node test).
set -euo pipefail
need=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
command -v chromium >/dev/null 2>&1 || need+=(chromium)
installed fonts-noto-cjk || need+=(fonts-noto-cjk)
installed fontconfig || need+=(fontconfig)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/sbin/nginx ] || need+=(nginx-light)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "[system] installing: ${need[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Packages with a service (nginx) must not start it: the tests start their own on the loopback.
# policy-rc.d answering 101 is Debian's way to say "do not start services" during an install.
added_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  added_policy=1
fi
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || { [ -n "$added_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d; exit 1; }
[ -n "$added_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d
echo "[system] installed: ${need[*]}"
