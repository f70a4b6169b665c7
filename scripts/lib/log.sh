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
  printf '\n%s== %s%s\n' "$C_BOLD" "$*" "$C_RESET"
}

# A check line: log_pass "k6" "v2.2.0 (cached build ...)"
log_pass() {
  printf '  %sPASS%s  %-22s %s\n' "$C_GREEN" "$C_RESET" "$1" "${2:-}"
}

# The last FAIL line's check and text: a run that stops after it says why in run.json (results.sh).
LAST_FAIL_CHECK=""
LAST_FAIL_TEXT=""

log_fail() {
  LAST_FAIL_CHECK="$1"
  LAST_FAIL_TEXT="${2:-}"
  printf '  %sFAIL%s  %-22s %s\n' "$C_RED" "$C_RESET" "$1" "${2:-}"
}

log_skip() {
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
