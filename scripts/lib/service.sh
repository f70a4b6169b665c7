# shellcheck shell=bash
# shellcheck disable=SC2034 # SVC_PID and SVC_LINE are the results of these functions, read by callers
# Background processes the runner owns (stand-in, token broker, k6). Each runs in its own process group
# (`set -m` around the launch), so Ctrl-C on the terminal reaches the runner alone; the runner then stops
# them in order: k6 first (one SIGINT = graceful: summary still written), then the broker and the stand-in.

# svc_launch LOGFILE FUNCTION [ARGS...]: runs FUNCTION (which should exec the program) in the background
# in a new process group, output to LOGFILE (or inherited when LOGFILE is "-"); sets SVC_PID.
svc_launch() {
  local log="$1"
  shift
  set -m
  if [[ "$log" == "-" ]]; then
    "$@" </dev/null &
  else
    "$@" </dev/null >"$log" 2>&1 &
  fi
  SVC_PID=$!
  set +m
}

# svc_wait_line PID LOGFILE REGEX SECONDS: waits until LOGFILE has a line matching REGEX (sets SVC_LINE)
# or the process exits (returns 1) or the time is up (returns 2).
svc_wait_line() {
  local pid="$1" log="$2" regex="$3" seconds="$4" tries line
  tries=$((seconds * 10))
  SVC_LINE=""
  while ((tries-- > 0)); do
    if [[ -f "$log" ]]; then
      while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" =~ $regex ]]; then
          SVC_LINE="$line"
          return 0
        fi
      done <"$log"
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  return 2
}

# The exit status of a finished background process (0 if it cannot be known).
svc_status() {
  local pid="$1" rc=0
  wait "$pid" 2>/dev/null || rc=$?
  printf '%s' "$rc"
}

# svc_stop PID [SECONDS]: SIGTERM, then SIGKILL if it is still there after SECONDS (default 5).
svc_stop() {
  local pid="$1" seconds="${2:-5}" tries
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    tries=$((seconds * 10))
    while ((tries-- > 0)) && kill -0 "$pid" 2>/dev/null; do
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# The URL in a "... listening on http://HOST:PORT" line.
svc_url_of() {
  local line="$1"
  if [[ "$line" =~ listening\ on\ (https?://[^[:space:]]+) ]]; then
    printf '%s' "${BASH_REMATCH[1]%/}"
  fi
}

# In a launched subshell: close the runner's saved copies of its original stdout/stderr, so a background
# process never holds the caller's terminal or pipe open.
svc_close_saved_fds() {
  if [[ -n "${ORIG_STDOUT:-}" ]]; then exec {ORIG_STDOUT}>&-; fi
  if [[ -n "${ORIG_STDERR:-}" ]]; then exec {ORIG_STDERR}>&-; fi
}
