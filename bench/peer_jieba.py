#!/usr/bin/python3
"""Peer: jieba's part-of-speech tagger (Debian's python3-jieba) as a Chinese
entity recogniser (nr person, ns place, nt organisation), scored on the same
gold files with the same scorer, with its throughput.
usage: peer_jieba.py CORPUS_DIR SCORE_PY OUT_DIR"""
import glob
import json
import logging
import os
import subprocess
import sys
import time

import jieba
import jieba.posseg as pseg

jieba.setLogLevel(logging.ERROR)
corpus, scorer, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
TYPES = {"nr": "PERSON", "ns": "GPE", "nt": "ORG"}
jieba.initialize()
total_bytes, total_time = 0, 0.0
for gf in sorted(glob.glob(os.path.join(corpus, "*.gold.json"))):
    gold = json.load(open(gf, encoding="utf-8"))
    if not gold["lang"].startswith("zh"):
        continue
    text = open(os.path.join(corpus, gold["doc"]), encoding="utf-8").read()
    t = time.perf_counter()
    words = list(pseg.cut(text))
    total_time += time.perf_counter() - t
    total_bytes += len(text.encode("utf-8"))
    ents, b0 = [], 0
    for w in words:
        b1 = b0 + len(w.word.encode("utf-8"))  # the scorer wants byte offsets
        if w.flag in TYPES:
            ents.append({"start": b0, "end": b1, "text": w.word, "type": TYPES[w.flag], "id": w.word})
        b0 = b1
    json.dump({"entities": ents, "timexes": [], "events": []},
              open(os.path.join(out, gold["doc"] + ".json"), "w", encoding="utf-8"), ensure_ascii=False)
r = subprocess.run([sys.executable, scorer, corpus, "--pred", out, "--lang", "zh,zh-Hant", "--json"],
                   capture_output=True, text=True)
s = json.loads(r.stdout)["by"]["all"]
print(f"jieba posseg (zh files): entity relaxed F1 {s['entity_relaxed'][2]:.3f} "
      f"(P {s['entity_relaxed'][0]:.3f} R {s['entity_relaxed'][1]:.3f}), "
      f"{total_bytes / 1e6 / total_time:.2f} MB/s")
