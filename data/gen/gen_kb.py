#!/usr/bin/env python3
"""Generate data/kb.tsv, the knowledge base the engine loads.

Sources:
  - Debian's iso-codes: ISO 3166-1 country names in English, with the zh_CN,
    zh_TW and vi translations shipped as gettext catalogues;
  - the curated tables in data/src/*.tsv (format in data/src/README.md).

Output columns: id type name en zh vi desc from to country
  id  the Wikidata id when the tables give one, else "L" + 16 hex digits of
      FNV-1a 64 over the folded name (lower case, no diacritics, đ -> d) —
      the same function the engine uses for names it finds by rule, so an
      entity gets the same id however it was found.
Usage: gen_kb.py [ISO_CODES_JSON_DIR] [LOCALE_DIR] [OUT]
"""
import gettext
import glob
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")
iso_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/iso-codes/json"
locale_dir = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/locale"
out_path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "..", "kb.tsv")
COLS = ["key", "type", "name", "en", "zh", "vi", "desc", "from", "to", "country"]


def fold_id(name):
    s = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return " ".join(s.split())


def local_id(name):
    h = 0xcbf29ce484222325
    for b in fold_id(name).encode("utf-8"):
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "L%016x" % h


def split(cell):
    return [x.strip() for x in cell.split("|") if x.strip()]


def read_table(path):
    rows = []
    header = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                if header != COLS:
                    sys.exit(f"{path}:{n}: header must be {COLS}")
                continue
            if len(fields) != len(COLS):
                sys.exit(f"{path}:{n}: {len(fields)} fields, expected {len(COLS)}")
            rows.append(dict(zip(COLS, fields), _src=f"{os.path.basename(path)}:{n}"))
    return rows


VI_GENERIC = ("tỉnh ", "thành phố ", "huyện ", "quận ", "phường ", "xã ", "nước ")


def clean_vi(names, typ):
    """"tỉnh Bắc Ninh" is the noun province + the name: the name alone is the mention"""
    out = []
    for n in names:
        low = n.lower()
        if typ == "GPE" and low.startswith(VI_GENERIC) and len(n.split()) > 2:
            continue
        out.append(unicodedata.normalize("NFC", n))
    return out


def iso_countries():
    data = json.load(open(os.path.join(iso_dir, "iso_3166-1.json"), encoding="utf-8"))["3166-1"]
    cats = {}
    for lang in ("zh_CN", "zh_TW", "vi"):
        try:
            cats[lang] = gettext.translation("iso_3166-1", localedir=locale_dir, languages=[lang])
        except OSError:
            cats[lang] = None
    out = {}
    for c in data:
        en = [c.get("common_name"), c["name"], c.get("official_name")]
        en = [x for x in en if x]
        tr = {}
        for lang, cat in cats.items():
            names = []
            for x in en:
                t = cat.gettext(x) if cat else x
                if t != x:
                    names.append(t)
            tr[lang] = names
        out[c["alpha_2"]] = {"en": en, "zh": tr["zh_CN"] + tr["zh_TW"], "vi": tr["vi"]}
    return out


def main():
    entities = []
    iso = iso_countries()
    extra = read_table(os.path.join(SRC, "countries_extra.tsv"))
    covered = set()
    for r in extra:
        code = r["country"]
        if r["type"] == "GPE" and code in iso and code not in covered and not r["to"]:
            covered.add(code)
            for lang in ("en", "zh", "vi"):
                r[lang] = "|".join(split(r[lang]) + iso[code][lang])
        entities.append(r)
    for code, names in sorted(iso.items()):
        if code in covered:
            continue
        name = names["en"][0]
        entities.append({"key": "", "type": "GPE", "name": name, "en": "|".join(names["en"][1:]),
                         "zh": "|".join(names["zh"]), "vi": "|".join(names["vi"]),
                         "desc": "Country or territory (ISO 3166-1 %s)" % code, "from": "", "to": "",
                         "country": code, "_src": "iso-codes"})
    for path in sorted(glob.glob(os.path.join(SRC, "*.tsv"))):
        base = os.path.basename(path)
        if base in ("countries_extra.tsv", "t2s_extra.tsv"):
            continue
        entities += read_table(path)
    seen_ids, seen_names = {}, {}
    lines = []
    for r in entities:
        if r["type"] not in ("PERSON", "GPE", "LOC", "ORG"):
            sys.exit(f"{r['_src']}: bad type {r['type']!r}")
        if r["name"] in seen_names:
            print(f"warning: {r['_src']}: duplicate name {r['name']!r} (first in {seen_names[r['name']]}); skipped",
                  file=sys.stderr)
            continue
        seen_names[r["name"]] = r["_src"]
        eid = r["key"] or local_id(r["name"])
        if eid in seen_ids and not r["key"]:
            # two names that differ only in diacritics (Hiến, Hiện): the later one
            # gets an id of its own; a text without diacritics links to the first
            eid = local_id(r["name"] + "#2")
        if eid in seen_ids:
            print(f"warning: {r['_src']}: id {eid} already used by {seen_ids[eid]}; skipped", file=sys.stderr)
            continue
        seen_ids[eid] = r["name"]
        en = [x for x in split(r["en"]) if x != r["name"]]
        zh = split(r["zh"])
        vi = clean_vi(split(r["vi"]), r["type"])
        dedup = lambda xs: list(dict.fromkeys(xs))
        cells = [eid, r["type"], r["name"], "|".join(dedup(en)), "|".join(dedup(zh)), "|".join(dedup(vi)),
                 r["desc"], r["from"], r["to"], r["country"]]
        lines.append("\t".join(c.replace("\t", " ") for c in cells))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("# generated by data/gen/gen_kb.py from Debian iso-codes and data/src/*.tsv; do not edit\n")
        f.write("\t".join(["id"] + COLS[1:]) + "\n")
        for line in lines:
            f.write(line + "\n")
    print(f"{out_path}: {len(lines)} entities", file=sys.stderr)


if __name__ == "__main__":
    main()
