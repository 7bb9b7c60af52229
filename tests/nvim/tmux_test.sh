#!/bin/sh
# Terminal test: a real Neovim TUI in tmux opens a sample article with the
# plugin installed as a user would (--clean plus the plugin on 'runtimepath'),
# and the captured screen must show highlights (SGR escapes right at the
# entity, date and event spans), the normalised date as virtual text, the
# event sign, and a hover card whose text matches tests/nvim/expected/.
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
NVIM=${NVIM:-nvim}
SOCK=chronicle-test-$$
TMP=$(mktemp -d)
pass=0
fail=0
T() { tmux -L "$SOCK" "$@"; }
cleanup() { T kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
ok() { pass=$((pass + 1)); echo "ok - tmux: $1"; }
nok() { fail=$((fail + 1)); echo "not ok - tmux: $1"; }

# waits until the plain screen contains $1 (at most ~15 s)
wait_for() {
    i=0
    while [ $i -lt 150 ]; do
        T capture-pane -p -t main >"$TMP/screen.txt" 2>/dev/null
        grep -qF -- "$1" "$TMP/screen.txt" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

T -f /dev/null new-session -d -s main -x 110 -y 34 \
    "env TERM=xterm-256color XDG_CACHE_HOME=$TMP/cache $NVIM --clean -i NONE -n --cmd 'set rtp^=$ROOT' \
     --cmd 'set noswapfile shortmess+=I laststatus=2' samples/us-vietnam-timeline.zh.md"

if wait_for '1995-07-11'; then ok 'annotated on open (virtual text drawn)'; else nok 'annotated on open: no virtual text'; cat "$TMP/screen.txt"; fi

T capture-pane -p -e -t main >"$TMP/screen.ans"
T capture-pane -p -t main >"$TMP/screen.txt"

# highlights: a style change (SGR escape) starts right at each mention
esc=$(printf '\033')
for tok in '拜登' 'Joe Biden' '河内' '2023年9月10日' '克林顿' '越共中央'; do
    if grep -q "${esc}\[[0-9;]*m${tok}" "$TMP/screen.ans"; then
        ok "highlight starts at $tok"
    else
        nok "no highlight at $tok"
        grep -F "$tok" "$TMP/screen.ans" | head -n 2 | cat -v
    fi
done
# the text between two mentions is not highlighted like them
if grep -q "${esc}\[[0-9;]*m美国${esc}\[[0-9;]*m总统${esc}\[[0-9;]*m拜登" "$TMP/screen.ans" ||
    grep -q "${esc}\[[0-9;]*m美国${esc}\[[0-9;]*m总统" "$TMP/screen.ans"; then
    ok 'the style ends after a mention (美国|总统)'
else
    nok 'no style change between 美国 and 总统'
fi

# the normalised date at the end of its line, the event sign at the start
if grep -F '2016年5月23日' "$TMP/screen.txt" | grep -qF '2016-05-23'; then ok 'date value at end of line'; else nok 'date value at end of line'; fi
if grep -F '2023年9月10日' "$TMP/screen.txt" | grep -q '^»'; then ok 'event sign on an event line'; else nok 'event sign on an event line'; fi

# the hover card for 拜登 (line 15, byte column 32)
T send-keys -t main ':call cursor(15, 32)' Enter
T send-keys -t main ':Chronicle hover' Enter
if wait_for 'Joe Biden  ·  PERSON'; then ok 'hover card shown'; else nok 'hover card shown'; fi
sleep 0.2
T capture-pane -p -t main >"$TMP/screen.txt"
T capture-pane -p -e -t main >"$TMP/screen.ans"
# the card's text: the lines inside the rounded border, borders and padding removed
awk '
    /╭/ { inside = 1; next }
    /╰/ { inside = 0 }
    inside {
        line = $0
        i = index(line, "│")
        t = substr(line, i + length("│"))
        j = index(t, "│")
        if (j > 0) t = substr(t, 1, j - 1)
        sub(/[ ]+$/, "", t)
        print t
    }' "$TMP/screen.txt" >"$TMP/card.txt"
# every expected line must appear, in order (the card may hold more, e.g.
# further events as the library learns them)
if awk 'NR == FNR { want[++n] = $0; next } k < n && $0 == want[k + 1] { k++ } END { exit k == n ? 0 : 1 }' \
    tests/nvim/expected/hover-biden.txt "$TMP/card.txt"; then
    ok 'hover card shows the lines of tests/nvim/expected/hover-biden.txt'
else
    nok 'hover card lacks lines of tests/nvim/expected/hover-biden.txt (diff: expected, captured)'
    diff -u tests/nvim/expected/hover-biden.txt "$TMP/card.txt" | sed 's/^/    /'
    echo '    the screen:'
    sed 's/^/    | /' "$TMP/screen.txt"
fi
if grep -q "${esc}\[[0-9;]*mJoe Biden  ·  \(${esc}\[[0-9;]*m\)\{1,\}PERSON" "$TMP/screen.ans"; then ok 'card title and type highlighted'; else nok 'card title and type highlighted'; fi

# moving the cursor closes it
T send-keys -t main 'j'
sleep 0.5
T capture-pane -p -t main >"$TMP/screen.txt"
if grep -qF 'PERSON' "$TMP/screen.txt"; then nok 'card closes on cursor move'; else ok 'card closes on cursor move'; fi

# the folder index: the end-of-pass message, and the statusline function
# drawn by a real 'statusline' (the cache goes to $TMP/cache)
T send-keys -t main ":set statusline=%f%=%{v:lua.require'chronicle'.statusline()}" Enter
T send-keys -t main ':Chronicle index samples' Enter
if wait_for 'chronicle 3 files'; then ok 'statusline shows the folder index'; else nok 'statusline shows the folder index'; sed 's/^/    | /' "$TMP/screen.txt"; fi
if grep -q 'chronicle: indexed .*samples: 3 files.*watching for changes' "$TMP/screen.txt"; then
    ok 'end-of-pass message'
else
    nok 'end-of-pass message'
    sed 's/^/    | /' "$TMP/screen.txt"
fi
if ls "$TMP"/cache/nvim/chronicle/samples-*.index >/dev/null 2>&1; then ok 'cache file under stdpath("cache")/chronicle'; else nok 'no cache file under stdpath("cache")/chronicle'; fi

T send-keys -t main ':qa!' Enter
echo "# tmux: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
