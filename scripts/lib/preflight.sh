# shellcheck shell=bash
# Pre-flight checks, each one PASS/FAIL line. A failure says what to do and exits with EXIT_PREFLIGHT (3)
# before k6 starts. Order: k6, node/npm, dependencies, bundle, (stand-in), DMS reachable, (client setup),
# credentials (the token broker's start, scripts/lib/broker.sh), data access.

K6=""
K6_VERSION="unknown"
NPM_VERSION="unknown"

# Node must exist before anything else: the configuration is resolved by a Node helper.
preflight_require_node() {
  local major
  if ! command -v node >/dev/null 2>&1; then
    log_error "node is not installed (Node.js 20 or newer is needed)"
    log_hint "Install it: https://nodejs.org/ (or: apt-get install nodejs, brew install node), then run again."
    exit "$EXIT_PREFLIGHT"
  fi
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || printf '0')"
  if ((major < 20)); then
    log_error "node $(node --version) is too old: Node.js 20 or newer is needed"
    log_hint "Upgrade Node.js (https://nodejs.org/), then run again."
    exit "$EXIT_PREFLIGHT"
  fi
}

# The runner's Node helpers are TypeScript (scripts/lib/node/*.ts) that build.mjs --runner bundles into
# dist/runner/ when their sources are newer. Building needs the project's dependencies, so they come first:
# a fresh clone gets `npm ci` here (the same step as the pre-flight's), unless $1 is --no-install (the dry
# run and --help install nothing); returns 1 then.
runner_helpers_ready() {
  local out rc=0
  if ! node "$LIB_DIR/deps.mjs" "$ROOT" >/dev/null 2>&1; then
    if [[ "${1:-}" == --no-install ]]; then return 1; fi
    log_step "dependencies (needed before anything else)"
    preflight_deps
  fi
  out="$(cd "$ROOT" && node build.mjs --runner --if-stale 2>&1)" || rc=$?
  if ((rc != 0)); then
    log_error "the runner's helpers did not build (node build.mjs --runner)"
    printf '%s\n' "$out" | tail -n 20 | log_indent
    log_hint "Fix the error above (npm run typecheck shows type errors), then run again."
    exit "$EXIT_PREFLIGHT"
  fi
}

preflight_k6() {
  local rc=0 out
  out="$("$ROOT/scripts/install-k6.sh" --quiet)" || rc=$?
  if ((rc != 0)) || [[ -z "$out" ]]; then
    log_fail "k6" "no usable k6 (see the install options above)"
    exit "$EXIT_PREFLIGHT"
  fi
  K6="${out##*$'\n'}"
  if [[ "$("$K6" version 2>/dev/null)" =~ k6\ (v[0-9][^[:space:]]*) ]]; then
    K6_VERSION="${BASH_REMATCH[1]}"
  fi
  log_pass "k6" "$K6_VERSION ($K6)"
}

preflight_node() {
  local rc=0
  NPM_VERSION="$(npm --version 2>/dev/null)" || rc=$?
  if ((rc != 0)) || [[ -z "$NPM_VERSION" ]]; then
    NPM_VERSION="unknown"
    log_fail "node/npm" "node $(node --version) found, npm not found"
    log_hint "Install npm (it comes with Node.js: https://nodejs.org/), then run again."
    exit "$EXIT_PREFLIGHT"
  fi
  log_pass "node/npm" "node $(node --version), npm $NPM_VERSION"
}

preflight_deps() {
  local rc=0 why
  why="$(node "$LIB_DIR/deps.mjs" "$ROOT" 2>&1)" || rc=$?
  if ((rc == 0)); then
    log_pass "dependencies" "node_modules matches package-lock.json"
    return 0
  fi
  log_info "  ....  dependencies           ${why%%$'\n'*}: installing with npm ci (package-lock.json)"
  rc=0
  (cd "$ROOT" && npm ci --no-audit --no-fund) || rc=$?
  if ((rc != 0)) || ! node "$LIB_DIR/deps.mjs" "$ROOT" >/dev/null 2>&1; then
    log_fail "dependencies" "npm ci failed (exit $rc)"
    log_hint "Run it yourself to see why: (cd '$ROOT' && npm ci)" \
      "It needs the npm registry (or your npm mirror) and Node.js 20 or newer."
    exit "$EXIT_PREFLIGHT"
  fi
  log_pass "dependencies" "installed with npm ci"
}

# Builds the bundles when sources are newer (build.mjs --if-stale) and checks the phases' bundles exist.
preflight_bundle() {
  local rc=0 out phase missing=""
  out="$(cd "$ROOT" && node build.mjs --if-stale 2>&1)" || rc=$?
  if ((rc != 0)); then
    log_fail "bundle" "the build failed (node build.mjs)"
    printf '%s\n' "$out" | tail -n 20 | log_indent
    log_hint "Fix the error above (npm run typecheck shows type errors), then run again."
    exit "$EXIT_PREFLIGHT"
  fi
  for phase in "${PHASES[@]}"; do
    if [[ ! -f "$ROOT/dist/$phase.js" ]]; then missing+=" dist/$phase.js"; fi
  done
  if [[ -n "$missing" ]]; then
    log_fail "bundle" "missing after the build:$missing"
    log_hint "src/scenarios/ should have a .ts entry point per phase (load.ts, readwrite.ts)."
    exit "$EXIT_PREFLIGHT"
  fi
  log_pass "bundle" "${out##*$'\n'}"
}

# GET API_BASE_URL/ must answer, within a timeout, with an Ed-Fi discovery document; its urls.oauth is the
# token endpoint unless OAUTH_TOKEN_URL is configured, its urls.dataManagementApi the data API (k6's
# DATA_API_URL) unless DATA_API_URL is configured.
preflight_dms() {
  local base="${CFG[API_BASE_URL]}" rc=0 out err_file="$RUN_TMP/discovery.err" oauth data_api description
  out="$(node_helper net discovery "$base" "${CFG[DISCOVERY_TIMEOUT_SECONDS]}" 2>"$err_file")" || rc=$?
  if ((rc != 0)); then
    if ((rc == 1)); then
      # net.mjs says what happened: refused, no answer within the timeout, unknown host ...
      log_fail "DMS reachable" "GET $base/ failed: $(head -n 1 "$err_file")"
    else
      log_fail "DMS reachable" "$base answers, but it is not an Ed-Fi API"
      log_indent <"$err_file"
    fi
    if [[ "$TARGET" == "dms" ]]; then
      log_hint "Is the DMS running? Check API_BASE_URL (${CFG_SRC[API_BASE_URL]}): the DMS base URL, where GET /" \
        "returns the discovery document, e.g. http://localhost:8080 or http://localhost:8080/api." \
        "To try the suite without a DMS: --target sim"
    fi
    exit "$EXIT_PREFLIGHT"
  fi
  oauth="${out%%$'\n'*}"
  out="${out#*$'\n'}"
  data_api="${out%%$'\n'*}"
  description="${out#*$'\n'}"
  if [[ -z "${CFG[OAUTH_TOKEN_URL]}" ]]; then
    if [[ "$oauth" =~ ^https?:// ]]; then
      config_set OAUTH_TOKEN_URL "$oauth" "discovery (urls.oauth)"
    else
      config_set OAUTH_TOKEN_URL "${base%/}/oauth/token" "default (API_BASE_URL/oauth/token)"
    fi
  fi
  if [[ -z "${CFG[DATA_API_URL]}" ]]; then
    if [[ "$data_api" =~ ^https?:// ]]; then
      config_set DATA_API_URL "${data_api%/}" "discovery (urls.dataManagementApi)"
    else
      config_set DATA_API_URL "${base%/}/data" "default (API_BASE_URL/data)"
    fi
  fi
  log_pass "DMS reachable" "$base: $description"
}

# One authenticated data call with the broker's token, before k6 starts: a client that gets tokens but
# cannot use them (token from another issuer, claim set, no or unknown data store) fails here, not in every VU.
preflight_data_access() {
  local rc=0 out err_file="$RUN_TMP/data-access.err" url retried=""
  out="$(BROKER_KEY="$BROKER_KEY" node_helper net data-access "${CFG[DATA_API_URL]}" "$BROKER_URL" \
    "${CFG[DISCOVERY_TIMEOUT_SECONDS]}" 2>"$err_file")" || rc=$?
  url="${out%%$'\n'*}"
  url="${url#GET }"
  if [[ "$out" == *$'\n'"retried after: "* ]]; then retried="${out##*$'\n'retried after: }"; fi
  if ((rc == 0)); then
    log_pass "data access" "GET $url answered with the broker's token (DATA_API_URL: ${CFG_SRC[DATA_API_URL]})"
    if [[ -n "$retried" ]]; then log_info "        (retried after transient answers: $retried)"; fi
    return 0
  fi
  case "$rc" in
    10)
      log_fail "data access" "the token broker gave no token"
      log_indent <"$err_file"
      log_hint "See broker.log in the results folder."
      ;;
    11)
      log_fail "data access" "the data API does not answer"
      log_indent <"$err_file"
      log_hint "Check DATA_API_URL (${CFG_SRC[DATA_API_URL]}): the DMS data API base, e.g. http://localhost:8080/data;" \
        "set it in $ENV_FILE_LABEL when the discovery document names a URL this machine cannot reach."
      ;;
    12)
      log_fail "data access" "the DMS rejects the token it was just issued (HTTP 401)"
      log_indent <"$err_file"
      log_hint "The token came from OAUTH_TOKEN_URL=${CFG[OAUTH_TOKEN_URL]} (${CFG_SRC[OAUTH_TOKEN_URL]}), and the DMS does not accept it." \
        "Check that OAUTH_TOKEN_URL is this DMS's token endpoint (urls.oauth of GET ${CFG[API_BASE_URL]%/}/), that the" \
        "DMS trusts that identity provider (issuer and audience in the DMS settings), and that the clocks of the DMS and" \
        "the identity provider agree. See docs/troubleshooting.md."
      ;;
    13)
      log_fail "data access" "the client's claim set does not allow reading schoolYearTypes (HTTP 403)"
      log_indent <"$err_file"
      log_hint "The load test needs a claim set that may create, read, update and delete the Ed-Fi resources, e.g. EdFiSandbox." \
        "A client created by the runner gets CLAIM_SET_NAME=${CFG[CLAIM_SET_NAME]} (${CFG_SRC[CLAIM_SET_NAME]}). For CLIENT_ID (${CFG_SRC[CLIENT_ID]}):" \
        "give its application such a claim set in the Configuration Service, or remove CLIENT_ID and CLIENT_SECRET" \
        "from $ENV_FILE_LABEL so that the runner creates a client with CLAIM_SET_NAME."
      ;;
    14)
      log_fail "data access" "none of the client's data stores is one this DMS serves (HTTP 404 route-resolution-error)"
      log_indent <"$err_file"
      log_hint "The client's application names data stores (dataStoreIds), but none of them is known to the DMS (deleted, or" \
        "of another Configuration Service). For CLIENT_ID (${CFG_SRC[CLIENT_ID]}): give its application a data store of this DMS" \
        "in the Configuration Service, or remove CLIENT_ID and CLIENT_SECRET from $ENV_FILE_LABEL so that the runner creates" \
        "a new client with DATA_STORE_ID (${CFG[DATA_STORE_ID]:-not set: the first of GET /v3/dataStores}). See docs/troubleshooting.md."
      ;;
    16)
      log_fail "data access" "the client's application has no data store (HTTP 403 authorization-denied)"
      log_indent <"$err_file"
      log_hint "DMS refuses every data call of a client whose application was created without dataStoreIds." \
        "For CLIENT_ID (${CFG_SRC[CLIENT_ID]}): assign its application a data store in the Configuration Service, or remove" \
        "CLIENT_ID and CLIENT_SECRET from $ENV_FILE_LABEL so that the runner creates a new client with DATA_STORE_ID" \
        "(${CFG[DATA_STORE_ID]:-not set: the first of GET /v3/dataStores}). See docs/troubleshooting.md."
      ;;
    17)
      log_fail "data access" "the DMS does not know the client's claim set (HTTP 500 security configuration error)"
      log_indent <"$err_file"
      log_hint "The application's claim set does not exist in this DMS (DMS 8.1 no longer installs the E2E-* claim sets)." \
        "A client created by the runner gets CLAIM_SET_NAME=${CFG[CLAIM_SET_NAME]} (${CFG_SRC[CLAIM_SET_NAME]}); EdFiSandbox exists in every DMS." \
        "For CLIENT_ID (${CFG_SRC[CLIENT_ID]}): give its application an existing claim set, or remove CLIENT_ID and CLIENT_SECRET" \
        "from $ENV_FILE_LABEL so that the runner creates a client with CLAIM_SET_NAME. See docs/troubleshooting.md."
      ;;
    *)
      log_fail "data access" "an authenticated data call failed"
      log_indent <"$err_file"
      log_hint "Check DATA_API_URL (${CFG_SRC[DATA_API_URL]}) and the DMS's log; see docs/troubleshooting.md."
      ;;
  esac
  exit "$EXIT_PREFLIGHT"
}
