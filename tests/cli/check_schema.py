#!/usr/bin/env python3
"""Checks chronicle's JSON output against SPEC.md §3.

usage: check_schema.py DOC JSON_FILE
Every mention's byte span must slice DOC to exactly its "text"; types and
values must have the documented shapes. Prints problems; exit 1 if any."""
import json
import re
import sys

TIMEX_TYPES = {"DATE", "TIME", "DURATION", "SET"}
ENTITY_TYPES = {"PERSON", "GPE", "LOC", "ORG"}
MODS = {None, "START", "MID", "END", "APPROX", "BEFORE", "AFTER", "MORE_THAN", "LESS_THAN"}
VALUE = re.compile(r"^(PAST_REF|PRESENT_REF|FUTURE_REF|P[0-9X.]+[YMWDHCE]+|PT[0-9X]+[HMS]|P[0-9X]+DE|"
                   r"[0-9X]{2,4}(-([0-9X]{2}|Q[1-4]|H[12]|SP|SU|FA|WI|W[0-9X]{2}(-WE)?)(-[0-9X]{2})?)?"
                   r"(T([0-9]{2}:[0-9]{2}(:[0-9]{2})?|MO|AF|EV|NI))?)$")


def main(doc_path, json_path):
    doc = open(doc_path, "rb").read()
    problems = []
    try:
        obj = json.load(open(json_path, encoding="utf-8"))
    except ValueError as e:
        print(f"{json_path}: not JSON: {e}")
        return 1

    def need(cond, msg):
        if not cond:
            problems.append(msg)

    need(obj.get("version") == 1, "version must be 1")
    need(obj.get("lang") in {"zh", "zh-Hant", "vi", "en", "und"}, f"lang {obj.get('lang')!r}")
    dct = obj.get("dct")
    need(dct is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", dct), f"dct {dct!r}")
    need(obj.get("dct_source") in {None, "option", "front_matter", "dateline"}, "dct_source")
    for key in ("entities", "timexes", "events"):
        need(isinstance(obj.get(key), list), f"{key} must be a list")

    def span(x, what):
        s, e = x.get("start"), x.get("end")
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(doc)):
            problems.append(f"{what}: bad span {s}..{e}")
            return
        try:
            got = doc[s:e].decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"{what}: span {s}..{e} cuts a character")
            return
        if "text" in x and got != x["text"]:
            problems.append(f"{what}: text {x['text']!r} but bytes say {got!r}")

    last = -1
    for i, t in enumerate(obj.get("timexes") or []):
        span(t, f"timex {i}")
        need(t.get("type") in TIMEX_TYPES, f"timex {i}: type {t.get('type')!r}")
        need(isinstance(t.get("value"), str) and VALUE.match(t["value"]), f"timex {i}: value {t.get('value')!r}")
        need(t.get("mod") in MODS, f"timex {i}: mod {t.get('mod')!r}")
        ev = t.get("end_value")
        need(ev is None or VALUE.match(ev), f"timex {i}: end_value {ev!r}")
        need(t.get("start", 0) >= last, f"timex {i}: out of order")
        last = t.get("end", last)
    for i, e in enumerate(obj.get("entities") or []):
        span(e, f"entity {i}")
        need(e.get("type") in ENTITY_TYPES, f"entity {i}: type {e.get('type')!r}")
        need(isinstance(e.get("id"), str) and e["id"], f"entity {i}: id")
    ntx = len(obj.get("timexes") or [])
    for i, v in enumerate(obj.get("events") or []):
        span({"start": v.get("start"), "end": v.get("end"), "text": v.get("trigger")}, f"event {i}")
        need(re.fullmatch(r"(0[1-9]|1[0-9]|20)", str(v.get("type"))), f"event {i}: type {v.get('type')!r}")
        need(v.get("timex") is None or 0 <= v["timex"] < ntx, f"event {i}: timex index")
        need(isinstance(v.get("actors"), list), f"event {i}: actors")
    for p in problems:
        print(f"{json_path}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
