#!/usr/bin/env bats
# Configuration: precedence shell > profile > env file > default with printed sources, validation of
# numbers, durations and URLs (exit 2 before anything starts), target choice, masking, dotenv parsing.

load helpers

setup() {
  setup_project
  printf '# layered: test profile\nVUS_LOAD_PHASE=3\nSTUDENT_COUNT=9\nSTAFF_COUNT=4\n' >"$PROJECT/.env.profiles/layered.env"
}

teardown() {
  teardown_project
}

@test "precedence: shell > profile > env file > default, each value with its source" {
  write_env_file "VUS_LOAD_PHASE=7" "STUDENT_COUNT=8" "THRESHOLD_ERROR_RATE=0.05" "DURATION_READWRITE_PHASE=45s"
  VUS_LOAD_PHASE=11 run "$RUNNER" --profile layered --dry-run
  assert_status 0
  assert_config_line VUS_LOAD_PHASE 11 shell
  assert_config_line STUDENT_COUNT 9 .env.profiles/layered.env
  assert_config_line STAFF_COUNT 4 .env.profiles/layered.env
  assert_config_line THRESHOLD_ERROR_RATE 0.05 .env.load-test
  assert_config_line DURATION_READWRITE_PHASE 45s .env.load-test
  assert_config_line SCHOOL_YEAR 2026 default
  assert_config_line SCHOOL_COUNT 2 default
}

@test "--env-file replaces .env.load-test and is named as the source" {
  write_env_file "VUS_READWRITE_PHASE=5"
  printf 'VUS_READWRITE_PHASE=6\n' >"$BATS_TEST_TMPDIR/other.env"
  run "$RUNNER" --profile layered --env-file "$BATS_TEST_TMPDIR/other.env" --dry-run
  assert_status 0
  assert_config_line VUS_READWRITE_PHASE 6 "$BATS_TEST_TMPDIR/other.env"
}

@test "an empty value counts as not set: the next source applies" {
  write_env_file "VUS_LOAD_PHASE=" "STAFF_COUNT=" "SCHOOL_COUNT=5"
  VUS_LOAD_PHASE='' SCHOOL_COUNT='' run "$RUNNER" --profile layered --dry-run
  assert_status 0
  assert_config_line VUS_LOAD_PHASE 3 .env.profiles/layered.env
  assert_config_line SCHOOL_COUNT 5 .env.load-test
}

@test "non-numeric VUS from the shell: exit 2, names the variable, its source and the fix" {
  VUS_LOAD_PHASE=lots run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has "VUS_LOAD_PHASE='lots' must be a whole number >= 1"
  assert_output_has "set in: your shell environment"
  assert_output_has "export VUS_LOAD_PHASE="
  assert_output_lacks "plan (dry run"
}

@test "negative and zero VUS, negative counts: exit 2" {
  VUS_READWRITE_PHASE=-5 run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has "VUS_READWRITE_PHASE='-5' must be a whole number >= 1"
  VUS_LOAD_PHASE=0 run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has "VUS_LOAD_PHASE='0' must be a whole number >= 1"
  printf '# bare: sets nothing\n' >"$PROJECT/.env.profiles/bare.env"
  write_env_file "STAFF_COUNT=-1" "STUDENT_COUNT=2.5"
  run "$RUNNER" --profile bare --dry-run
  assert_status 2
  assert_output_has "STAFF_COUNT='-1' must be a whole number from 0 to 9999999"
  assert_output_has "STUDENT_COUNT='2.5' must be a whole number from 1 to 9999999"
  assert_output_has "set in: .env.load-test, line 1"
  assert_output_has "set in: .env.load-test, line 2"
}

@test "a bad count in a profile points at the profile file and line" {
  printf '# broken\nSCHOOL_COUNT=2\nSTUDENT_COUNT=many\n' >"$PROJECT/.env.profiles/broken.env"
  run "$RUNNER" --profile broken --dry-run
  assert_status 2
  assert_output_has "STUDENT_COUNT='many'"
  assert_output_has "set in: .env.profiles/broken.env, line 3"
}

@test "a value k6 would refuse is refused before anything starts, naming its place: shell, profile and line, env file and line" {
  # Before the settings table, SCHOOL_YEAR=2100 and STUDENT_COUNT=10000000 passed the runner and then
  # killed k6's init (the data profile's own range); a zero duration reached k6 too.
  printf '# big\nSCHOOL_COUNT=2\nSTUDENT_COUNT=10000000\n' >"$PROJECT/.env.profiles/big.env"
  write_env_file "# durations" "DURATION_READWRITE_PHASE=0s"
  SCHOOL_YEAR=2100 run "$RUNNER" --profile big --dry-run
  assert_status 2
  assert_output_has "SCHOOL_YEAR='2100' must be a whole number from 1991 to 2099"
  assert_output_has "set in: your shell environment"
  assert_output_has "STUDENT_COUNT='10000000' must be a whole number from 1 to 9999999"
  assert_output_has "set in: .env.profiles/big.env, line 3"
  assert_output_has "DURATION_READWRITE_PHASE='0s' must be a duration such as 30s, 5m or 1h30m, above 0"
  assert_output_has "set in: .env.load-test, line 2"
  assert_output_lacks "plan (dry run"
  [ ! -e "$RESULTS_ROOT" ]
}

@test "settings of the baseline, the pre-flight and the stand-in are read from the env file too" {
  # BASELINE_P95_TOLERANCE and DISCOVERY_TIMEOUT_SECONDS were "unknown setting ... ignored" in the env file.
  write_env_file "BASELINE_P95_TOLERANCE=0.25" "DISCOVERY_TIMEOUT_SECONDS=3" "SIM_BREAKER=on" "API_BASE_URL=http://dms.example" \
    "CLIENT_ID=k" "CLIENT_SECRET=s"
  run "$RUNNER" --dry-run
  assert_status 0
  assert_output_lacks "unknown setting"
  assert_config_line BASELINE_P95_TOLERANCE 0.25 .env.load-test
  assert_config_line DISCOVERY_TIMEOUT_SECONDS 3 .env.load-test
  # options at their defaults are counted, not listed, in the console (config.env lists them)
  assert_output_lacks "BASELINE_ALPHA"
  assert_output_has "more not set, or stand-in, k6 and baseline options at their defaults"
  assert_output_has "GET http://dms.example/ within 3 s"
  write_env_file "BASELINE_ALPHA=0.5"
  run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has "BASELINE_ALPHA='0.5' must be a number above 0 and below 0.5"
}

@test "a misspelt setting gets a did-you-mean; SIM_* and K6_* names of their own are passed on quietly" {
  write_env_file "API_BASE_ULR=http://dms.example" "SIM_ERORR_RATE=0.2" "SIM_SOMETHING_ELSE=1" "K6_INFLUXDB_ORGANIZATION=o" "K6_BIN=/usr/bin/k6" "RUN_ID=x"
  run "$RUNNER" --dry-run
  assert_status 0
  assert_output_has ".env.load-test line 1: unknown setting API_BASE_ULR is ignored (did you mean API_BASE_URL?)"
  assert_output_has ".env.load-test line 2: SIM_ERORR_RATE is not a setting of the suite, passed on as it is (did you mean SIM_ERROR_RATE?)"
  assert_output_lacks "SIM_SOMETHING_ELSE is"
  assert_output_lacks "K6_INFLUXDB_ORGANIZATION is"
  assert_output_has ".env.load-test line 5: K6_BIN is read from the shell only"
  assert_output_has ".env.load-test line 6: RUN_ID is set by the runner for k6"
  assert_config_line SIM_SOMETHING_ELSE 1 .env.load-test
}

@test "malformed durations: exit 2" {
  for bad in 5x 10 1m30 "5 m" 0s; do
    DURATION_LOAD_PHASE="$bad" run "$RUNNER" --dry-run
    assert_status 2
    assert_output_has "DURATION_LOAD_PHASE='$bad' must be a duration such as 30s, 5m or 1h30m"
  done
  DURATION_LOAD_PHASE=1h30m DURATION_READWRITE_PHASE=90s run "$RUNNER" --dry-run
  assert_status 0
}

@test "URLs must start with http:// or https://" {
  write_env_file "API_BASE_URL=localhost:8080"
  run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has "API_BASE_URL='localhost:8080' must be a URL starting with http:// or https://"
}

@test "bad READWRITE_MIX and threshold rates: exit 2" {
  READWRITE_MIX='read=50,write=50' run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has "READWRITE_MIX='read=50,write=50' must be op=weight pairs"
  THRESHOLD_ERROR_RATE=5 run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has "THRESHOLD_ERROR_RATE='5' must be a number from 0 to 1"
}

@test "SIM_DMS_VERSION takes 8.0 or 8.1 (default 8.1); another value: exit 2 naming the choices" {
  run "$RUNNER" --dry-run
  assert_status 0
  assert_output_lacks "SIM_DMS_VERSION" # at its default: counted, not listed
  SIM_DMS_VERSION=8.0 run "$RUNNER" --dry-run
  assert_status 0
  assert_config_line SIM_DMS_VERSION 8.0 shell
  SIM_DMS_VERSION=9 run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has "SIM_DMS_VERSION='9' must be one of 8.0, 8.1"
}

@test "unknown names in the env file are warned about, not passed on" {
  write_env_file "VUS_LOAD_PAHSE=4"
  run "$RUNNER" --dry-run
  assert_status 0
  assert_output_has "unknown setting VUS_LOAD_PAHSE is ignored"
}

@test "target: sim without API_BASE_URL, dms with it, --target overrides" {
  run "$RUNNER" --dry-run
  assert_output_has "target    sim: the bundled DMS stand-in, NOT a real DMS (API_BASE_URL is not set)"
  write_env_file "API_BASE_URL=http://dms.example:8080" "CLIENT_ID=key" "CLIENT_SECRET=secret-123"
  run "$RUNNER" --dry-run
  assert_output_has "target    dms: http://dms.example:8080 (API_BASE_URL is set (.env.load-test))"
  run "$RUNNER" --target sim --dry-run
  assert_status 0
  assert_output_has "target    sim"
  assert_output_has "API_BASE_URL (.env.load-test) is not used with --target sim"
  API_BASE_URL=http://other.example run "$RUNNER" --dry-run
  assert_output_has "target    dms: http://other.example (API_BASE_URL is set (shell))"
}

@test "--target dms without the env file: exit 2 with the cp command" {
  run "$RUNNER" --target dms
  assert_status 2
  assert_output_has "--target dms needs the env file .env.load-test, and it does not exist"
  assert_output_has "cp .env.load-test.example .env.load-test"
  [ ! -e "$RESULTS_ROOT" ]
}

@test "--target dms with everything in the shell needs no env file" {
  API_BASE_URL=http://dms.example CLIENT_ID=k CLIENT_SECRET=s run "$RUNNER" --target dms --dry-run
  assert_status 0
  assert_output_has "target    dms: http://dms.example"
}

@test "--target dms with the DMS and CMS admin settings in the shell needs no env file; the client is not saved" {
  API_BASE_URL=http://dms.example CMS_BASE_URL=http://cms.example CMS_ADMIN_CLIENT_ID=admin \
    CMS_ADMIN_CLIENT_SECRET=admin-Secret-1 run "$RUNNER" --target dms --dry-run
  assert_status 0
  assert_output_has "target    dms: http://dms.example"
  assert_output_has "client setup at http://cms.example"
  assert_output_has "kept in memory for this run only (no .env.load-test)"
  assert_output_lacks "admin-Secret-1"
  # one of them from elsewhere (here: missing) still needs the env file
  API_BASE_URL=http://dms.example CMS_BASE_URL=http://cms.example CMS_ADMIN_CLIENT_ID=admin run "$RUNNER" --target dms --dry-run
  assert_status 2
  assert_output_has "--target dms needs the env file .env.load-test, and it does not exist"
  [ ! -e "$PROJECT/.env.load-test" ]
}

@test "--target dms without a client or CMS admin credentials: exit 2, says what to set" {
  write_env_file "API_BASE_URL=http://dms.example:8080"
  run "$RUNNER" --target dms
  assert_status 2
  assert_output_has "no API client"
  assert_output_has "CMS_BASE_URL, CMS_ADMIN_CLIENT_ID and CMS_ADMIN_CLIENT_SECRET"
  write_env_file "API_BASE_URL=http://dms.example:8080" "CLIENT_ID=abc"
  run "$RUNNER" --target dms
  assert_status 2
  assert_output_has "CLIENT_ID is set (.env.load-test) but CLIENT_SECRET is not"
}

@test "secrets are masked in the printed configuration" {
  write_env_file "API_BASE_URL=http://dms.example:8080" "CLIENT_ID=the-key" "CLIENT_SECRET='s3cr3t-Value#1'" \
    "CMS_ADMIN_CLIENT_SECRET=adm1n-Secret" "SIM_EXTRA_TOKEN=tok-Value-9"
  run "$RUNNER" --target dms --dry-run
  assert_status 0
  assert_config_line CLIENT_ID the-key .env.load-test
  assert_config_line CLIENT_SECRET '********' .env.load-test
  assert_config_line CMS_ADMIN_CLIENT_SECRET '********' .env.load-test
  assert_config_line SIM_EXTRA_TOKEN '********' .env.load-test
  assert_config_line TOKEN_REFRESH_MARGIN_SECONDS 60 default
  assert_output_lacks "s3cr3t-Value"
  assert_output_lacks "adm1n-Secret"
  assert_output_lacks "tok-Value-9"
}

@test "the env-file parser reads files the way dotenv-cli does" {
  local file="$BATS_TEST_TMPDIR/tricky.env"
  local names=(PLAIN SPACED COMMENTED HASHED SINGLE DOUBLE EXPORTED EMPTY DUP DOLLAR MULTI LOOKALIKE UNCLOSED AFTER)
  cat >"$file" <<'ENV'
# a comment
PLAIN=value
SPACED =  padded value
COMMENTED=abc # trailing comment
HASHED=ab#cd
SINGLE='it#s literal $HOME\n'
DOUBLE="line\nbreak"
export EXPORTED=yes
EMPTY=
DUP=first
DUP=second
DOLLAR='Ab$1!@#^*()-_[]{}:;,.?'
MULTI="one
LOOKALIKE=inside a value
two"
UNCLOSED="never closed
AFTER=read as its own line
ENV
  run node "$REPO/node_modules/.bin/dotenv" -e "$file" --no-expand -- node -e '
    const out = {}; for (const n of process.argv.slice(1)) out[n] = process.env[n] ?? null; console.log(JSON.stringify(out))' "${names[@]}"
  assert_status 0
  local expected="$output"
  run node --input-type=module -e '
    const { readEnvFile } = await import(process.argv[1]);
    const { values } = readEnvFile(process.argv[2]);
    const out = {}; for (const n of process.argv.slice(3)) out[n] = values.get(n)?.value ?? null;
    console.log(JSON.stringify(out))' "$REPO/dist/runner/envfile.mjs" "$file" "${names[@]}"
  assert_status 0
  [ "$output" = "$expected" ] || { echo "dotenv-cli: $expected"; echo "ours:       $output"; false; }
}

@test "a malformed env file line is named without its value (it may be a secret)" {
  write_env_file "CMS_ADMIN_CLIENT_SECRET: Sup3rSecret!Value" "  not a setting at all: Other5ecret"
  run "$RUNNER" --dry-run
  assert_status 0
  assert_output_has ".env.load-test: line 1 is not NAME=value and is ignored (it seems to set CMS_ADMIN_CLIENT_SECRET; write CMS_ADMIN_CLIENT_SECRET=value"
  assert_output_has ".env.load-test: line 2 is not NAME=value and is ignored (its text is not shown: it may hold a secret)"
  assert_output_lacks "Sup3rSecret"
  assert_output_lacks "Other5ecret"
}

@test "an env file in Latin-1 or UTF-16 is refused with the line and the fix, never read half-right" {
  printf 'CLIENT_ID=key\nCLIENT_SECRET=caf\xe9-Secr3t\n' >"$PROJECT/.env.load-test"
  run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has ".env.load-test line 2 is not valid UTF-8 (byte 0xE9): the file looks Latin-1 / Windows-1252; save it as UTF-8"
  assert_output_lacks "Secr3t"
  printf 'CLIENT_ID=key\nCLIENT_SECRET=Secr3t\n' | iconv -f UTF-8 -t UTF-16 >"$PROJECT/.env.load-test"
  run "$RUNNER" --dry-run
  assert_status 2
  assert_output_has ".env.load-test is saved as UTF-16 (or holds NUL bytes); save it as UTF-8"
  assert_output_lacks "Secr3t"
  # a UTF-8 file with a byte-order mark and non-ASCII text is fine
  printf '\xef\xbb\xbfCLIENT_ID=key\nNOTE_FOR_ME=caf\xc3\xa9\n' >"$PROJECT/.env.load-test"
  run "$RUNNER" --dry-run
  assert_status 0
}
