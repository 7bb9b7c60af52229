#!/bin/sh
# Runs every suite and prints one closing "N passed, N failed" line.
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0
suite() { # name command...
    name=$1
    shift
    echo "== $name"
    out=$("$@" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -v '^ok ' | tail -n 40
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    p=$(echo "$line" | cut -d' ' -f1)
    f=$(echo "$line" | cut -d' ' -f3)
    [ -n "$p" ] || { p=0; f=1; echo "  (no summary line; exit $rc)"; }
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
suite "C unit tests (-Werror build)" build/dev/unit_tests
suite "C unit tests (ASan+UBSan)" build/san/unit_tests
suite "CLI tests" sh tests/cli/run.sh build/dev/chronicle
suite "CLI tests (ASan+UBSan)" sh tests/cli/run.sh build/san/chronicle
suite "folder index" sh tests/cli/index_test.sh build/dev/chronicle
suite "folder index (ASan+UBSan)" sh tests/cli/index_test.sh build/san/chronicle
suite "generated data is current" sh tests/check-data.sh
for t in tests/nvim/run.sh; do
    [ -f "$t" ] && suite "Neovim plugin tests" sh "$t"
done
echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
