# shellcheck shell=bash
# shellcheck disable=SC2034 # LAST_FAIL_* are read by results.sh
# Output for people: plain info lines, PASS/FAIL check lines, warnings and errors with a fix.
# Colours only when stdout is a terminal and NO_COLOR is not set (https://no-color.org).
# Secret values are never passed to these functions; masking of configuration values happens in
# scripts/lib/node/results.ts, the one place that knows which names are secret.

# The runner's Node helpers: scripts/lib/node/<name>.ts, bundled into dist/runner/<name>.mjs by
# `node build.mjs --runner` (preflight.sh's runner_helpers_ready builds them when stale).
RUNNER_JS="$ROOT/dist/runner"

# Runs one of the runner's Node helpers: node_helper NAME [ARGS...].
node_helper() {
  local name="$1"
  shift
  node "$RUNNER_JS/$name.mjs" "$@"
}

C_RED=''
C_GREEN=''
C_YELLOW=''
C_BOLD=''
C_DIM=''
C_RESET=''
# Whether the person runs us on a terminal; read by k6.sh (the dashboard is only served to a terminal user).
export STDOUT_IS_TTY=0

# Decide on colours once, before stdout is redirected into the results log.
log_init() {
  if [[ -t 1 ]]; then STDOUT_IS_TTY=1; fi
  if [[ -t 1 && -z "${NO_COLOR:-}" && "${TERM:-}" != "dumb" ]]; then
    C_RED=$'\033[31m'
    C_GREEN=$'\033[32m'
    C_YELLOW=$'\033[33m'
    C_BOLD=$'\033[1m'
    C_DIM=$'\033[2m'
    C_RESET=$'\033[0m'
  fi
}

log_info() {
  printf '%s\n' "$*"
}

log_step() {
  LOG_STEP="$*"
  printf '\n%s== %s%s\n' "$C_BOLD" "$*" "$C_RESET"
}

# Every PASS/FAIL/SKIP check line is also recorded, one line each, in LOG_CHECKS_FILE once the results folder
# exists (results.sh sets it): step, status, check and text, tab-separated, so that junit.xml and summary.md
# can report the pre-flight checks (tools/ci-outputs). Tabs and line breaks in the text become spaces.
LOG_STEP=""
LOG_CHECKS_FILE=""

log_record_check() {
  [[ -n "$LOG_CHECKS_FILE" ]] || return 0
  local fields=("$LOG_STEP" "$1" "$2" "$3") i
  for i in "${!fields[@]}"; do fields[i]="${fields[i]//[$'\t\r\n']/ }"; done
  printf '%s\t%s\t%s\t%s\n' "${fields[@]}" >>"$LOG_CHECKS_FILE" 2>/dev/null || true
}

# A check line: log_pass "k6" "v2.2.0 (cached build ...)"
log_pass() {
  log_record_check PASS "$1" "${2:-}"
  printf '  %sPASS%s  %-22s %s\n' "$C_GREEN" "$C_RESET" "$1" "${2:-}"
}

# The last FAIL line's check and text: a run that stops after it says why in run.json (results.sh).
LAST_FAIL_CHECK=""
LAST_FAIL_TEXT=""

log_fail() {
  LAST_FAIL_CHECK="$1"
  LAST_FAIL_TEXT="${2:-}"
  log_record_check FAIL "$1" "${2:-}"
  printf '  %sFAIL%s  %-22s %s\n' "$C_RED" "$C_RESET" "$1" "${2:-}"
}

log_skip() {
  log_record_check SKIP "$1" "${2:-}"
  printf '  %sSKIP%s  %-22s %s\n' "$C_DIM" "$C_RESET" "$1" "${2:-}"
}

log_warn() {
  printf '%sWARNING:%s %s\n' "$C_YELLOW" "$C_RESET" "$*" >&2
}

log_error() {
  printf '%sERROR:%s %s\n' "$C_RED" "$C_RESET" "$*" >&2
}

# Indented follow-up lines of an error: what to do about it.
log_hint() {
  local line
  for line in "$@"; do
    printf '       %s\n' "$line" >&2
  done
}

# Prints a block of lines read from stdin, indented, to stderr (e.g. a helper's error output).
log_indent() {
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    printf '       %s\n' "$line" >&2
  done
}
