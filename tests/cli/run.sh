#!/bin/sh
# CLI tests: golden outputs for the bundled samples and the dev corpus, the
# JSON schema, and exit codes and messages for bad input.
#   tests/cli/run.sh BINARY            (UPDATE=1 rewrites the golden files)
BIN=${1:-build/chronicle}
HERE=$(dirname "$0")
CORPUS=${CHRONICLE_CORPUS:-$HERE/../../../shared/corpus/dev}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "  FAIL $*"; }

golden() { # doc golden-file [dct]
    doc=$1 gold=$2 dct=$3
    out="$TMP/out.json"
    if [ -n "$dct" ]; then "$BIN" annotate "$doc" --format json --dct "$dct" >"$out" 2>"$TMP/err"
    else "$BIN" annotate "$doc" --format json >"$out" 2>"$TMP/err"; fi
    rc=$?
    [ $rc -eq 0 ] || { bad "$doc: exit $rc: $(cat "$TMP/err")"; return; }
    python3 "$HERE/check_schema.py" "$doc" "$out" >"$TMP/schema" || { bad "$doc: schema"; cat "$TMP/schema"; return; }
    if [ "${UPDATE:-0}" = 1 ]; then cp "$out" "$gold"; ok; return; fi
    if [ ! -f "$gold" ]; then bad "$doc: no golden file $gold (run with UPDATE=1)"; return; fi
    if cmp -s "$out" "$gold"; then ok; else
        bad "$doc: output differs from $gold"
        python3 - "$gold" "$out" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("timexes", "entities", "events"):
    ga = {(x["start"], x["end"], x.get("value") or x.get("id") or x.get("type")) for x in a.get(k, [])}
    gb = {(x["start"], x["end"], x.get("value") or x.get("id") or x.get("type")) for x in b.get(k, [])}
    for x in sorted(ga - gb)[:5]: print(f"    {k} lost: {x}")
    for x in sorted(gb - ga)[:5]: print(f"    {k} new:  {x}")
PY
    fi
}

for doc in "$HERE"/../../samples/*; do
    golden "$doc" "$HERE/golden/$(basename "$doc").json"
done

if [ -d "$CORPUS" ]; then
    for gold in "$CORPUS"/*.gold.json; do
        name=$(basename "$gold" .gold.json)
        doc=$(ls "$CORPUS/$name".md "$CORPUS/$name".txt 2>/dev/null | head -n 1)
        dct=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("pass_dct") or "")' "$gold")
        golden "$doc" "$HERE/golden/dev/$(basename "$doc").json" "$dct"
    done
else
    echo "  (dev corpus not found at $CORPUS: its golden tests are skipped)"
fi

expect() { # description expected-exit stderr-pattern -- command...
    desc=$1 want=$2 pat=$3
    shift 4
    "$@" >"$TMP/o" 2>"$TMP/e"
    rc=$?
    if [ $rc -ne "$want" ]; then bad "$desc: exit $rc, expected $want ($(cat "$TMP/e"))"; return; fi
    if [ -n "$pat" ] && ! grep -q "$pat" "$TMP/e"; then bad "$desc: stderr lacks '$pat': $(cat "$TMP/e")"; return; fi
    ok
}

sample=$HERE/../../samples/us-vietnam-timeline.zh.md
expect "missing file" 1 "cannot open .*No such file" -- "$BIN" annotate "$TMP/nope.txt"
expect "directory" 1 "is a directory" -- "$BIN" annotate "$TMP"
: >"$TMP/empty.txt"
expect "empty file" 0 "empty file" -- "$BIN" annotate "$TMP/empty.txt"
python3 "$HERE/check_schema.py" "$TMP/empty.txt" "$TMP/o" >/dev/null && ok || bad "empty file: schema"
printf 'Ngày 6/7/2015 \377\376 năm 2013\n' >"$TMP/bad.txt"
expect "invalid UTF-8" 0 "invalid UTF-8 at byte 15" -- "$BIN" annotate "$TMP/bad.txt"
grep -q '"value":"2015-07-06"' "$TMP/o" && grep -q '"value":"2013"' "$TMP/o" && ok || bad "invalid UTF-8: valid parts not annotated"
expect "bad dct" 2 "bad DCT" -- "$BIN" annotate "$sample" --dct 2023-02-30
expect "unknown option" 2 "unknown option" -- "$BIN" annotate "$sample" --frobnicate
expect "unknown format" 2 "unknown format" -- "$BIN" annotate "$sample" --format xml
expect "no files" 2 "usage" -- "$BIN" annotate
expect "unknown command" 2 "unknown command" -- "$BIN" frobnicate
expect "missing data" 3 "cannot start" -- "$BIN" annotate "$sample" --data "$TMP/nodata"
if printf '2015年7月6日' | "$BIN" annotate - | grep -q '"value":"2015-07-06"'; then ok; else bad "stdin"; fi
"$BIN" annotate "$sample" "$HERE/../../samples/vietnam-india-visit.vi.txt" >"$TMP/jl" 2>/dev/null
if [ "$(wc -l <"$TMP/jl")" -eq 2 ] && python3 -c '
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert [r["file"].split("/")[-1] for r in rows]==["us-vietnam-timeline.zh.md","vietnam-india-visit.vi.txt"]
assert all(r["version"]==1 for r in rows)' "$TMP/jl"; then ok; else bad "several files: JSON Lines"; fi
"$BIN" annotate "$sample" --format text >"$TMP/t"
if grep -q '^9:1	DATE	1995年7月11日	1995-07-11$' "$TMP/t"; then ok; else bad "text format: $(head -3 "$TMP/t")"; fi
"$BIN" annotate "$sample" --format json --dct 2001-01-01 | grep -q '"dct":"2001-01-01","dct_source":"option"' && ok || bad "--dct overrides front matter"

# timeline: the same phone call told in Chinese and in Vietnamese is one entry
# with both sources; the other events of each article stay apart
TL=$HERE/timeline
"$BIN" timeline "$TL/call.zh.txt" "$TL/call.vi.txt" --format json >"$TMP/tl.json" 2>"$TMP/e"
if python3 - "$TMP/tl.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))["events"]
calls = [e for e in ev if e["type"] == "04" and any(s["trigger"] == "电话会谈" for s in e["sources"])]
assert len(calls) == 1, calls
docs = {s["doc"].split("/")[-1] for s in calls[0]["sources"]}
assert docs == {"call.zh.txt", "call.vi.txt"}, docs
assert calls[0]["date"].startswith("2023-03-29"), calls[0]["date"]
names = {a["name"] for a in calls[0]["actors"]}
assert {"Joe Biden", "Nguyễn Phú Trọng"} <= names, names
others = [e for e in ev if e is not calls[0]]
assert len(others) >= 2 and all(len({s["doc"] for s in e["sources"]}) == 1 for e in others), others
PY
then ok; else bad "timeline merges the same call across languages: $(cat "$TMP/e")"; fi
"$BIN" timeline "$TL/call.zh.txt" "$TL/call.vi.txt" >"$TMP/tl.txt"
grep -q "call.vi.txt:3:48  điện đàm" "$TMP/tl.txt" && ok || bad "timeline text: $(head -5 "$TMP/tl.txt")"
expect "timeline of a missing file" 1 "cannot open" -- "$BIN" timeline "$TMP/nope.txt"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
