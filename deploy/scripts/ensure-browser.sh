#!/usr/bin/env bash
# Debian's Chromium (driven by Playwright), a CJK font for the browser tests and gettext for the i18n tests.
# Installs once when missing.
set -euo pipefail
# shellcheck source=deploy/scripts/say.sh
source "$(dirname "${BASH_SOURCE[0]}")/say.sh"
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || need+=(fonts-wqy-microhei)
# GNU gettext: tests/test_i18n.py compiles and extracts the zh-Hans catalogues.
command -v msgfmt >/dev/null || need+=(gettext)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  say_err "The browser tests need ${need[*]}: install them (apt-get install ${need[*]}), or run with -m 'not browser'." \
    "浏览器测试需要 ${need[*]}：请安装（apt-get install ${need[*]}），或加上 -m 'not browser' 运行。"
  exit 0
fi
say "==> Installing ${need[*]} for the browser tests…" "==> 正在为浏览器测试安装 ${need[*]}…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
