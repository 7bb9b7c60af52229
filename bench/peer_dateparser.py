#!/usr/bin/python3
"""Peer: dateparser's search_dates over the same documents, side by side.
usage: peer_dateparser.py DOC...  (Debian's python3-dateparser)"""
import statistics
import sys
import time

from dateparser.search import search_dates

LANGS = {"zh": ["zh"], "zh-Hant": ["zh"], "vi": ["vi"], "en": ["en"]}
total, found = [], 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    lang = path.rsplit(".", 2)[-2]
    t = time.perf_counter()
    r = search_dates(text, languages=LANGS.get(lang, ["en"])) or []
    total.append(time.perf_counter() - t)
    found += len(r)
print(f"dateparser search_dates: {len(total)} docs, median {statistics.median(total) * 1e3:.1f} ms/doc, "
      f"total {sum(total):.2f} s, {found} dates")
