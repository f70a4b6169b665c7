#!/usr/bin/env bash
# Finds the k6 this suite runs, or builds the pinned release from its Go module. Prints where k6 came from
# and its version on stderr, and the path of the k6 to use as the last line of stdout:
#
#   K6="$(scripts/install-k6.sh)"
#
# Order: $K6_BIN if set > a k6 on PATH of at least K6_MIN_VERSION (same major) > the cached build >
# a new build from go.k6.io/k6/v2 into the per-user cache (outside the clone, shared by every clone and CI
# job on the machine). Nothing is downloaded except Go modules through the Go module proxy.
#
# Options: --dry-run (say what would happen; build nothing; exit 1 if a build would be needed),
#          --quiet (no "using k6 ..." line on success), -h/--help.
# Exit: 0 k6 ready; 1 (--dry-run) a build would be needed; 3 no k6 and no way to build it.
set -Eeuo pipefail

K6_PIN_VERSION="v2.2.0"
K6_MIN_VERSION="2.2.0"
K6_MODULE="go.k6.io/k6/v2"
GO_MIN_VERSION="1.25.0"

DRY_RUN=0
QUIET=0

say() {
  printf 'install-k6: %s\n' "$*" >&2
}

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# ver_ge A B: true when version A >= B (numeric x.y.z; a leading v and any suffix are ignored).
ver_ge() {
  local a="${1#v}" b="${2#v}" i
  local -a av bv
  IFS=. read -r -a av <<<"${a%%[-+ ]*}"
  IFS=. read -r -a bv <<<"${b%%[-+ ]*}"
  for i in 0 1 2; do
    if ((10#${av[i]:-0} > 10#${bv[i]:-0})); then return 0; fi
    if ((10#${av[i]:-0} < 10#${bv[i]:-0})); then return 1; fi
  done
  return 0
}

# The x.y.z version a k6 binary reports, or nothing.
k6_version_of() {
  local bin="$1" out
  out="$("$bin" version 2>/dev/null)" || return 0
  if [[ "$out" =~ k6\ v([0-9]+\.[0-9]+\.[0-9]+) ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  fi
}

acceptable() {
  local version="$1"
  [[ -n "$version" ]] && ver_ge "$version" "$K6_MIN_VERSION" && [[ "${version%%.*}" == "${K6_MIN_VERSION%%.*}" ]]
}

cache_dir() {
  printf '%s' "${K6_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dms-load-test/k6/$K6_PIN_VERSION}"
}

use() {
  local bin="$1" version="$2" origin="$3"
  if [[ "$QUIET" == 0 ]]; then
    say "using k6 v$version ($origin): $bin"
  fi
  printf '%s\n' "$bin"
  exit 0
}

# $1: why no k6 could be had: "no-go" (no usable Go toolchain) or "build-failed" (Go is there, the build failed).
explain_install_options() {
  local why
  case "$1" in
    build-failed) why="Go is installed, but building k6 $K6_PIN_VERSION from its module failed (the Go messages above say why: often the module proxy, GOPROXY, cannot serve it)" ;;
    *) why="no Go toolchain to build it" ;;
  esac
  cat >&2 <<TEXT
install-k6: no usable k6 (v$K6_MIN_VERSION or newer, v${K6_MIN_VERSION%%.*}.x), and $why.
Install one of these, then run again:
  - Debian/Ubuntu (Grafana's apt repository):
      sudo gpg -k && sudo gpg --no-default-keyring --keyring /usr/share/keyrings/k6-archive-keyring.gpg \\
        --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys C5AD17C747E3415A3642D57D77C6C491D6AC1D69
      echo "deb [signed-by=/usr/share/keyrings/k6-archive-keyring.gpg] https://dl.k6.io/deb stable main" \\
        | sudo tee /etc/apt/sources.list.d/k6.list && sudo apt-get update && sudo apt-get install k6
  - Fedora/CentOS:           sudo dnf install https://dl.k6.io/rpm/repo.rpm && sudo dnf install k6
  - macOS (Homebrew):        brew install k6
  - Windows:                 winget install k6 --source winget   (or: choco install k6)
  - A release binary:        https://github.com/grafana/k6/releases (k6-$K6_PIN_VERSION-linux-amd64.tar.gz etc.),
                             unpack it and put k6 on PATH, or point K6_BIN at it
  - Docker:                  docker pull grafana/k6:${K6_PIN_VERSION#v}  (then K6_BIN=<a wrapper script that runs it>)
  - Go ${GO_MIN_VERSION%.0} or newer (https://go.dev/dl/): this script then builds k6 $K6_PIN_VERSION itself
TEXT
}

go_usable() {
  local version
  command -v go >/dev/null 2>&1 || return 1
  version="$(go env GOVERSION 2>/dev/null || true)"
  version="${version#go}"
  if [[ -z "$version" ]]; then return 1; fi
  if ! ver_ge "$version" "$GO_MIN_VERSION"; then
    say "Go $version is older than $GO_MIN_VERSION, which k6 $K6_PIN_VERSION needs; trying anyway (GOTOOLCHAIN may fetch a newer one)"
  fi
  return 0
}

# Builds k6 into $1 (a file path). First `go install module@version`; when the module proxy cannot list
# versions (some proxies answer 404 to @v/list, which go install needs), a throw-away module that requires
# k6 at the pinned version and builds it, the way k6's release build does (CGO_ENABLED=0, -trimpath).
build_k6() {
  local target="$1" work rc=0
  work="$(mktemp -d "${TMPDIR:-/tmp}/k6build.XXXXXX")"
  say "building k6 $K6_PIN_VERSION from its Go module $K6_MODULE (first run only; a few minutes) ..."
  if CGO_ENABLED=0 GOBIN="$work/bin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "$K6_MODULE@$K6_PIN_VERSION" >&2; then
    mv -f "$work/bin/k6" "$target.tmp.$$"
  else
    say "go install failed; building through a temporary module instead"
    (
      cd "$work"
      go mod init k6build >/dev/null 2>&1
      printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$K6_MODULE" >tools.go
      if ! go get "$K6_MODULE@$K6_PIN_VERSION" >go-get.log 2>&1; then
        tail -n 20 go-get.log >&2
        exit 1
      fi
      CGO_ENABLED=0 go build -trimpath -o "$target.tmp.$$" "$K6_MODULE" >&2
    ) || rc=$?
  fi
  rm -rf "$work"
  if ((rc != 0)) || [[ ! -x "$target.tmp.$$" ]]; then
    rm -f "$target.tmp.$$"
    say "the build of k6 $K6_PIN_VERSION failed (see the Go messages above)"
    return 1
  fi
  mv -f "$target.tmp.$$" "$target"
}

main() {
  local arg bin version cached
  for arg in "$@"; do
    case "$arg" in
      --dry-run) DRY_RUN=1 ;;
      --quiet) QUIET=1 ;;
      -h | --help) usage; exit 0 ;;
      *) say "unknown option '$arg' (see --help)"; exit 2 ;;
    esac
  done

  if [[ -n "${K6_BIN:-}" ]]; then
    if [[ ! -x "$K6_BIN" ]]; then
      say "K6_BIN=$K6_BIN is not an executable file; fix it or unset K6_BIN"
      exit 3
    fi
    version="$(k6_version_of "$K6_BIN")"
    if ! acceptable "$version"; then
      say "warning: K6_BIN reports version '${version:-unknown}'; this suite is built for k6 $K6_PIN_VERSION"
    fi
    use "$K6_BIN" "${version:-unknown}" "K6_BIN"
  fi

  if bin="$(command -v k6 2>/dev/null)"; then
    version="$(k6_version_of "$bin")"
    if acceptable "$version"; then
      use "$bin" "$version" "on PATH"
    fi
    say "ignoring the k6 on PATH ($bin, version ${version:-unknown}): this suite needs v$K6_MIN_VERSION or newer, v${K6_MIN_VERSION%%.*}.x"
  fi

  cached="$(cache_dir)/k6"
  if [[ -x "$cached" ]]; then
    version="$(k6_version_of "$cached")"
    if acceptable "$version"; then
      use "$cached" "$version" "cached build"
    fi
    say "the cached k6 at $cached reports '${version:-nothing}'; rebuilding it"
  fi

  if ! go_usable; then
    explain_install_options no-go
    exit 3
  fi
  if [[ "$DRY_RUN" == 1 ]]; then
    say "would build k6 $K6_PIN_VERSION with Go into $cached"
    exit 1
  fi
  mkdir -p "$(dirname "$cached")"
  if ! build_k6 "$cached"; then
    explain_install_options build-failed
    exit 3
  fi
  version="$(k6_version_of "$cached")"
  use "$cached" "${version:-unknown}" "built from $K6_MODULE@$K6_PIN_VERSION"
}

main "$@"
