#!/usr/bin/env bash
# Installs the system packages the app needs (Chromium for PDFs and browser tests, CJK fonts
# for the review forms) when they are missing. Idempotent: a no-op on a machine that has them.
set -euo pipefail
need=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
command -v chromium >/dev/null 2>&1 || need+=(chromium)
installed fonts-noto-cjk || need+=(fonts-noto-cjk)
installed fontconfig || need+=(fontconfig)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "[system] installing: ${need[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "[system] installed: ${need[*]}"
