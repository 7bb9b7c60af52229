#!/bin/sh
# make bench: throughput and latency of annotate, side by side with peers.
set -e
cd "$(dirname "$0")/.."
# the peers and the timer, from Debian
sh tests/install-deps.sh hyperfine python3-jieba python3-dateparser || echo "(could not install the peers: their figures are skipped)"
CORPUS=${CHRONICLE_CORPUS:-../shared/corpus/dev}
[ -d "$CORPUS" ] || CORPUS=samples
mkdir -p build/bench
# build/bench/bench_annotate and bench_index come from the Makefile (make bench)
python3 bench/make_corpus.py build/bench/mixed10.txt 10 "$CORPUS"
echo "== chronicle (C library, one core)"
build/bench/bench_annotate data build/bench/mixed10.txt "$CORPUS"/*.md "$CORPUS"/*.txt
# the first engine of a process is one sample, and this VM's two cores differ:
# the median over fresh processes says more
for i in 1 2 3 4 5 6 7 8 9; do
    BENCH_MODE=9 build/bench/bench_annotate data /dev/null | sed -n 's/.*first \([0-9.]*\) ms.*/\1/p'
done | sort -n | awk '{v[NR]=$1} END {printf "engine start-up, first engine of a fresh process: median %.1f ms over %d processes (min %.1f, max %.1f)\n", v[int((NR+1)/2)], NR, v[1], v[NR]}'
echo
echo "== folder index: 10,000 articles (~100 MB) made from the dev corpus"
[ -f build/bench/folder100/.made ] || { rm -rf build/bench/folder100 &&
    python3 bench/make_folder.py build/bench/folder100 "$CORPUS" 10000 100 && touch build/bench/folder100/.made; }
/usr/bin/time -f "  peak RSS of the whole run: %M KB" build/bench/bench_index data build/bench/folder100 build/bench/folder100.bin
echo
echo "== 50 MB on a single line"
python3 -c "
import sys
u='越南与美国于1995年7月11日建交。Việt Nam và Hoa Kỳ ngày 12/7/1995 '
n=50*1024*1024//len(u.encode())
open('build/bench/line50.txt','w').write(u*n)"
/usr/bin/time -f "  wall %e s, peak RSS %M KB" build/chronicle annotate build/bench/line50.txt --format json >/dev/null
echo
echo "== CLI end to end per document (process start, data load, JSON out; hyperfine median)"
if command -v hyperfine >/dev/null 2>&1; then
    doc=$(ls "$CORPUS"/*.txt | head -n 1)
    hyperfine -N --warmup 3 --runs 30 --style basic --export-json build/bench/cli.json \
        "build/chronicle annotate $doc" 2>/dev/null | grep -E "Time|Range" || true
fi
echo
echo "== entity quality, Chinese dev files, side by side"
if [ -d "$CORPUS" ] && [ -f ../shared/tools/score.py ]; then
    python3 ../shared/tools/score.py "$CORPUS" --cmd 'build/chronicle annotate {doc} --format json {dct}' \
        --lang zh,zh-Hant --json 2>/dev/null | python3 -c "
import json, sys
s = json.load(sys.stdin)['by']['all']['entity_relaxed']
print('chronicle (zh files): entity relaxed F1 %.3f (P %.3f R %.3f)' % (s[2], s[0], s[1]))"
    if /usr/bin/python3 -c 'import jieba' 2>/dev/null; then
        /usr/bin/python3 bench/peer_jieba.py "$CORPUS" ../shared/tools/score.py build/bench/jieba
    else
        echo "  jieba missing (apt-get install python3-jieba)"
    fi
fi
echo
echo "== the Neovim plugin"
[ -f bench/nvim_bench.sh ] && sh bench/nvim_bench.sh || echo "  (bench/nvim_bench.sh missing)"
echo
echo "== peers on the same documents"
if /usr/bin/python3 -c 'import dateparser' 2>/dev/null; then
    /usr/bin/python3 bench/peer_dateparser.py "$CORPUS"/*.txt "$CORPUS"/*.md
else
    echo "  dateparser missing (apt-get install python3-dateparser)"
fi
