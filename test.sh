#!/usr/bin/env bash
# Runs every test of OpenRCM: vet, staticcheck, short fuzz runs of every
# parser, and the unit and integration tests with the race detector (last, so
# its closing line "N passed, N failed, N skipped" ends the output).
# PostgreSQL tests run when RCM_TEST_POSTGRES holds a DSN (CI sets it; in CI
# a missing database is a failure). RCM_FUZZ_EXECS sets the executions per
# fuzz target (0 skips fuzzing).
set -euo pipefail
cd "$(dirname "$0")"

staticcheck_module=honnef.co/go/tools/cmd/staticcheck@v0.8.2
fuzz_execs=${RCM_FUZZ_EXECS:-50000}

echo "== gofmt"
unformatted=$(gofmt -l .)
if [[ -n $unformatted ]]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
# Pinned and installed into the module cache's bin on first use.
staticcheck="$(go env GOPATH)/bin/staticcheck"
if ! "$staticcheck" -version 2>/dev/null | grep -q "v0.8.2"; then
  GOBIN="$(go env GOPATH)/bin" go install "$staticcheck_module"
fi
"$staticcheck" ./...

if [[ $fuzz_execs != 0 ]]; then
  echo "== fuzz ($fuzz_execs executions each)"
  # Every Fuzz target in the module, each run alone, seeded by its corpus under
  # testdata/fuzz and the f.Add seeds. Bounded by a count, not a duration: Go
  # 1.26's coordinator can report "context deadline exceeded" as a failure when
  # a -fuzztime duration ends mid-call (go.dev/issue/75804, fixed in 1.27), and
  # a count does the same work on a loaded machine as on a quiet one. The
  # minimization bound keeps a large interesting input from eating the run.
  #
  # Each package's instrumented test binary is built once (`go test -c
  # -fuzz`) and run once per target, in the package's folder with the fuzz
  # cache `go test -fuzz` uses, as `go test -fuzz` runs it; two packages are
  # fuzzed at a time with one worker each, so one package's build overlaps
  # the other's fuzzing. Each package's output is printed when it is done.
  fuzz_dir=$(mktemp -d)
  trap 'rm -rf "$fuzz_dir"' EXIT
  grep -rlE --include='*_test.go' '^func Fuzz' . | while read -r f; do
    pkg="./$(dirname "${f#./}")"
    grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$f" | awk -v p="$pkg" '{print p, $2}'
  done | sort -u >"$fuzz_dir/targets"
  fuzz_package() {
    local pkg=$1 rel=${1#./} name status
    name=${rel//\//_}
    [[ $name == . ]] && name=root
    [[ $rel == . ]] && rel="" || rel="/$rel"
    (
      go test -c -fuzz=. -o "$fuzz_dir/$name.test" "$pkg" || exit 1
      cd "$pkg"
      for target in $(awk -v p="$pkg" '$1 == p {print $2}' "$fuzz_dir/targets"); do
        echo "fuzz $pkg $target"
        "$fuzz_dir/$name.test" -test.paniconexit0 -test.run='^$' -test.fuzz="^${target}\$" \
          -test.fuzztime="${fuzz_execs}x" -test.fuzzminimizetime=100x -test.parallel=1 \
          -test.fuzzcachedir="$fuzz_cache/$module$rel" || exit 1
      done
    ) >"$fuzz_dir/$name.log" 2>&1
    status=$?
    cat "$fuzz_dir/$name.log"
    return $status
  }
  export -f fuzz_package
  export fuzz_dir fuzz_execs fuzz_cache="$(go env GOCACHE)/fuzz" module="$(go list -m)"
  awk '{print $1}' "$fuzz_dir/targets" | uniq | xargs -P 2 -I{} bash -c 'fuzz_package "$1"' _ {}
fi

echo "== go test -race"
# One line per test (CI logs name every test, the PostgreSQL ones too), the
# output of failures, and a closing "N passed, N failed, N skipped".
go build -o "${TMPDIR:-/tmp}/rcm-testsum" ./internal/testsum
# The largest package (cmd/rcm) takes about six minutes alone and more on a
# loaded machine: the default ten-minute limit per package is raised so a
# slow machine is not reported as a failure.
go test -race -count=1 -timeout=30m -json ./... 2>&1 | "${TMPDIR:-/tmp}/rcm-testsum"
