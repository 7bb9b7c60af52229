#!/bin/sh
# Neovim plugin figures: startup cost of plugin/chronicle.lua (from
# --startuptime, median of 10), annotate-and-draw time for 10 KB / 100 KB /
# 1 MB buffers (median), and keystroke latency in an annotated 1 MB buffer.
# The typing measurement runs in a real TUI inside tmux when tmux exists.
cd "$(dirname "$0")/.."
ROOT=$(pwd)
NVIM=${NVIM:-nvim}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -f build/libchronicle.so ] || { echo "build/libchronicle.so missing: run make"; exit 1; }

# startup: the self+sourced time of plugin/chronicle.lua, and of all startup
for i in 1 2 3 4 5 6 7 8 9 10; do
    $NVIM --headless --clean -i NONE --cmd "set rtp^=$ROOT" --startuptime "$TMP/st$i.log" +qa >/dev/null 2>&1
    grep 'plugin/chronicle.lua' "$TMP/st$i.log" | awk '{print $2}' >>"$TMP/plugin.txt"
    tail -n 1 "$TMP/st$i.log" | awk '{print $1}' >>"$TMP/total.txt"
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
echo "plugin startup (plugin/chronicle.lua, --startuptime): $(median "$TMP/plugin.txt") ms (whole startup $(median "$TMP/total.txt") ms)"

export CHRONICLE_ROOT="$ROOT" CHRONICLE_BENCH_OUT="$TMP/out.txt"
if command -v tmux >/dev/null 2>&1; then
    SOCK=chronicle-bench-$$
    tmux -L "$SOCK" -f /dev/null new-session -d -s b -x 120 -y 40 \
        "env TERM=xterm-256color CHRONICLE_ROOT='$ROOT' CHRONICLE_BENCH_OUT='$TMP/out.txt' CHRONICLE_CORPUS='${CHRONICLE_CORPUS:-}' \
         $NVIM --clean -i NONE -n --cmd 'set rtp^=$ROOT' -c 'luafile $ROOT/bench/nvim_bench.lua'"
    i=0
    while [ ! -s "$TMP/out.txt" ] && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
    tmux -L "$SOCK" kill-server 2>/dev/null
else
    $NVIM --headless --clean -i NONE -n --cmd "set rtp^=$ROOT" -c "luafile $ROOT/bench/nvim_bench.lua" >/dev/null 2>&1
fi
[ -s "$TMP/out.txt" ] || { echo "the Neovim benchmark produced nothing"; exit 1; }
v() { grep "^$1:" "$TMP/out.txt" | cut -d' ' -f2; }
echo "annotate and draw, median (view drawn / all marks placed):"
for s in 10KB 100KB 1MB; do
    echo "  $s: $(v annotate_draw_$s\_ms) ms / $(v annotate_draw_all_$s\_ms) ms ($(v marks_$s) marks)"
done
echo "open a 1 MB buffer (annotated on a worker thread): the call returns in $(v open_1MB_async_blocking_ms) ms, all drawn after $(v open_1MB_async_total_ms) ms; longest event-loop stall meanwhile $(v open_1MB_async_max_stall_ms) ms (converting the result, drawing the view)"
grep '^error:' "$TMP/out.txt"
echo "typing in an annotated 1 MB buffer ($(v keystrokes) keys, $(v ui)): median $(v keystroke_1MB_median_ms) ms, p95 $(v keystroke_1MB_p95_ms) ms, max $(v keystroke_1MB_max_ms) ms per key"
echo "  re-annotation after a pause (changed paragraph): median $(v reannotate_pass_1MB_median_ms) ms, max $(v reannotate_pass_1MB_max_ms) ms; longest event-loop stall while typing $(v event_loop_max_stall_while_typing_ms) ms"
