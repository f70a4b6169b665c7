# shellcheck shell=bash
# shellcheck disable=SC2034 # OPT_* and INSTANCE_* are read by other modules
# One run as several k6 instances (docs/scale-out.md). k6 splits a phase with execution segments: instance i
# of N runs `k6 run --execution-segment (i-1)/N:i/N --execution-segment-sequence 0,1/N,...,1` with INSTANCES=N
# in its environment (src/phase/segment.ts), all of them on the one token broker.
#   --instances N         N k6 processes on this machine; each phase's summary.json is their merge
#                         (tools/merge: counts summed, percentiles from merged histograms, the whole run's
#                         thresholds on the merged figures, one exit code); the parts stay in
#                         <phase>/instance-<i>/ (summary.json, exit-code)
#   --instance 1/N        this host is the first of N: stand-in or DMS, client, broker (reachable from the
#                         others: BROKER_* settings), join.env for the others; it keeps the broker until every
#                         instance reported each phase done
#   --instance I/N --join FILE   instance I on another host, against the first host's run (run id, broker,
#                         settings from FILE); the results of all hosts are merged with npm run merge
#   --emit-k8s DIR        the same run for k6-operator (tools/k8s): writes manifests, runs nothing

OPT_INSTANCES=1
OPT_INSTANCE=""
OPT_JOIN=""
OPT_EMIT_K8S=""
INSTANCE_INDEX=1 # this k6's instance (1-based); in a local supervisor's child, the child's
INSTANCE_COUNT=1
INSTANCES_ONE=0 # set while instances_run_phase runs this host's one instance through k6_run_phase
JOIN_RUN_ID=""
declare -A JOIN_VALUES=()
readonly JOIN_FILE_NAME="join.env"

# instances_option FLAG VALUE: one of this module's options (args.sh hands them over).
instances_option() {
  case "${1%%=*}" in
    --instances) OPT_INSTANCES="$2" ;;
    --instance) OPT_INSTANCE="$2" ;;
    --join) OPT_JOIN="$2" ;;
    --emit-k8s) OPT_EMIT_K8S="$2" ;;
  esac
}

# The options' lines of --help.
instances_usage() {
  cat <<'USAGE'
  --instances N      run each phase as N k6 instances on this machine (execution segments of one run,
                     one token, one merged summary and report); see docs/scale-out.md
  --instance I/N     this host runs instance I of N of one run: 1/N on the first host (it runs the broker
                     and writes join.env), I/N with --join on the others; merge the hosts' results with
                     npm run merge -- <folders...>
  --join FILE        the first host's join.env (run id, broker, settings), for --instance I/N with I > 1
  --emit-k8s DIR     write what k6-operator needs to run the same test in Kubernetes (--instances N =
                     parallelism), and a script that applies it and collects the results; runs nothing
USAGE
}

# Before validate_args' own checks: the numbers make sense together; a join file sets the profile and phase.
instances_validate_args() {
  if [[ ! "$OPT_INSTANCES" =~ ^[0-9]+$ ]] || ((10#$OPT_INSTANCES < 1 || 10#$OPT_INSTANCES > 64)); then
    usage_error "--instances '$OPT_INSTANCES' is not a number of k6 instances from 1 to 64" \
      "Use --instances 2 for two k6 processes on this machine (about one per two cores helps; see docs/scale-out.md)."
  fi
  OPT_INSTANCES=$((10#$OPT_INSTANCES))
  INSTANCE_COUNT="$OPT_INSTANCES"
  if [[ -n "$OPT_INSTANCE" ]]; then
    if ((OPT_INSTANCES > 1)); then
      usage_error "--instance $OPT_INSTANCE and --instances $OPT_INSTANCES cannot be combined" \
        "--instances N runs N k6 on this machine; --instance I/N runs one instance of a run spread over several hosts."
    fi
    if [[ ! "$OPT_INSTANCE" =~ ^([0-9]+)/([0-9]+)$ ]] || ((10#${BASH_REMATCH[2]} < 2 || 10#${BASH_REMATCH[1]} < 1 || 10#${BASH_REMATCH[1]} > 10#${BASH_REMATCH[2]})); then
      usage_error "--instance '$OPT_INSTANCE' is not I/N with 1 <= I <= N and N >= 2" \
        "The first host runs --instance 1/N; host i runs --instance i/N --join join.env (docs/scale-out.md)."
    fi
    INSTANCE_INDEX=$((10#${BASH_REMATCH[1]}))
    INSTANCE_COUNT=$((10#${BASH_REMATCH[2]}))
    if ((INSTANCE_INDEX > 1)) && [[ -z "$OPT_JOIN" ]]; then
      usage_error "--instance $OPT_INSTANCE needs --join FILE: the join.env the first host (--instance 1/$INSTANCE_COUNT) wrote" \
        "It names the run, its token broker and its settings; copy it from the first host's results folder over scp."
    fi
    if ((INSTANCE_INDEX == 1)) && [[ -n "$OPT_JOIN" ]]; then
      usage_error "--instance 1/$INSTANCE_COUNT is the first host, which writes the join file; --join is for the others (2/$INSTANCE_COUNT ...)"
    fi
  elif [[ -n "$OPT_JOIN" ]]; then
    usage_error "--join needs --instance I/N: which instance this host runs" "e.g. --instance 2/2 --join join.env"
  fi
  if ((INSTANCE_COUNT > 1)) && [[ -z "$OPT_EMIT_K8S" ]]; then
    if ((BASH_VERSINFO[0] < 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] < 1))); then
      usage_error "several k6 instances need bash 5.1 or newer (this is $BASH_VERSION)" "macOS: brew install bash"
    fi
    if ((OPT_DASHBOARD == 1)); then
      usage_error "--dashboard shows one k6 instance, not a run of $INSTANCE_COUNT" \
        "Use --prometheus URL to see every instance of the run together (each series has an instance label)."
    fi
  fi
  if [[ -n "$OPT_EMIT_K8S" && ( -n "$OPT_INSTANCE" || -n "$OPT_JOIN" ) ]]; then
    usage_error "--emit-k8s writes a whole run for k6-operator; --instance and --join are for runs on several hosts" \
      "Give the number of runner pods with --instances N."
  fi
  if [[ -n "$OPT_JOIN" ]]; then instances_read_join; fi
}

# Reads the join file into JOIN_VALUES; the run's profile and phase are the first host's.
instances_read_join() {
  local out name value rc=0
  out="$(mktemp "${TMPDIR:-/tmp}/dms-join.XXXXXX")"
  node_helper instances join-read "$OPT_JOIN" >"$out" || rc=$?
  if ((rc != 0)); then
    rm -f "$out"
    usage_error "the join file '$OPT_JOIN' cannot be used (see above)" "Copy join.env again from the first host's results folder (it is written when its broker starts)."
  fi
  while IFS= read -r -d '' name && IFS= read -r -d '' value; do JOIN_VALUES["$name"]="$value"; done <"$out"
  rm -f "$out"
  if ((JOIN_VALUES[INSTANCES] != INSTANCE_COUNT)); then
    usage_error "--instance $OPT_INSTANCE, but the run of '$OPT_JOIN' has ${JOIN_VALUES[INSTANCES]} instances" "Use --instance I/${JOIN_VALUES[INSTANCES]}."
  fi
  if [[ "$OPT_PROFILE" != smoke && "$OPT_PROFILE" != "${JOIN_VALUES[PROFILE]}" ]] || [[ "$OPT_PHASE" != full && "$OPT_PHASE" != "${JOIN_VALUES[PHASE]}" ]]; then
    usage_error "--profile/--phase differ from the joined run's (${JOIN_VALUES[PROFILE]}, ${JOIN_VALUES[PHASE]})" "Leave them out: a joining host runs the first host's profile and phase."
  fi
  OPT_PROFILE="${JOIN_VALUES[PROFILE]}"
  OPT_PHASE="${JOIN_VALUES[PHASE]}"
  JOIN_RUN_ID="${JOIN_VALUES[RUN_ID]}"
}

instances_several() {
  ((INSTANCE_COUNT > 1))
}

instances_joining() {
  [[ -n "$OPT_JOIN" ]]
}

# A joining host's target: the first host's DMS (a stand-in there listens on loopback only).
instances_join_target() {
  TARGET="dms"
  TARGET_REASON="--join $OPT_JOIN (the first host's DMS)"
}

# After the configuration is loaded: a joining host takes the first host's settings (the data set, VUs,
# durations, thresholds: what makes the instances one run); the broker settings are checked.
instances_check_config() {
  local name
  if instances_joining; then
    for name in "${!JOIN_VALUES[@]}"; do
      case "$name" in JOIN_FORMAT | RUN_ID | INSTANCES | PROFILE | PHASE | TOKEN_BROKER_URL | TOKEN_BROKER_KEY) continue ;; esac
      if [[ -n "${CFG_SRC[$name]+x}" && "${CFG_SRC[$name]}" != default && "${CFG_SRC[$name]}" != "not set" && "${CFG[$name]}" != "${JOIN_VALUES[$name]}" ]]; then
        log_warn "$name=${CFG[$name]} (${CFG_SRC[$name]}) is replaced by the first host's ${JOIN_VALUES[$name]}: every instance of a run runs the same test"
      fi
      config_set "$name" "${JOIN_VALUES[$name]}" "join file"
    done
    return 0
  fi
  if ((INSTANCE_COUNT > 1)) && ((INSTANCE_INDEX == 1)) && [[ -z "$OPT_EMIT_K8S" ]] && ((OPT_INSTANCES == 1)); then
    if [[ "$TARGET" == sim ]]; then
      usage_error "--instance 1/$INSTANCE_COUNT: the other hosts must reach the DMS, and the bundled stand-in listens on this machine's loopback only" \
        "Start a stand-in the other hosts reach (npm run dms-sim -- --host 0.0.0.0 --port 8080) and point API_BASE_URL and CMS_BASE_URL at it (--target dms), or use a real DMS."
    fi
    instances_check_broker_exposure
  fi
}

_instances_loopback() {
  [[ "$1" =~ ^(127\.[0-9.]+|::1|\[::1\]|localhost)$ ]]
}

# The token must not cross a network in plain text unless the user chose it (BROKER_ALLOW_PLAINTEXT=yes),
# and a broker on the network answers only the hosts listed (BROKER_ALLOWED_HOSTS).
instances_check_broker_exposure() {
  local bind="${CFG[BROKER_BIND_ADDRESS]}" advertised="${CFG[BROKER_ADVERTISED_URL]}" host
  if ! _instances_loopback "$bind"; then
    if [[ -z "${CFG[BROKER_ALLOWED_HOSTS]}" ]]; then
      usage_error "BROKER_BIND_ADDRESS=$bind puts the token broker on the network, but BROKER_ALLOWED_HOSTS does not say who may connect" \
        "List the other hosts' addresses, e.g. BROKER_ALLOWED_HOSTS=10.0.0.12,10.0.0.13 (loopback is always allowed)."
    fi
    if [[ "${CFG[BROKER_ALLOW_PLAINTEXT]}" != yes ]]; then
      usage_error "BROKER_BIND_ADDRESS=$bind: the broker speaks plain HTTP, so the run's token would cross the network unencrypted" \
        "Keep the broker on loopback and reach it through an SSH tunnel or a TLS proxy (BROKER_ADVERTISED_URL; docs/scale-out.md)," \
        "or choose plain HTTP on a network you trust: BROKER_ALLOW_PLAINTEXT=yes."
    fi
  elif [[ -z "$advertised" ]]; then
    usage_error "--instance 1/$INSTANCE_COUNT: the token broker listens on loopback ($bind), which the other hosts cannot reach" \
      "Either give the URL they reach it by through an SSH tunnel or a TLS proxy (BROKER_ADVERTISED_URL, with BROKER_PORT fixed)," \
      "or bind it to this host's address: BROKER_BIND_ADDRESS, BROKER_ALLOWED_HOSTS and BROKER_ALLOW_PLAINTEXT=yes (docs/scale-out.md)."
  fi
  if [[ "$advertised" == http://* ]]; then
    host="${advertised#http://}"
    host="${host%%/*}"
    host="${host%:*}"
    if ! _instances_loopback "$host" && [[ "${CFG[BROKER_ALLOW_PLAINTEXT]}" != yes ]]; then
      usage_error "BROKER_ADVERTISED_URL=$advertised is plain HTTP to another host: the token would cross the network unencrypted" \
        "Use an https:// URL (a TLS proxy in front of the broker), a tunnel's loopback URL, or set BROKER_ALLOW_PLAINTEXT=yes."
    fi
  fi
}

# The URL the other hosts reach the broker by: BROKER_ADVERTISED_URL, else the bound address and port.
instances_advertised_broker_url() {
  local port="${BROKER_URL##*:}"
  if [[ -n "${CFG[BROKER_ADVERTISED_URL]}" ]]; then
    printf '%s' "${CFG[BROKER_ADVERTISED_URL]%/}"
  elif [[ "${CFG[BROKER_BIND_ADDRESS]}" == *:* ]]; then
    printf 'http://[%s]:%s' "${CFG[BROKER_BIND_ADDRESS]}" "$port"
  else
    printf 'http://%s:%s' "${CFG[BROKER_BIND_ADDRESS]}" "$port"
  fi
}

# A joining host uses the first host's broker (no client, no broker of its own): its URL and key from the
# join file, checked before anything else runs. Exits 3 (pre-flight) when it cannot be used.
instances_use_remote_broker() {
  local rc=0 err
  BROKER_URL="${JOIN_VALUES[TOKEN_BROKER_URL]%/}"
  BROKER_KEY="${JOIN_VALUES[TOKEN_BROKER_KEY]}"
  err="$(BROKER_KEY="$BROKER_KEY" node_helper instances broker-check "$BROKER_URL" 2>&1)" || rc=$?
  case "$rc" in
    0) log_pass "token broker" "$BROKER_URL (the first host's; instance $INSTANCE_INDEX of $INSTANCE_COUNT of run $JOIN_RUN_ID)"; return 0 ;;
    1) log_fail "token broker" "the first host's broker is unreachable: $err"
       log_hint "Is the first host's run (--instance 1/$INSTANCE_COUNT) still running? Can this host reach $BROKER_URL (firewall, tunnel)?" ;;
    2) log_fail "token broker" "the first host's broker refuses this host: $err"
       log_hint "Add this host's address to BROKER_ALLOWED_HOSTS on the first host and start the run again." ;;
    *) log_fail "token broker" "the first host's broker refused the key of $OPT_JOIN: $err"
       log_hint "The join file belongs to another run: copy the current join.env from the first host's results folder." ;;
  esac
  exit "$EXIT_PREFLIGHT"
}

# The first host, once its broker runs: join.env for the others (mode 0600: it holds the broker key).
instances_write_join_file() {
  local file="$RUN_DIR/$JOIN_FILE_NAME"
  ((INSTANCE_COUNT > 1 && INSTANCE_INDEX == 1 && OPT_INSTANCES == 1)) || return 0
  config_dump | BROKER_KEY="$BROKER_KEY" node_helper instances join-write "$file" "$RUN_ID" "$INSTANCE_COUNT" "$OPT_PROFILE" "$OPT_PHASE" \
    "$(instances_advertised_broker_url)"
  log_info "other hosts: copy $(display_path "$file") over an encrypted channel (it holds the broker key), then on host i:"
  log_info "  ./run-load-test.sh --instance i/$INSTANCE_COUNT --join $JOIN_FILE_NAME"
  log_info "this host keeps the broker until every instance reported each phase done; merge the results: npm run merge -- <each host's results folder>"
}

# --emit-k8s DIR: the same run for k6-operator (tools/k8s): manifests, run.template.json and apply.sh in DIR;
# nothing runs here. The scenarios are built first; the Secret's file (client credentials, broker key) is 0600.
instances_emit_k8s() {
  local dir pin image rc=0 out
  dir="$(absolute_path "$OPT_EMIT_K8S")"
  if [[ "$TARGET" == sim ]]; then
    usage_error "--emit-k8s runs the test from inside a cluster against a DMS its pods reach; the bundled stand-in is not there" \
      "Set API_BASE_URL to the DMS as the cluster sees it (e.g. http://dms.ed-fi.svc:8080) with CLIENT_ID and CLIENT_SECRET, or --target dms."
  fi
  if ((OPT_INSTANCES < 2)); then
    usage_error "--emit-k8s needs --instances N with N >= 2: k6-operator's parallelism, the number of runner pods per phase"
  fi
  if [[ -z "${CFG[CLIENT_ID]}" || -z "${CFG[CLIENT_SECRET]}" ]]; then
    usage_error "--emit-k8s needs CLIENT_ID and CLIENT_SECRET: the token broker in the cluster gets them from the Secret" \
      "Run the suite once against this DMS to create a client (it is saved in $ENV_FILE_LABEL), or set an existing client's."
  fi
  if ! out="$(cd "$ROOT" && node build.mjs --if-stale 2>&1)"; then
    log_error "the scenarios could not be built: $out"
    exit "$EXIT_PREFLIGHT"
  fi
  pin="$(sed -n 's/^K6_PIN_VERSION="v\(.*\)"$/\1/p' "$ROOT/scripts/install-k6.sh")"
  image="${CFG[K8S_K6_IMAGE]:-grafana/k6:${pin:-latest}}"
  log_step "k6-operator: writing the run into $dir"
  out="$(config_dump | (cd "$ROOT" && node --import tsx tools/k8s/main.ts emit "$dir" --run-id "$(date -u +%Y%m%dT%H%M%SZ)-$OPT_PROFILE-$OPT_PHASE" \
    --profile "$OPT_PROFILE" --phase "$OPT_PHASE" --phases "$(IFS=,; printf '%s' "${PHASES[*]}")" --instances "$OPT_INSTANCES" \
    --k6-image "$image" --node-image "${CFG[K8S_NODE_IMAGE]}" --suite-version "$(suite_version)") 2>&1)" || rc=$?
  if ((rc != 0)); then
    log_error "${out##*$'\n'}"
    exit "$EXIT_USAGE"
  fi
  printf '%s\n' "$out" | log_indent
  log_info "runner pods: $image, $OPT_INSTANCES per phase; token broker: ${CFG[K8S_NODE_IMAGE]}, one replica behind a ClusterIP Service"
  log_info "secret.json holds the client credentials and the broker key (mode 0600): keep it out of version control"
  log_info "next: $(display_path "$dir")/apply.sh [-n NAMESPACE]   (kubectl on the cluster, k6-operator installed; docs/scale-out.md)"
}

# The dry run's plan: the other local instances' k6 commands (the plan's own line shows instance 1).
instances_plan_lines() {
  local phase="$1" i
  ((OPT_INSTANCES > 1)) || return 0
  log_info "     as $OPT_INSTANCES k6 instances on this machine (one token; summary.json merged from <run folder>/$phase/instance-<i>/); the others:"
  for ((i = 2; i <= OPT_INSTANCES; i++)); do
    INSTANCE_INDEX="$i"
    log_info "     $(k6_command_text "$phase" "<free port>" "<run folder>/$phase/instance-$i")"
  done
  INSTANCE_INDEX=1
}

# instances_run_phase PHASE: runs the phase as this host's instance(s); sets PHASE_EXIT like k6_run_phase.
instances_run_phase() {
  local phase="$1"
  if ((OPT_INSTANCES > 1)); then
    _instances_run_local "$phase"
    return 0
  fi
  # One instance of a run spread over hosts: the k6 run of any phase, with its segment (k6_command) and
  # the run's id (k6's RUN_ID: summary.json's segment.runId, the Prometheus testid).
  local RUN_ID="${JOIN_RUN_ID:-$RUN_ID}" rc=0 out seconds
  INSTANCES_ONE=1
  k6_run_phase "$phase"
  INSTANCES_ONE=0
  if ! BROKER_KEY="$BROKER_KEY" node_helper instances report-done "$BROKER_URL" "$phase" "$INSTANCE_INDEX" "$PHASE_EXIT" >/dev/null; then
    log_warn "could not tell the broker that instance $INSTANCE_INDEX finished the $phase phase"
  fi
  # The first host keeps the broker (the run's token) for the others; every host waits before a next phase.
  if ((INSTANCE_INDEX == 1)) || [[ "$phase" != "${PHASES[${#PHASES[@]} - 1]}" ]]; then
    seconds=$(($(_instances_phase_seconds "$phase") + 600))
    log_info "waiting for the other instances to finish the $phase phase (at most $seconds s)"
    out="$(BROKER_KEY="$BROKER_KEY" node_helper instances wait-done "$BROKER_URL" "$phase" "$INSTANCE_COUNT" "$seconds" 2>&1 | while IFS= read -r line; do log_info "  $line" >&2; printf '%s\n' "$line"; done)" || rc=$?
    if [[ "$out" != *"done "* ]]; then
      log_warn "not every instance reported the $phase phase done; the merge of the hosts' results will say which part is missing"
    fi
  fi
}

# A phase's time limit in seconds (k6's duration syntax: 1h30m, 10m, 45s).
_instances_phase_seconds() {
  local value="${CFG[DURATION_LOAD_PHASE]:-10m}" total=0
  if [[ "$1" != load ]]; then value="${CFG[DURATION_READWRITE_PHASE]:-1m}"; fi
  if [[ "$value" =~ ([0-9]+)h ]]; then total=$((total + BASH_REMATCH[1] * 3600)); fi
  if [[ "$value" =~ ([0-9]+)m ]]; then total=$((total + BASH_REMATCH[1] * 60)); fi
  if [[ "$value" =~ ([0-9]+)(\.[0-9]+)?s ]]; then total=$((total + BASH_REMATCH[1])); fi
  printf '%s' "$total"
}

# k6_command's hook: this instance's segment of N equal ones.
instances_k6_args() {
  ((INSTANCE_COUNT > 1)) || return 0
  local i="$INSTANCE_INDEX" n="$INSTANCE_COUNT" seq="0" k
  for ((k = 1; k < n; k++)); do seq+=",$k/$n"; done
  seq+=",1"
  K6_CMD+=(--execution-segment "$(_instances_point $((i - 1)) "$n"):$(_instances_point "$i" "$n")" --execution-segment-sequence "$seq")
  if [[ -n "${OPT_PROMETHEUS:-}" ]]; then K6_CMD+=(--tag "instance=$i"); fi
}

_instances_point() {
  if (($1 == 0)); then printf '0'; elif (($1 == $2)); then printf '1'; else printf '%s/%s' "$1" "$2"; fi
}

# The environment every instance's k6 gets besides the phase's (k6.sh): the number of instances.
instances_export_env() {
  if ((INSTANCE_COUNT > 1)); then export INSTANCES="$INSTANCE_COUNT"; else unset INSTANCES; fi
}

# --instances N: N k6 processes, one supervisor (so the runner's signal handling, k6_stop and the watchdog
# treat them as one k6), then the merge of their summaries into <phase>/summary.json.
_instances_run_local() {
  local phase="$1" phase_dir="$RUN_DIR/$1" i out rc=0 line
  local -a codes=()
  mkdir -p "$phase_dir"
  log_step "phase $phase: $OPT_INSTANCES k6 instances on this machine (execution segments of one run; docs/scale-out.md)"
  for ((i = 1; i <= OPT_INSTANCES; i++)); do
    INSTANCE_INDEX="$i"
    log_info "  instance $i: $(k6_command_text "$phase" "<free port>" "$phase_dir/instance-$i")"
  done
  INSTANCE_INDEX=1
  log_info "k6's output is prefixed with its instance; live progress is not shown for several instances"
  K6_INT_SENT=0
  K6_PHASE="$phase"
  svc_launch - _instances_supervise "$phase" "$phase_dir"
  K6_PID="$SVC_PID"
  k6_wait
  for ((i = 1; i <= OPT_INSTANCES; i++)); do
    codes+=("$(cat "$phase_dir/instance-$i/exit-code" 2>/dev/null || printf 'unknown')")
  done
  log_info "instances' k6 exit codes: ${codes[*]}"
  out="$(cd "$ROOT" && shielded node --import tsx "$ROOT/tools/merge/main.ts" phase "$phase_dir" "${codes[@]}" 2>&1)" || rc=$?
  PHASE_EXIT=""
  while IFS= read -r line; do
    if [[ -z "$PHASE_EXIT" && "$line" =~ ^exit\ ([0-9]+)$ ]]; then PHASE_EXIT="${BASH_REMATCH[1]}"; else log_info "$line"; fi
  done <<<"$out"
  if [[ -z "$PHASE_EXIT" ]]; then
    log_warn "the instances' summaries could not be merged (exit $rc): ${out##*$'\n'}"
    PHASE_EXIT=1
    for line in "${codes[@]}"; do
      if [[ "$line" =~ ^[0-9]+$ ]] && ((line != 0)); then PHASE_EXIT="$line"; break; fi
    done
  fi
  k6_save_problems "$phase" "$phase_dir"
  k6_explain_exit "$phase" "$PHASE_EXIT" "$phase_dir"
}

# The supervisor (its own process group; K6_PID for the runner): starts the instances, passes a signal on to
# each (INT: graceful stop, summaries still written), stops the others when one fails for good (a script
# error or an abort: the run cannot be whole), writes each instance's exit code into instance-<i>/exit-code
# and exits with the first non-zero one.
_instances_supervise() {
  local phase="$1" phase_dir="$2" n="$OPT_INSTANCES" i pid rc stopping=0 first_failure=0 p
  local -a ports=() running=() rest=()
  local -A index_of=()
  trap _instances_pass_on INT TERM
  for ((i = 1; i <= n; i++)); do
    ports[i]="$(node_helper net free-port)"
    mkdir -p "$phase_dir/instance-$i"
  done
  for ((i = 1; i <= n; i++)); do
    set -m
    _instances_exec_one "$phase" "$phase_dir" "$i" "${ports[i]}" </dev/null &
    pid=$!
    set +m
    index_of[$pid]="$i"
    running+=("$pid")
    svc_register "$pid"
    log_info "instance $i/$n: k6 pid $pid, REST API http://127.0.0.1:${ports[i]}/v1/status"
  done
  while ((${#running[@]} > 0)); do
    rc=0
    pid=""
    wait -n -p pid "${running[@]}" || rc=$?
    [[ -n "${pid:-}" ]] || continue # a signal interrupted the wait (and unset pid): the trap passed it on
    rest=()
    for p in "${running[@]}"; do [[ "$p" == "$pid" ]] || rest+=("$p"); done
    running=("${rest[@]}")
    i="${index_of[$pid]}"
    printf '%s\n' "$rc" >"$phase_dir/instance-$i/exit-code"
    if ((rc != 0 && first_failure == 0)); then first_failure="$rc"; fi
    if ((stopping == 0)) && [[ "$rc" =~ ^(104|107|108|255)$ ]] && ((${#running[@]} > 0)); then
      stopping=1
      log_warn "instance $i ended with k6 exit code $rc: stopping the other instances (the run cannot be whole)"
      _instances_pass_on
    fi
  done
  exit "$first_failure"
}

# Passes a signal on to every instance still running (the supervisor's `running`, seen here as bash scopes
# variables dynamically): INT to k6 is a graceful stop, a second one stops it at once. TERM is passed on as
# INT: k6 keeps its summary then.
_instances_pass_on() {
  local pid
  for pid in "${running[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
}

# One instance: k6 with its segment, its results in instance-<i>/, its output prefixed "[k6 i/N] ".
_instances_exec_one() {
  local phase="$1" phase_dir="$2" index="$3" port="$4"
  INSTANCE_INDEX="$index"
  k6_command "$phase" "$port" "$phase_dir/instance-$index" --mkdir
  exec > >(exec awk -v prefix="[k6 $index/$INSTANCE_COUNT] " '{ print prefix $0; fflush() }') 2>&1
  _k6_exec "$phase_dir/instance-$index"
}
