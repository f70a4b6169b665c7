#!/usr/bin/env bats
# The example CI workflows in docs/ci/: valid GitHub Actions syntax (actionlint, with shellcheck on their
# run: scripts), labelled as examples, k6 from Grafana's setup action pinned by a commit with the Go-module
# build as fallback, summary.md in the job summary and junit.xml published.

load helpers

setup() {
  ACTIONLINT="${ACTIONLINT_BIN:-$(command -v actionlint || true)}"
  if [[ -z "$ACTIONLINT" ]]; then
    local cached="${XDG_CACHE_HOME:-$HOME/.cache}/dms-load-test/actionlint/v1.7.12/actionlint"
    if [[ -x "$cached" ]]; then ACTIONLINT="$cached"; fi
  fi
  [[ -n "$ACTIONLINT" ]] || { echo "actionlint is missing: npm test installs it (test/run-all.sh), or set ACTIONLINT_BIN" >&2; return 1; }
  WORKFLOWS=("$REPO"/docs/ci/*.yml)
  [ "${#WORKFLOWS[@]}" -ge 2 ]
}

@test "actionlint finds nothing wrong in the example workflows" {
  run "$ACTIONLINT" -shellcheck="$(command -v shellcheck)" "${WORKFLOWS[@]}"
  assert_status 0
}

@test "actionlint is not blind: a broken copy of a workflow is reported" {
  local broken="$BATS_TEST_TMPDIR/broken.yml"
  sed 's/if: steps.setup-k6.outcome != .success./if: steps.setup-k6.outcom != '"'"'success'"'"'/' "$REPO/docs/ci/dms-load-test-pr.yml" >"$broken"
  printf '      - run: echo "${{ github.event.pull_request.title }}"\n' >>"$broken"
  run "$ACTIONLINT" "$broken"
  assert_status 1
  assert_output_has 'property "outcom" is not defined'
  assert_output_has 'potentially untrusted'
}

@test "each workflow is labelled as an example, pins grafana/setup-k6-action by commit and keeps the module build as fallback" {
  local file
  for file in "${WORKFLOWS[@]}"; do
    grep -q '^# EXAMPLE WORKFLOW' "$file"
    grep -qE '^name: "Example: ' "$file"
    grep -qE 'uses: grafana/setup-k6-action@[0-9a-f]{40} # v[0-9.]+$' "$file"
    grep -qE "if: steps.setup-k6.outcome != 'success'" "$file"
    grep -q 'scripts/install-k6.sh' "$file"
    # every action of another owner than GitHub's is pinned by a commit
    [ -z "$(grep -E 'uses: [^ ]+@' "$file" | grep -vE 'uses: actions/|@[0-9a-f]{40}')" ]
  done
}

@test "each workflow puts summary.md into the job summary and publishes junit.xml" {
  local file
  for file in "${WORKFLOWS[@]}"; do
    grep -q 'summary.md" >> "$GITHUB_STEP_SUMMARY"' "$file" || grep -qE 'cat "\$DIR/summary.md"$' "$file"
    grep -q 'report_paths: ${{ steps.results.outputs.dir }}/junit.xml' "$file"
  done
}
