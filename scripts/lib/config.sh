# shellcheck shell=bash
# shellcheck disable=SC2034 # TARGET_REASON is read by run-load-test.sh
# Configuration: one precedence, shell > .env.profiles/<profile>.env > env file > built-in default,
# resolved and validated by scripts/lib/node/config.ts. Values live in CFG, their sources in CFG_SRC,
# the order in CFG_KEYS. Invalid values exit with EXIT_USAGE before anything starts.

declare -A CFG=()
declare -A CFG_SRC=()
CFG_KEYS=()
CFG_SECRET_NAMES=() # the settings that hold secrets: decided by scripts/lib/node/results.ts, the one rule
ENV_FILE=""       # absolute path of the env file
ENV_FILE_LABEL="" # as shown to the user
PROFILE_FILE=""
TARGET=""
TARGET_REASON=""

config_set() {
  local name="$1" value="$2" source="$3"
  if [[ -z "${CFG_SRC[$name]+x}" ]]; then
    CFG_KEYS+=("$name")
  fi
  CFG["$name"]="$value"
  CFG_SRC["$name"]="$source"
}

config_get() {
  printf '%s' "${CFG[$1]-}"
}

# Resolves the configuration of OPT_PROFILE with OPT_ENV_FILE.
config_load() {
  local out="$RUN_TMP/config" rc=0 name source value secret_names
  PROFILE_FILE="$ROOT/.env.profiles/$OPT_PROFILE.env"
  if [[ "$OPT_ENV_FILE_GIVEN" == 1 ]]; then
    ENV_FILE="$(absolute_path "$OPT_ENV_FILE")"
    ENV_FILE_LABEL="$OPT_ENV_FILE"
  else
    ENV_FILE="$ROOT/.env.load-test"
    ENV_FILE_LABEL=".env.load-test"
  fi
  node_helper config resolve \
    --profile-file="$PROFILE_FILE" --profile-label=".env.profiles/$OPT_PROFILE.env" \
    --dotenv="$ENV_FILE" --dotenv-label="$ENV_FILE_LABEL" >"$out" || rc=$?
  if ((rc != 0)); then
    rm -f "$out"
    exit "$EXIT_USAGE"
  fi
  while IFS= read -r -d '' name && IFS= read -r -d '' source && IFS= read -r -d '' value; do
    config_set "$name" "$value" "$source"
  done <"$out"
  rm -f "$out"
  if [[ -n "$OPT_SIM_PORT" ]]; then
    config_set SIM_PORT "$((10#$OPT_SIM_PORT))" "--sim-port"
  fi
  if [[ -z "${CFG[RESULTS_ROOT]}" ]]; then
    config_set RESULTS_ROOT "$ROOT/results" "default"
  else
    CFG[RESULTS_ROOT]="$(absolute_path "${CFG[RESULTS_ROOT]}")"
  fi
  secret_names="$(node_helper results secret-names "${CFG_KEYS[@]}")"
  CFG_SECRET_NAMES=()
  if [[ -n "$secret_names" ]]; then mapfile -t CFG_SECRET_NAMES <<<"$secret_names"; fi
}

absolute_path() {
  local path="$1"
  if [[ "$path" == /* ]]; then
    printf '%s' "$path"
  else
    printf '%s/%s' "$PWD" "${path#./}"
  fi
}

# Picks the target (announced in the banner, recorded in run.json) and checks what it needs.
config_resolve_target() {
  local name
  if instances_joining; then instances_join_target; return 0; fi
  if [[ -n "$OPT_TARGET" ]]; then
    TARGET="$OPT_TARGET"
    TARGET_REASON="--target $OPT_TARGET"
  elif [[ -n "${CFG[API_BASE_URL]}" ]]; then
    TARGET="dms"
    TARGET_REASON="API_BASE_URL is set (${CFG_SRC[API_BASE_URL]})"
  else
    TARGET="sim"
    TARGET_REASON="API_BASE_URL is not set"
  fi
  if [[ "$TARGET" == "sim" ]]; then
    # The stand-in is its own DMS and CMS; a real DMS's URLs and credentials mean nothing to it.
    for name in API_BASE_URL OAUTH_TOKEN_URL DATA_API_URL CMS_BASE_URL CLIENT_ID CLIENT_SECRET CMS_ADMIN_CLIENT_ID CMS_ADMIN_CLIENT_SECRET; do
      if [[ -n "${CFG[$name]}" ]]; then
        log_warn "$name (${CFG_SRC[$name]}) is not used with --target sim: the stand-in provides it"
      fi
    done
    config_set API_BASE_URL "" "stand-in (set at start)"
    config_set OAUTH_TOKEN_URL "" "stand-in (discovery)"
    config_set DATA_API_URL "" "stand-in (discovery)"
    config_set CMS_BASE_URL "" "stand-in (set at start)"
    config_set CLIENT_ID "" "stand-in (client setup)"
    config_set CLIENT_SECRET "" "stand-in (client setup)"
    # The stand-in's admin client: its SIM_ADMIN_CLIENT_* settings (the table's defaults unless set).
    for name in ID SECRET; do
      if [[ "${CFG_SRC[SIM_ADMIN_CLIENT_$name]}" == default ]]; then
        config_set "CMS_ADMIN_CLIENT_$name" "${CFG[SIM_ADMIN_CLIENT_$name]}" "stand-in"
      else
        config_set "CMS_ADMIN_CLIENT_$name" "${CFG[SIM_ADMIN_CLIENT_$name]}" "SIM_ADMIN_CLIENT_$name"
      fi
    done
    return 0
  fi
  config_check_dms
}

# True when every named setting comes from the shell (the CI case: no env file needed).
config_from_shell() {
  local name
  for name in "$@"; do
    [[ "${CFG_SRC[$name]}" == shell ]] || return 1
  done
}

config_check_dms() {
  if [[ ! -f "$ENV_FILE" ]] && ! config_from_shell API_BASE_URL CLIENT_ID CLIENT_SECRET &&
    ! config_from_shell API_BASE_URL CMS_BASE_URL CMS_ADMIN_CLIENT_ID CMS_ADMIN_CLIENT_SECRET; then
    usage_error "--target dms needs the env file $ENV_FILE_LABEL, and it does not exist" \
      "Create it and set API_BASE_URL (and CMS_* for client setup, or CLIENT_ID/CLIENT_SECRET):" \
      "  cp .env.load-test.example .env.load-test && \$EDITOR .env.load-test" \
      "Or export API_BASE_URL with CLIENT_ID and CLIENT_SECRET, or with CMS_BASE_URL, CMS_ADMIN_CLIENT_ID and" \
      "CMS_ADMIN_CLIENT_SECRET (a client is then created for this run only), or use the stand-in: --target sim"
  fi
  if [[ -z "${CFG[API_BASE_URL]}" ]]; then
    usage_error "--target dms needs API_BASE_URL (the DMS base URL, e.g. http://localhost:8080)" \
      "Set it in $ENV_FILE_LABEL or the shell, or use --target sim for the bundled stand-in."
  fi
  if [[ -n "${CFG[CLIENT_ID]}" && -z "${CFG[CLIENT_SECRET]}" ]]; then
    usage_error "CLIENT_ID is set (${CFG_SRC[CLIENT_ID]}) but CLIENT_SECRET is not" \
      "Set both, or neither (then the runner creates a client through the Configuration Service)."
  fi
  if [[ -z "${CFG[CLIENT_ID]}" && -n "${CFG[CLIENT_SECRET]}" ]]; then
    usage_error "CLIENT_SECRET is set (${CFG_SRC[CLIENT_SECRET]}) but CLIENT_ID is not" \
      "Set both, or neither (then the runner creates a client through the Configuration Service)."
  fi
  if [[ -z "${CFG[CLIENT_ID]}" ]] && { [[ -z "${CFG[CMS_BASE_URL]}" || -z "${CFG[CMS_ADMIN_CLIENT_ID]}" || -z "${CFG[CMS_ADMIN_CLIENT_SECRET]}" ]]; }; then
    usage_error "no API client: CLIENT_ID/CLIENT_SECRET are not set, and client setup needs CMS_BASE_URL, CMS_ADMIN_CLIENT_ID and CMS_ADMIN_CLIENT_SECRET" \
      "Either put an existing client's key and secret in $ENV_FILE_LABEL as CLIENT_ID and CLIENT_SECRET," \
      "or the Configuration Service URL and admin credentials, and the runner creates a client and saves it there."
  fi
}

# NAME\0SOURCE\0VALUE\0 for every setting, for scripts/lib/node/results.ts (which masks secrets).
config_dump() {
  local name
  for name in "${CFG_KEYS[@]}"; do
    printf '%s\0%s\0%s\0' "$name" "${CFG_SRC[$name]}" "${CFG[$name]}"
  done
}

config_print() {
  config_dump | node_helper results config-table
}

# Exports every setting with a value, except the ones named in the arguments.
config_export() {
  local name skip
  for name in "${CFG_KEYS[@]}"; do
    for skip in "$@"; do
      if [[ "$name" == "$skip" ]]; then continue 2; fi
    done
    if [[ -n "${CFG[$name]}" ]]; then
      export "${name}=${CFG[$name]}"
    else
      unset "$name"
    fi
  done
}

# For a child that needs no secret (k6, the progress poller): exports every setting except the secret ones,
# which are unset. With --keep-k6, K6_* secrets (k6's own options, e.g. an output's password) stay: k6
# reads them itself.
config_export_public() {
  local name keep_k6=0
  local -a drop=()
  if [[ "${1:-}" == --keep-k6 ]]; then keep_k6=1; fi
  for name in "${CFG_SECRET_NAMES[@]}"; do
    if ((keep_k6 == 1)) && [[ "$name" == K6_* ]]; then continue; fi
    drop+=("$name")
  done
  config_export "${drop[@]}"
  if ((${#drop[@]} > 0)); then unset "${drop[@]}"; fi
}
