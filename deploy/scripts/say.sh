# Sourced by deploy/scripts/*.sh. One language per message, as deploy/run.py and the Makefile do: zh-Hans,
# or English when MICROMALL_LANGUAGE starts with `en`. These scripts run before the venv (so before Django's
# gettext) exists, hence both texts side by side here.
#   say "English text" "中文文本"       prints the one of the chosen language on stdout
#   say_err "English text" "中文文本"   the same on stderr

mm_english() {
  case "${MICROMALL_LANGUAGE:-}" in
    [Ee][Nn]*) return 0 ;;
    *) return 1 ;;
  esac
}

say() {
  if mm_english; then printf '%s\n' "$1"; else printf '%s\n' "$2"; fi
}

say_err() {
  say "$@" >&2
}
