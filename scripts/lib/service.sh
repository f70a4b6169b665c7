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
  svc_register "$SVC_PID"
}

# The run's processes, one pid a line, for the watchdog: if the runner itself is killed (SIGKILL, OOM),
# nobody else would stop them.
SVC_REGISTRY=""

svc_register() {
  if [[ -n "$SVC_REGISTRY" ]]; then printf '%s\n' "$1" >>"$SVC_REGISTRY"; fi
}

# shielded COMMAND [ARGS...]: runs a command of the clean-up in a process group of its own and waits for
# it. Ctrl-C on a terminal goes to the foreground process group, and Node does not keep an inherited
# "ignore SIGINT": a Node helper writing run.json or the report would die half-way at the next press. Its
# stdin, stdout and stderr are the caller's (with job control on, bash does not point stdin at /dev/null).
shielded() {
  local pid rc=0
  set -m
  "$@" &
  pid=$!
  set +m
  while :; do
    rc=0
    wait "$pid" || rc=$?
    # wait returns >128 when a trapped signal arrives; the command is still running then: wait again.
    if kill -0 "$pid" 2>/dev/null; then continue; fi
    break
  done
  return "$rc"
}

# Started once per run, in a process group of its own and deaf to the terminal's signals: when the runner
# is gone without having recorded its run (SIGKILL, out of memory), it stops k6 gracefully (SIGINT: its
# summary is still written), then every other process of the run, and records the run as killed.
# svc_watchdog RUNNER_PID RUN_DIR REGISTRY TMP_DIR
_svc_watchdog() {
  local runner="$1" run_dir="$2" registry="$3" tmp_dir="$4" pid tries
  trap '' INT TERM HUP PIPE
  svc_close_saved_fds
  exec >/dev/null 2>&1
  while kill -0 "$runner" 2>/dev/null; do sleep 1; done
  [[ -f "$registry" ]] || exit 0 # the runner finished its clean-up (it removes the registry)
  [[ -e "$run_dir/exit-status" ]] && exit 0
  printf '\nwatchdog: the runner (pid %s) was killed before it recorded the run; stopping its processes\n' "$runner" >>"$run_dir/console.log"
  while IFS= read -r pid; do
    if [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *" run "* ]]; then kill -INT "$pid" 2>/dev/null || true; fi
  done <"$registry"
  tries=400 # k6's graceful stop: up to 40 s for its summary
  while ((tries-- > 0)); do
    local alive=0
    while IFS= read -r pid; do
      if [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *" run "* ]] && kill -0 "$pid" 2>/dev/null; then alive=1; fi
    done <"$registry"
    ((alive == 0)) && break
    sleep 0.1
  done
  while IFS= read -r pid; do kill -TERM "$pid" 2>/dev/null || true; done <"$registry"
  sleep 2
  while IFS= read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$registry"
  RUN_PHASES="$(paste -sd, "$tmp_dir/phases" 2>/dev/null || true)" node_helper results killed-run-json "$run_dir/run.json" || true
  printf '137\n' >"$run_dir/exit-status.tmp" && mv -f "$run_dir/exit-status.tmp" "$run_dir/exit-status"
  rm -rf "$tmp_dir"
}

svc_start_watchdog() {
  local run_dir="$1"
  SVC_REGISTRY="$RUN_TMP/processes"
  : >"$SVC_REGISTRY"
  set -m
  _svc_watchdog "$$" "$run_dir" "$SVC_REGISTRY" "$RUN_TMP" </dev/null &
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

# svc_stop PID [SECONDS]: SIGTERM, then SIGKILL if it is still there after SECONDS (default 5). Sets
# SVC_STOP_STATUS to the process's exit status (empty when it cannot be known).
SVC_STOP_STATUS=""
svc_stop() {
  local pid="$1" seconds="${2:-5}" tries
  SVC_STOP_STATUS=""
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
  SVC_STOP_STATUS=0
  wait "$pid" 2>/dev/null || SVC_STOP_STATUS=$?
  # Ended: off the watchdog's list, so it never signals a later process that got the same id.
  if [[ -n "$SVC_REGISTRY" && -f "$SVC_REGISTRY" ]]; then sed -i "/^$pid\$/d" "$SVC_REGISTRY" 2>/dev/null || true; fi
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
