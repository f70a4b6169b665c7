# shellcheck shell=bash
# Baselines (tools/baseline): --baseline NAME compares the run with a saved baseline after the phases
# (a regression makes a passing run fail with EXIT_REGRESSION, 5); --save-baseline NAME saves a passing
# run as one. Baselines live in BASELINE_DIR (default: baselines/ in the project folder).
# Fail closed: when the comparison the user asked for cannot be made (baseline missing, unreadable or
# corrupt, another profile, no phase or operation in common) the run is not PASS but EXIT_BASELINE_UNUSABLE
# (6), with the reason; --baseline-optional turns that into a warning.

baseline_dir() {
  local dir="${CFG[BASELINE_DIR]}"
  if [[ -z "$dir" ]]; then
    printf '%s/baselines' "$ROOT"
  else
    absolute_path "$dir"
  fi
}

# Usage check, before anything runs: names the tool accepts.
baseline_validate() {
  local name
  for name in "$OPT_BASELINE" "$OPT_SAVE_BASELINE"; do
    if [[ -n "$name" && ( ! "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ || "$name" == *.json ) ]]; then
      usage_error "baseline name '$name' is not valid" "Use letters, digits, '.', '_' or '-', without .json (e.g. smoke-sim)."
    fi
  done
  if ((OPT_BASELINE_OPTIONAL == 1)) && [[ -z "$OPT_BASELINE" ]]; then
    usage_error "--baseline-optional needs --baseline NAME" "It makes a comparison that cannot be made a warning instead of exit 6."
  fi
}

# BASELINE_SKIP=1 when --baseline-optional let a run go on without a usable baseline.
BASELINE_SKIP=0

# baseline_unusable REASON: a FAIL line and exit 6, or with --baseline-optional a warning (returns 1).
baseline_unusable() {
  if ((OPT_BASELINE_OPTIONAL == 1)); then
    log_warn "baseline '$OPT_BASELINE' cannot be used: $1; --baseline-optional: the run's verdict does not include a comparison"
    return 1
  fi
  log_fail "baseline" "the comparison with '$OPT_BASELINE' cannot be made: $1 (--baseline-optional makes this a warning)"
  return 0
}

# The tool's reason, from its stderr: the line after "baseline: " (the last one when there are several).
_baseline_reason() {
  local reason
  reason="$(sed -n 's/^baseline: //p' "$1" | tail -n 1)"
  printf '%s' "${reason:-the baseline tool failed (exit $2)}"
}

# Before anything runs: can the baseline be read, and does it fit this profile and these phases? A long run
# should not start only to find at its end that its gate cannot work.
baseline_check() {
  local rc=0 errors
  [[ -n "$OPT_BASELINE" ]] || return 0
  errors="$(mktemp "${RUN_TMP:-${TMPDIR:-/tmp}}/baseline-check.XXXXXX")"
  (_baseline_exec check "$OPT_BASELINE" --profile "$OPT_PROFILE" --phases "$(IFS=,; printf '%s' "${PHASES[*]}")") \
    >/dev/null 2>"$errors" || rc=$?
  if ((rc != 0)); then
    BASELINE_REASON="$(_baseline_reason "$errors" "$rc")"
    if baseline_unusable "$BASELINE_REASON"; then
      # shellcheck disable=SC2034 # RUN_REASON goes into run.json (results.sh)
      RUN_REASON="baseline $OPT_BASELINE could not be compared: $BASELINE_REASON"
      exit "$EXIT_BASELINE_UNUSABLE"
    fi
    BASELINE_SKIP=1
  fi
}

_baseline_exec() {
  local name
  for name in "${CFG_KEYS[@]}"; do
    if [[ "$name" == BASELINE_* && -n "${CFG[$name]}" ]]; then export "$name=${CFG[$name]}"; fi
  done
  export BASELINE_DIR
  BASELINE_DIR="$(baseline_dir)"
  cd "$ROOT" || exit "$EXIT_INTERNAL"
  exec node --import tsx "$ROOT/tools/baseline/main.ts" "$@"
}

# baseline_compare: prints the comparison; returns 1 on a regression, 2 when it could not be made (the
# reason in BASELINE_REASON), 0 otherwise (also when --baseline-optional excused a comparison that failed).
baseline_compare() {
  local rc=0 errors
  BASELINE_REASON=""
  if ((BASELINE_SKIP == 1)); then return 0; fi
  log_step "comparison with baseline $OPT_BASELINE"
  errors="$RUN_TMP/baseline-compare.stderr"
  # stderr is shown as it comes (the fingerprint banner) and kept for the reason of a failure
  (_baseline_exec compare "$RUN_DIR" "$OPT_BASELINE") 2> >(tee "$errors" >&2) || rc=$?
  wait "$!" 2>/dev/null || true
  case "$rc" in
    0) log_pass "baseline" "no regression against '$OPT_BASELINE'" ;;
    1)
      log_fail "baseline" "regression against '$OPT_BASELINE' (see above; baseline-comparison.json)"
      return 1
      ;;
    *)
      BASELINE_REASON="$(_baseline_reason "$errors" "$rc")"
      if baseline_unusable "$BASELINE_REASON"; then return 2; fi
      ;;
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
