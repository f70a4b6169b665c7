# shellcheck shell=bash
# shellcheck disable=SC2034 # OPT_* are read by run-load-test.sh and the other modules
# Command-line parsing and validation. Sets the OPT_* variables; usage errors exit with EXIT_USAGE (2).

OPT_ACTION="run"
OPT_PROFILE="smoke"
OPT_PHASE="full"
OPT_TARGET=""
OPT_ENV_FILE=""
OPT_ENV_FILE_GIVEN=0
OPT_SIM_PORT=""
OPT_DRY_RUN=0
OPT_DASHBOARD=0
OPT_BASELINE=""
OPT_BASELINE_OPTIONAL=0
OPT_SAVE_BASELINE=""
OPT_OUTS=() # k6 outputs given with --out (repeatable), in k6's syntax
OPT_PROMETHEUS="" # a Prometheus remote-write URL (--prometheus): scripts/lib/prometheus.sh

usage() {
  cat <<USAGE
Usage: run-load-test.sh [options]

Load-tests an Ed-Fi Data Management Service (DMS) with k6, or the bundled DMS stand-in when no DMS is
configured. Pre-flight checks, API client setup, the k6 phases, and a results folder per run.

Options:
  --profile NAME     data set and scale: a file .env.profiles/NAME.env (default: smoke)
  --phase PHASE      load | readwrite | full | capacity | soak | volume | deep-paging | filtered-read
                     (default: full = load, then readwrite). capacity: open-model steps of the readwrite
                     mix up to the first that breaks the SLO; soak: the mix at SOAK_RATE for an hour,
                     judged for drift window by window; volume, deep-paging, filtered-read: Ed-Fi's
                     Suite-3 workloads, shown beside its published figures. These run over data loaded
                     earlier; on the stand-in, which starts empty, the load phase runs first
  --target TARGET    dms | sim (default: dms when API_BASE_URL is set in the shell, the profile or the
                     env file, otherwise sim = the bundled stand-in on a free local port)
  --env-file PATH    settings file (default: .env.load-test in the project folder)
  --sim-port PORT    port for the stand-in (default: SIM_PORT, else any free port)
  --baseline NAME    compare the run with a saved baseline; a regression fails a passing run (exit 5);
                     a comparison that cannot be made (baseline missing or corrupt, another profile,
                     nothing in common) fails it too (exit 6)
  --baseline-optional  with --baseline: a comparison that cannot be made is only a warning
  --save-baseline NAME  save this run as a baseline when it passes (baselines/NAME.json)
  --out OUTPUT       a k6 output, in k6's syntax (repeatable): json=out.json, csv=samples.csv,
                     experimental-prometheus-rw, ...; replaces K6_OUT as in k6. Files go into each
                     phase's results folder (<run>/load/out.json, <run>/readwrite/out.json); outputs
                     without a file (a URL) are passed on as they are, once per phase
  --prometheus URL   stream each phase's metrics to a Prometheus remote-write receiver, e.g.
                     http://127.0.0.1:9090/api/v1/write (Prometheus started with
                     --web.enable-remote-write-receiver), labelled testid=<run id>, profile, phase, target
  --dashboard        also serve k6's web dashboard (http://127.0.0.1:5665; not served without a
                     terminal) and save it as dashboard.html in each phase's results
  --dry-run          print the plan, the configuration and the k6 command; run nothing
  --list-profiles    list the available profiles
  -h, --help         this help
$(instances_usage)

Configuration precedence: shell environment > .env.profiles/<profile>.env > env file > built-in default.
Every value is printed with its source at the start of a run (secrets masked) and saved in config.env.

Examples:
  ./run-load-test.sh --profile smoke                  # first try: runs against the stand-in
  ./run-load-test.sh --profile dev --phase load       # after: cp .env.load-test.example .env.load-test
  VUS_LOAD_PHASE=200 ./run-load-test.sh --profile staging --phase load

Exit codes:
  0    PASS
  1    internal error of the runner
  2    usage or configuration error (nothing was started)
  3    pre-flight check failed (k6, node/npm, dependencies, bundle, results folder, stand-in, DMS
       reachable, credentials, data access); k6 was not started
  4    API client setup through the Configuration Service failed; k6 was not started
  5    k6 passed, but the run regressed against --baseline NAME
  6    --baseline NAME was given, but the comparison could not be made (baseline missing, unreadable or
       corrupt, another profile, no phase or operation in common); --baseline-optional: a warning
  130  interrupted before k6 started (Ctrl-C; 143 for SIGTERM)
  129  the terminal went away (SIGHUP); a running k6 was stopped gracefully first
  k6's own codes pass through: 99 thresholds failed, 104 invalid k6 configuration, 105 stopped by a
  signal, 107 script error, 108 test aborted by the script (full phase: the first non-zero phase code)

Settings (environment variables or NAME=value lines in the files):
USAGE
  if ! command -v node >/dev/null 2>&1 || ! runner_helpers_ready --no-install 2>/dev/null; then
    printf '  (the list needs Node.js 20 and the dependencies: npm ci, then --help again)\n'
  else
    node_helper config help
  fi
  printf '  %-30s %s\n' "other SIM_*, K6_*" "passed on as they are, to the stand-in and to k6 (a misspelt setting gets a warning)"
  printf '\nDocumentation: docs/load-test-guide.md, docs/troubleshooting.md\n'
}

usage_error() {
  log_error "$1"
  shift
  if (($# > 0)); then
    log_hint "$@"
  fi
  log_hint "Run '$(basename "$0") --help' for the options."
  exit "$EXIT_USAGE"
}

# Value of an option given as "--name value" or "--name=value"; sets ARG_VALUE and ARG_SHIFT.
take_value() {
  local flag="$1" next="${2-}" has_next="$3"
  if [[ "$flag" == *=* ]]; then
    ARG_VALUE="${flag#*=}"
    ARG_SHIFT=1
  elif [[ "$has_next" == 1 && "$next" != --* ]]; then
    ARG_VALUE="$next"
    ARG_SHIFT=2
  else
    usage_error "option ${flag%%=*} needs a value"
  fi
}

parse_args() {
  local arg has_next
  while (($# > 0)); do
    arg="$1"
    has_next=0
    if (($# > 1)); then has_next=1; fi
    case "$arg" in
      -h | --help) OPT_ACTION="help"; shift ;;
      --list-profiles) OPT_ACTION="list-profiles"; shift ;;
      --dry-run) OPT_DRY_RUN=1; shift ;;
      --dashboard) OPT_DASHBOARD=1; shift ;;
      --baseline-optional) OPT_BASELINE_OPTIONAL=1; shift ;;
      --profile | --profile=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_PROFILE="$ARG_VALUE"; shift "$ARG_SHIFT" ;;
      --phase | --phase=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_PHASE="$ARG_VALUE"; shift "$ARG_SHIFT" ;;
      --target | --target=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_TARGET="$ARG_VALUE"; shift "$ARG_SHIFT" ;;
      --env-file | --env-file=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_ENV_FILE="$ARG_VALUE"; OPT_ENV_FILE_GIVEN=1; shift "$ARG_SHIFT" ;;
      --sim-port | --sim-port=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_SIM_PORT="$ARG_VALUE"; shift "$ARG_SHIFT" ;;
      --baseline | --baseline=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_BASELINE="$ARG_VALUE"; shift "$ARG_SHIFT" ;;
      --out | --out=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_OUTS+=("$ARG_VALUE"); shift "$ARG_SHIFT" ;;
      --prometheus | --prometheus=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_PROMETHEUS="$ARG_VALUE"; shift "$ARG_SHIFT" ;;
      --save-baseline | --save-baseline=*)
        take_value "$arg" "${2-}" "$has_next"; OPT_SAVE_BASELINE="$ARG_VALUE"; shift "$ARG_SHIFT" ;;
      --instances | --instances=* | --instance | --instance=* | --join | --join=* | --emit-k8s | --emit-k8s=*)
        take_value "$arg" "${2-}" "$has_next"; instances_option "$arg" "$ARG_VALUE"; shift "$ARG_SHIFT" ;; # scripts/lib/instances.sh
      -*) usage_error "unknown option '$arg'" ;;
      *) usage_error "unexpected argument '$arg'" "Options start with --, e.g. --profile $arg" ;;
    esac
  done
}

# The available profile names, one per line, sorted.
profile_names() {
  local file
  for file in "$ROOT/.env.profiles/"*.env; do
    [[ -e "$file" ]] || continue
    file="${file##*/}"
    printf '%s\n' "${file%.env}"
  done
}

list_profiles() {
  local name file line description counts
  printf 'Profiles (.env.profiles/<name>.env; any file you add there is a profile too):\n'
  while IFS= read -r name; do
    file="$ROOT/.env.profiles/$name.env"
    description=""
    counts=""
    while IFS= read -r line || [[ -n "$line" ]]; do
      if [[ -z "$description" && "$line" =~ ^#[[:space:]]*(.+)$ ]]; then
        description="${BASH_REMATCH[1]}"
      elif [[ "$line" =~ ^(SCHOOL_COUNT|STUDENT_COUNT|STAFF_COUNT|VUS_LOAD_PHASE|VUS_READWRITE_PHASE)=[\"\']?([^\"\' #]*) ]]; then
        counts+="${counts:+ }${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
      fi
    done <"$file"
    printf '  %-10s %s\n' "$name" "${description:-(no description: add a # comment as the first line)}"
    if [[ -n "$counts" ]]; then printf '  %-10s %s\n' "" "$counts"; fi
  done < <(profile_names)
}

validate_args() {
  local available
  instances_validate_args # first: a join file names the profile and phase
  if [[ ! "$OPT_PROFILE" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ || ! -f "$ROOT/.env.profiles/$OPT_PROFILE.env" ]]; then
    available="$(profile_names | paste -sd ' ' -)"
    usage_error "unknown profile '$OPT_PROFILE': there is no file .env.profiles/$OPT_PROFILE.env" \
      "Available profiles: ${available:-none}" \
      "A custom profile is any .env.profiles/<name>.env file (see docs/load-test-guide.md)."
  fi
  case "$OPT_PHASE" in
    load | readwrite | full | capacity | soak | volume | deep-paging | filtered-read) ;;
    *) usage_error "unknown phase '$OPT_PHASE'" "Use --phase load, readwrite, full, capacity, soak, volume, deep-paging or filtered-read." ;;
  esac
  case "$OPT_TARGET" in
    "" | sim | dms) ;;
    *) usage_error "unknown target '$OPT_TARGET'" "Use --target dms (a real DMS at API_BASE_URL) or --target sim (the bundled stand-in)." ;;
  esac
  if [[ -n "$OPT_SIM_PORT" ]] && { [[ ! "$OPT_SIM_PORT" =~ ^[0-9]+$ ]] || ((10#$OPT_SIM_PORT > 65535)); }; then
    usage_error "--sim-port '$OPT_SIM_PORT' is not a port number" "Use a number from 1 to 65535, or 0 for any free port."
  fi
  if [[ -n "$OPT_PROMETHEUS" && ! "$OPT_PROMETHEUS" =~ ^https?://[^[:space:]/]+[^[:space:]]*$ ]]; then
    usage_error "--prometheus '$OPT_PROMETHEUS' is not a URL" \
      "Give the remote-write receiver's URL, e.g. --prometheus http://127.0.0.1:9090/api/v1/write"
  fi
  if [[ "$OPT_ENV_FILE_GIVEN" == 1 && ! -f "$OPT_ENV_FILE" ]]; then
    usage_error "env file '$OPT_ENV_FILE' (--env-file) does not exist" \
      "Create it from the template: cp .env.load-test.example '$OPT_ENV_FILE'"
  fi
}
