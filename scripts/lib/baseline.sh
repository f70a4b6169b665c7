# shellcheck shell=bash
# Baselines (tools/baseline): --baseline NAME compares the run with a saved baseline after the phases
# (a regression makes a passing run fail with EXIT_REGRESSION, 5); --save-baseline NAME saves a passing
# run as one. Baselines live in ${BASELINE_DIR:-baselines} in the project folder.

baseline_dir() {
  local dir="${BASELINE_DIR:-}"
  if [[ -z "$dir" ]]; then
    printf '%s/baselines' "$ROOT"
  else
    absolute_path "$dir"
  fi
}

# Usage check, before anything runs: a name the tool accepts, and for --baseline a baseline that exists.
baseline_validate() {
  local name available="" file
  for name in "$OPT_BASELINE" "$OPT_SAVE_BASELINE"; do
    if [[ -n "$name" && ( ! "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ || "$name" == *.json ) ]]; then
      usage_error "baseline name '$name' is not valid" "Use letters, digits, '.', '_' or '-', without .json (e.g. smoke-sim)."
    fi
  done
  if [[ -n "$OPT_BASELINE" && ! -f "$(baseline_dir)/$OPT_BASELINE.json" ]]; then
    for file in "$(baseline_dir)"/*.json; do
      if [[ -f "$file" ]]; then
        file="${file##*/}"
        available+="${available:+ }${file%.json}"
      fi
    done
    usage_error "no baseline '$OPT_BASELINE' in $(baseline_dir)" \
      "Saved baselines: ${available:-none}. Save one from a good run with --save-baseline $OPT_BASELINE."
  fi
}

_baseline_exec() {
  export BASELINE_DIR
  BASELINE_DIR="$(baseline_dir)"
  cd "$ROOT" || exit "$EXIT_INTERNAL"
  exec node --import tsx "$ROOT/tools/baseline/main.ts" "$@"
}

# baseline_compare RUN_EXIT: prints the comparison; returns 1 on a regression.
baseline_compare() {
  local rc=0
  log_step "comparison with baseline $OPT_BASELINE"
  (_baseline_exec compare "$RUN_DIR" "$OPT_BASELINE") || rc=$?
  case "$rc" in
    0) log_pass "baseline" "no regression against '$OPT_BASELINE'" ;;
    1)
      log_fail "baseline" "regression against '$OPT_BASELINE' (see above; baseline-comparison.json)"
      return 1
      ;;
    *) log_warn "the comparison with baseline '$OPT_BASELINE' could not be made (exit $rc); the run's verdict stays k6's" ;;
  esac
  return 0
}

baseline_save() {
  local rc=0
  (_baseline_exec save "$RUN_DIR" "$OPT_SAVE_BASELINE") || rc=$?
  if ((rc == 0)); then
    log_pass "baseline saved" "'$OPT_SAVE_BASELINE' in $(baseline_dir)"
  else
    log_warn "could not save baseline '$OPT_SAVE_BASELINE' (exit $rc)"
  fi
}
