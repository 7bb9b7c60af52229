#!/bin/sh
# Neovim plugin tests: the pure-Lua core under every Lua found (luajit,
# lua5.1, lua5.2), the plugin in headless Neovim with the real
# build/libchronicle.so, and a terminal test in tmux. Prints "ok"/"not ok"
# lines and one closing "N passed, N failed"; exits non-zero on failure.
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
NVIM=${NVIM:-nvim}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

run() { # label command...
    label=$1
    shift
    "$@" >>"$out" 2>&1
    rc=$?
    # a suite that died without its summary line counts as a failure
    if ! tail -n 3 "$out" | grep -q '^# .*passed, [0-9]* failed'; then
        echo "not ok - $label: exited $rc without a summary" >>"$out"
    elif [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out"; then
        echo "not ok - $label: exit status $rc" >>"$out"
    fi
}

if [ ! -f build/libchronicle.so ]; then
    echo "not ok - build/libchronicle.so missing (run make)"
    echo "0 passed, 1 failed"
    exit 1
fi

for lua in luajit lua5.1 lua5.2; do
    if command -v $lua >/dev/null 2>&1; then
        run "core under $lua" $lua tests/nvim/core_spec.lua "$ROOT"
    else
        echo "# $lua not installed: core not tested under it" >>"$out"
    fi
done

CHRONICLE_ROOT=$ROOT run "plugin in headless Neovim" timeout 600 \
    $NVIM --headless -u NONE -i NONE -n --cmd "set rtp^=$ROOT" \
    -c "luafile tests/nvim/plugin_spec.lua"

# the folder index: its caches go to a temporary XDG_CACHE_HOME, never the
# user's own
xdg=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$xdg"' EXIT
XDG_CACHE_HOME=$xdg CHRONICLE_ROOT=$ROOT run "folder index in headless Neovim" timeout 600 \
    $NVIM --headless -u NONE -i NONE -n --cmd "set rtp^=$ROOT" \
    -c "luafile tests/nvim/index_spec.lua"

if command -v tmux >/dev/null 2>&1; then
    run "terminal test (tmux)" sh tests/nvim/tmux_test.sh
else
    echo "# tmux not installed: terminal test skipped" >>"$out"
fi

cat "$out"
pass=$(grep -c '^ok ' "$out")
fail=$(grep -c '^not ok ' "$out")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
