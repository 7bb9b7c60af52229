#!/usr/bin/env python3
"""A folder of N articles (default 10,000, ~100 MB) made from the dev corpus:
each joins two corpus articles, shifts every year by a per-article offset and
swaps some names for others of the same kind, in nested sub-folders.
usage: make_folder.py OUT_DIR CORPUS_DIR [N] [TARGET_MB]"""
import glob
import os
import random
import re
import sys

out, corpus = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
target = float(sys.argv[4]) if len(sys.argv) > 4 else 100.0
docs = [open(p, encoding="utf-8").read()
        for p in sorted(glob.glob(os.path.join(corpus, "*.md")) + glob.glob(os.path.join(corpus, "*.txt")))]
SWAPS = [("拜登", "奥巴马"), ("Joe Biden", "Barack Obama"), ("阮富仲", "苏林"), ("Nguyễn Phú Trọng", "Tô Lâm"),
         ("裴青山", "范平明"), ("Bùi Thanh Sơn", "Phạm Bình Minh"), ("普京", "梅德韦杰夫"), ("河内", "岘港"),
         ("Hà Nội", "Đà Nẵng"), ("Hanoi", "Da Nang")]
rng = random.Random(7)
per = target * 1024 * 1024 / n
os.makedirs(out, exist_ok=True)
total = 0
for i in range(n):
    text = rng.choice(docs)
    while len(text.encode("utf-8")) < per * 0.9:
        text += "\n\n" + rng.choice(docs)
    # about the target size: cut at a line end
    raw = text.encode("utf-8")
    if len(raw) > per * 1.2:
        cut = raw.rfind(b"\n", 0, int(per * 1.2))
        text = raw[:cut if cut > 0 else int(per * 1.2)].decode("utf-8", "ignore")
    shift = rng.randint(-15, 15)
    text = re.sub(r"(?<!\d)(19[5-9]\d|20[0-2]\d)(?!\d)", lambda m: str(int(m.group(1)) + shift), text)
    for a, b in rng.sample(SWAPS, 3):
        text = text.replace(a, b)
    sub = os.path.join(out, "%02d" % (i % 50), "%02d" % (i // 50 % 20))
    os.makedirs(sub, exist_ok=True)
    ext = "md" if i % 3 else "txt"
    with open(os.path.join(sub, "article-%05d.%s" % (i, ext)), "w", encoding="utf-8") as f:
        f.write(text)
    total += len(text.encode("utf-8"))
print(f"{out}: {n} articles, {total / 1e6:.1f} MB")
