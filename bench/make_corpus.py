#!/usr/bin/env python3
"""Builds the benchmark inputs: a ~10 MB mixed-language file made by repeating
the dev corpus (or the bundled samples when the corpus is absent).
usage: make_corpus.py OUT_FILE SIZE_MB SRC_DIR..."""
import glob
import os
import sys

out, size = sys.argv[1], float(sys.argv[2])
docs = []
for d in sys.argv[3:]:
    docs += sorted(glob.glob(os.path.join(d, "*.md")) + glob.glob(os.path.join(d, "*.txt")))
blob = "\n\n".join(open(p, encoding="utf-8").read() for p in docs)
target = int(size * 1024 * 1024)
parts, n = [], 0
while n < target:
    parts.append(blob)
    n += len(blob.encode("utf-8")) + 2
with open(out, "w", encoding="utf-8") as f:
    f.write("\n\n".join(parts))
