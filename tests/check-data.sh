#!/bin/sh
# The committed data/ files must be what the generators make from Debian's
# packages today: regenerate into a temporary folder and compare.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
if [ ! -f /usr/share/unicode/Unihan_Variants.txt.bz2 ] && [ ! -f /usr/share/unicode/Unihan_Variants.txt ]; then
    echo "  unicode-data is not installed: cannot check data/"
    echo "0 passed, 1 failed"
    exit 1
fi
python3 data/gen/gen_unicode.py /usr/share/unicode "$TMP" || { echo "0 passed, 1 failed"; exit 1; }
python3 data/gen/gen_kb.py /usr/share/iso-codes/json /usr/share/locale "$TMP/kb.tsv" 2>/dev/null || { echo "  FAIL gen_kb.py"; fail=$((fail + 1)); }
for f in t2s.tsv s_only.tsv compose.tsv hanviet.tsv kb.tsv hanviet_names.tsv; do
    if cmp -s "$TMP/$f" "data/$f"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "  FAIL data/$f is stale: run 'make data' (or 'make kb')"; fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
