#!/bin/sh
# Folder index tests: nested folders, a symlink loop, a binary file, an
# unreadable file, a 20 MB file, edits, deletes and renames between runs, a
# damaged cache, and a writer killed in the middle.
#   tests/cli/index_test.sh BINARY
BIN=$(cd "$(dirname "${1:-build/chronicle}")" && pwd)/$(basename "${1:-build/chronicle}")
HERE=$(cd "$(dirname "$0")" && pwd)
SAMPLES=$HERE/../../samples
TMP=$(mktemp -d)
chmod 755 "$TMP"
trap 'chmod -R u+rwX "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "  FAIL $*"; }

D=$TMP/articles
mkdir -p "$D/a/b/c" "$D/.git" "$D/notes"
cp "$SAMPLES"/us-vietnam-timeline.zh.md "$D/"
cp "$SAMPLES"/vietnam-india-visit.vi.txt "$D/a/"
cp "$SAMPLES"/arms-embargo-notes.en.md "$D/a/b/c/"
cp "$HERE"/timeline/call.zh.txt "$HERE"/timeline/call.vi.txt "$D/notes/"
printf 'ignored: 2001年\n' >"$D/.git/HEAD.md"
printf 'not an article' >"$D/a/image.pdf"
ln -s .. "$D/a/b/loop"                       # a symlink loop
printf 'GIF89a\0\0\1\2 binary' >"$D/a/picture.txt"   # binary with a text extension
printf '2015年7月, 美国总统奥巴马访问越南。\n' >"$D/a/secret.md"
chmod 000 "$D/a/secret.md"                   # unreadable (we index as nobody)
python3 -c "
import sys
line = '越南与美国于1995年7月11日建交。Việt Nam và Hoa Kỳ ngày 12/7/1995.\n'
open(sys.argv[1], 'w').write(line * (20 * 1024 * 1024 // len(line.encode()) + 1))" "$D/a/big.txt"
chmod -R o+rX "$D"
chmod 000 "$D/a/secret.md"
C=$TMP/cache/index.bin
mkdir -p "$TMP/cache" && chmod 777 "$TMP/cache"

# run as an ordinary user where we can, so "unreadable" means something
AS=""
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
ix() { $AS "$BIN" index "$D" --out "$C" "$@"; }
q() { $AS "$BIN" query "$C" "$@"; }

ix --format json >"$TMP/run1.json" 2>"$TMP/err1"
rc=$?
[ $rc -eq 0 ] && ok || bad "first index: exit $rc: $(cat "$TMP/err1")"
python3 - "$TMP/run1.json" "$D" "$AS" <<'PY' && ok || bad "first index: what was indexed and skipped"
import json, sys, os
r = json.load(open(sys.argv[1]))
root, as_user = sys.argv[2], sys.argv[3]
files = {os.path.relpath(f["path"], root): f for f in r["files"]}
for name in ["us-vietnam-timeline.zh.md", "a/vietnam-india-visit.vi.txt", "a/b/c/arms-embargo-notes.en.md",
             "notes/call.zh.txt", "notes/call.vi.txt"]:
    assert name in files and "skipped" not in files[name], (name, files.get(name))
assert "binary" in files["a/picture.txt"]["skipped"], files["a/picture.txt"]
assert "too large" in files["a/big.txt"]["skipped"], files["a/big.txt"]
if as_user:
    assert "unreadable" in files["a/secret.md"]["skipped"], files["a/secret.md"]
assert not any(k.startswith(".git") or k.endswith(".pdf") for k in files), files.keys()
assert not any("loop" in k for k in files), "followed the symlink loop"
assert files["us-vietnam-timeline.zh.md"]["events"] > 0 and files["us-vietnam-timeline.zh.md"]["entities"] > 0
PY

q --entity "Joe Biden" >"$TMP/q1.json" && python3 -c "
import json,sys
r=json.load(open(sys.argv[1]))
assert r['entity']['name']=='Joe Biden', r
paths=[f['path'] for f in r['files']]
assert any(p.endswith('us-vietnam-timeline.zh.md') for p in paths) and any(p.endswith('call.vi.txt') for p in paths), paths
assert all(m['line']>=1 for f in r['files'] for m in f['mentions'])" "$TMP/q1.json" && ok || bad "query --entity"
# a screenful: one file, and how many there are
q --entity "Joe Biden" --limit 1 --format text >"$TMP/q1.txt" &&
    [ "$(grep -c '^  /' "$TMP/q1.txt")" -eq 1 ] && grep -q "and [0-9]* more files (--limit 0 shows all)" "$TMP/q1.txt" &&
    ok || bad "query --limit: $(cat "$TMP/q1.txt")"
q --entity "Joe Biden" --limit many >/dev/null 2>"$TMP/qerr"; [ $? -eq 2 ] && grep -q "limit wants a number" "$TMP/qerr" &&
    ok || bad "query --limit with a bad value"
# a name in another language finds the same entity
q --entity "Hoa Kỳ" | grep -q '"name":"United States"' && ok || bad "query --entity by a Vietnamese name"
line=$(grep -n "Tối 29/3" "$D/notes/call.vi.txt" | head -n 1 | cut -d: -f1)
q --related "$D/notes/call.vi.txt:$line" >"$TMP/rel.json" && python3 -c "
import json,sys
r=json.load(open(sys.argv[1]))
assert r['event']['trigger']=='điện đàm', r['event']
assert any(x['path'].endswith('call.zh.txt') and x['trigger']=='电话会谈' for x in r['related']), r['related']
dates=[x['date'] for x in r['related'] if x['date']]
assert dates==sorted(dates), dates" "$TMP/rel.json" && ok || bad "query --related finds the same call in Chinese, in date order"
q --timeline --from 2023-03 --to 2023-03 >"$TMP/tl.json" && python3 -c "
import json,sys
ev=json.load(open(sys.argv[1]))['events']
call=[e for e in ev if len({s['doc'] for s in e['sources']})==2]
assert len(call)==1 and call[0]['date'].startswith('2023-03-29'), ev
assert all(e['date'][:7]=='2023-03' for e in ev), [e['date'] for e in ev]" "$TMP/tl.json" && ok || bad "query --timeline --from --to merges the call"
q --timeline --actor "Phạm Minh Chính" --format text | grep -q "tiếp" && ok || bad "query --timeline --actor"

# reopen with nothing changed: everything reused; the skipped files are
# looked at again and still reported as skipped
ix >"$TMP/run2.txt" 2>&1
grep -q "8 files (0 annotated, 5 unchanged), 3 skipped" "$TMP/run2.txt" && ok || bad "reopen reuses unchanged files: $(cat "$TMP/run2.txt")"
# touch one (same bytes), edit one, delete one, rename one
sleep 1
touch "$D/a/vietnam-india-visit.vi.txt"
printf '\n2024年5月，苏林访问老挝。\n' >>"$D/us-vietnam-timeline.zh.md"
rm "$D/notes/call.zh.txt"
mv "$D/a/b/c/arms-embargo-notes.en.md" "$D/a/b/c/embargo.md"
ix --format json >"$TMP/run3.json" 2>&1
python3 - "$TMP/run3.json" "$D" <<'PY' && ok || bad "incremental: touched, edited, deleted, renamed"
import json, sys, os
r = json.load(open(sys.argv[1]))
files = {os.path.relpath(f["path"], sys.argv[2]) for f in r["files"]}
assert "notes/call.zh.txt" not in files and "a/b/c/arms-embargo-notes.en.md" not in files, files
assert "a/b/c/embargo.md" in files
# unchanged: call.vi; re-read: the touched, the edited and the renamed
# file; the three skipped files are looked at again and stay skipped
assert r["reused"] == 1 and r["indexed"] == 3 and r["skipped"] == 3, r
PY
q --timeline --format text | grep -q "苏林\|Tô Lâm\|访问" && ok || bad "edited file re-annotated"

# a damaged cache is not trusted: rebuilt by index, refused by query
python3 -c "
import sys
p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0xFF; open(p,'wb').write(b)" "$C"
q --files >/dev/null 2>"$TMP/qerr"
[ $? -eq 1 ] && grep -q "damaged" "$TMP/qerr" && ok || bad "query refuses a damaged cache: $(cat "$TMP/qerr")"
ix >"$TMP/run4.txt" 2>&1
grep -q "cache not used (damaged" "$TMP/run4.txt" && grep -q "(4 annotated, 0 unchanged)" "$TMP/run4.txt" && ok || bad "index rebuilds a damaged cache: $(cat "$TMP/run4.txt")"
printf 'not an index at all' >"$TMP/junk.bin"
"$BIN" query "$TMP/junk.bin" --files >/dev/null 2>"$TMP/qerr2"; [ $? -eq 1 ] && grep -q "not a chronicle index" "$TMP/qerr2" && ok || bad "junk cache"

# a writer killed in the middle leaves the old cache or none, never a torn one
K=$TMP/kill
mkdir -p "$K"
for i in $(seq 1 300); do cp "$SAMPLES/us-vietnam-timeline.zh.md" "$K/a$i.md"; done
"$BIN" index "$K" --out "$TMP/k.bin" >/dev/null 2>&1
for i in $(seq 1 300); do printf '\n%s年\n' "$((1000 + i))" >>"$K/a$i.md"; done
"$BIN" index "$K" --out "$TMP/k.bin" >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$BIN" query "$TMP/k.bin" --files >"$TMP/k.json" 2>"$TMP/kerr"
rc=$?
if [ $rc -eq 0 ] && python3 -c "import json,sys; assert len(json.load(open(sys.argv[1]))['files'])==300" "$TMP/k.json"; then ok
else bad "cache after a kill: exit $rc $(cat "$TMP/kerr")"; fi
# files changing while the index runs: the next run sees the final state
"$BIN" index "$K" --out "$TMP/k.bin" >/dev/null 2>&1 &
pid=$!
rm -f "$K/a7.md"
printf '\n2030年\n' >>"$K/a8.md"
wait $pid
"$BIN" index "$K" --out "$TMP/k.bin" >/dev/null 2>&1
"$BIN" query "$TMP/k.bin" --files | python3 -c "
import json,sys
fs=[f['path'] for f in json.load(sys.stdin)['files']]
assert not any(p.endswith('/a7.md') for p in fs) and any(p.endswith('/a8.md') for p in fs) and len(fs)==299, len(fs)" && ok || bad "edits during indexing"
"$BIN" query "$TMP/k.bin" --entity "Joe Biden" | python3 -c "
import json,sys
r=json.load(sys.stdin); assert len(r['files'])==299, len(r['files'])" && ok || bad "entity postings after edits"

# usage errors
"$BIN" index "$TMP/none" --out "$TMP/x.bin" >/dev/null 2>"$TMP/e"; [ $? -eq 1 ] && grep -q "cannot open folder" "$TMP/e" && ok || bad "index of a missing folder: $(cat "$TMP/e")"
"$BIN" query "$C" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "query without a question"
"$BIN" query "$TMP/none.bin" --files >/dev/null 2>"$TMP/e"; [ $? -eq 1 ] && grep -q "cannot open index" "$TMP/e" && ok || bad "query of a missing index"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
