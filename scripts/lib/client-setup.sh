# shellcheck shell=bash
# shellcheck disable=SC2034 # CLIENT_JUST_CREATED is read by run-load-test.sh
# API client setup through the Configuration Service (scripts/lib/node/cms.ts does the HTTP): with no
# CLIENT_ID/CLIENT_SECRET, create a vendor and an application and use their key and secret.
# --target dms: saved into the env file (backup kept, other lines untouched, mode 600) and reused next run;
# with no env file (everything from the shell, the CI case) kept in memory for this run, and said so.
# --target sim: kept in memory only; the user's env file is never touched.
# Failures exit with EXIT_CLIENT_SETUP (4). The secret is never printed.

CLIENT_JUST_CREATED=0
# The data set's local education agency (schools are 777000001 and up) and the vendor's namespace.
CLIENT_EDUCATION_ORGANIZATION_IDS="777000"
CLIENT_NAMESPACE_PREFIXES="uri://ed-fi.org"

client_setup_needed() {
  [[ -z "${CFG[CLIENT_ID]}" ]]
}

_client_setup_exec() {
  export CMS_BASE_URL="${CFG[CMS_BASE_URL]}"
  export CMS_ADMIN_CLIENT_ID="${CFG[CMS_ADMIN_CLIENT_ID]}"
  export CMS_ADMIN_CLIENT_SECRET="${CFG[CMS_ADMIN_CLIENT_SECRET]}"
  export CLAIM_SET_NAME="${CFG[CLAIM_SET_NAME]}"
  export DATA_STORE_ID="${CFG[DATA_STORE_ID]}"
  export CMS_TIMEOUT_SECONDS="${CFG[CMS_TIMEOUT_SECONDS]}"
  export EDUCATION_ORGANIZATION_IDS="$CLIENT_EDUCATION_ORGANIZATION_IDS"
  export NAMESPACE_PREFIXES="$CLIENT_NAMESPACE_PREFIXES"
  export APPLICATION_NAME="DMS Load Test $RUN_ID"
  exec node "$RUNNER_JS/cms.mjs"
}

client_setup() {
  local rc=0 out key secret backup
  log_info "  ....  client setup           creating a vendor and an application at ${CFG[CMS_BASE_URL]} (claim set ${CFG[CLAIM_SET_NAME]})"
  out="$(_client_setup_exec)" || rc=$?
  if ((rc != 0)); then
    case "$rc" in
      1)
        log_fail "client setup" "the Configuration Service is unreachable"
        log_hint "Check CMS_BASE_URL (${CFG_SRC[CMS_BASE_URL]}) and that the Configuration Service is running" \
          "(DMS docker compose: http://localhost:8081)."
        ;;
      2)
        log_fail "client setup" "the Configuration Service refused the admin credentials"
        log_hint "Check CMS_ADMIN_CLIENT_ID (${CFG_SRC[CMS_ADMIN_CLIENT_ID]}) and CMS_ADMIN_CLIENT_SECRET (${CFG_SRC[CMS_ADMIN_CLIENT_SECRET]})." \
          "DMS development defaults: DmsConfigurationService / the DMS_CONFIG_IDENTITY_CLIENT_SECRET of your stack."
        ;;
      4)
        log_fail "client setup" "the Configuration Service failed with an error of its own (HTTP 5xx, see above)"
        log_hint "This is not a refusal: the request was fine, the service broke. Look at the Configuration Service's" \
          "log (DMS docker compose: the dms-config-service container) and its database, then run again."
        ;;
      *)
        log_fail "client setup" "the Configuration Service refused a request (see above)"
        log_hint "See docs/troubleshooting.md (claim set, data store). Or configure an existing client:" \
          "CLIENT_ID and CLIENT_SECRET in $ENV_FILE_LABEL."
        ;;
    esac
    exit "$EXIT_CLIENT_SETUP"
  fi
  key="${out%%$'\n'*}"
  secret="${out#*$'\n'}"
  secret="${secret%%$'\n'*}"
  if [[ -z "$key" || -z "$secret" || "$key" == "$out" ]]; then
    log_fail "client setup" "the Configuration Service did not return a key and a secret"
    exit "$EXIT_CLIENT_SETUP"
  fi
  config_set CLIENT_ID "$key" "created by client setup"
  config_set CLIENT_SECRET "$secret" "created by client setup"
  CLIENT_JUST_CREATED=1
  if [[ "$TARGET" != "dms" ]]; then
    log_pass "client setup" "client $key created on the stand-in (kept in memory; $ENV_FILE_LABEL untouched)"
    return 0
  fi
  if [[ ! -f "$ENV_FILE" ]]; then
    # Everything came from the shell: creating an env file nobody asked for would leave a secret on disk.
    config_set CLIENT_ID "$key" "created by client setup, this run only"
    config_set CLIENT_SECRET "$secret" "created by client setup, this run only"
    log_pass "client setup" "client $key created; kept in memory for this run only (there is no $ENV_FILE_LABEL to save it to)"
    log_info "        the next run creates another client; to reuse one, set CLIENT_ID and CLIENT_SECRET, or create $ENV_FILE_LABEL"
    return 0
  fi
  rc=0
  backup="$(ENVFILE_CLIENT_ID="$key" ENVFILE_CLIENT_SECRET="$secret" \
    node_helper env-update "$ENV_FILE" CLIENT_ID CLIENT_SECRET)" || rc=$?
  if ((rc != 0)); then
    log_warn "client $key was created, but $ENV_FILE_LABEL could not be updated: this run uses it without saving it"
    log_hint "Make $ENV_FILE_LABEL writable so the next run reuses a client instead of creating another."
    return 0
  fi
  config_set CLIENT_ID "$key" "created by client setup, saved to $ENV_FILE_LABEL"
  config_set CLIENT_SECRET "$secret" "created by client setup, saved to $ENV_FILE_LABEL"
  log_pass "client setup" "client $key created; CLIENT_ID and CLIENT_SECRET saved to $ENV_FILE_LABEL (mode 600)"
  if [[ -n "$backup" ]]; then
    log_info "        previous $ENV_FILE_LABEL kept as $(display_path "$backup"); later runs reuse the saved client"
  fi
}
