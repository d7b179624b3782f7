#!/usr/bin/env python3
"""make-corpus.py - writes the seed corpora of tests/fuzz/corpus/ from the
fixtures, the rule packs and a few hand-written inputs. Run it from
anywhere after the fixtures or packs change; it rewrites the seeds it owns
(seed-*) and leaves other files alone. Seeds stay small (under 32 KB)."""
import csv
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(HERE, "corpus")
MAX = 32 * 1024


def read(*parts):
    with open(os.path.join(SRC, *parts), "rb") as f:
        return f.read()


def put(target, name, data):
    if len(data) > MAX:
        sys.exit("make-corpus: seed %s/%s is %d bytes (max %d)" % (target, name, len(data), MAX))
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


# ---- fuzz_reader: 2 option bytes (max_field, flags), then CSV -----------------
def reader():
    files = {
        "crlf_bom": read("fixtures", "validate", "crlf_bom.csv"),
        "malformed": read("fixtures", "validate", "malformed.csv"),
        "no_drug": read("fixtures", "validate", "no_drug.csv"),
        "batch_mini": read("fixtures", "batch_mini", "input.csv"),
        "sample8": read("fixtures", "fluvoxamine_golden", "sample8.csv"),
        "golden": read("fixtures", "fluvoxamine_golden", "export.csv"),
        "sample_head": b"".join(read("fixtures", "sample_export.csv").splitlines(True)[:25]),
    }
    extra = {
        "mapped": b"Medication Name,Alter,country,dx\nfluvoxamine 50 mg,34,US,F42.2\n",
        "quoted_newline": b'drug_name,note\n"fluvox\namine",x\n"a""b",\r\n',
        "unterminated": b'drug_name,note\nfluvoxamine,"never closed\n',
        "runaway": b'drug_name,note\nx,"' + b"y" * 300 + b"\n" + b"z" * 300 + b'"\nfluvoxamine,ok\n',
        "cr_only": b"drug_name,age\rfluvoxamine,34\rluvox,abc\r",
        "ragged": b"drug_name,age,country\nfluvoxamine,34\nluvox,1,US,extra\n",
        "bad_utf8": b"drug_name,age\nfluvox\xc3\x28amine,34\n\xed\xa0\x80,1\n",
        "utf16": b"\xff\xfed\x00r\x00u\x00g\x00\n\x00",
        "values": b"drug_name,age,birth_date,rx_date,country,strength_mg,daily_dose_mg\n"
                  b"fluvoxamine,-1,2023-02-30,2024-13-01,USA,1e3,-5\n"
                  b"fluvoxamine,131,2020-02-29,2021-02-28T12:00:00Z,uk,.5mg,100000.0001\n"
                  b"fluvoxamine,+0,2000-01-01 00:00,,U1,0.0000000000000000001,99999999999999999999\n",
        "header_only": b"drug_name,age\n",
        "blank_lines": b"\n \t\ndrug_name\n\n\nfluvoxamine\n  \n",
    }
    opts = [b"\xff\x00", b"\x10\x01", b"\xff\x07", b"\x03\x04"]
    for i, (name, data) in enumerate(sorted({**files, **extra}.items())):
        put("fuzz_reader", name, opts[i % len(opts)] + data)


# ---- fuzz_rules: a.yaml [\n#%%\n b.yaml] --------------------------------------
SEP = b"\n#%%\n"


def rules():
    pack = read("tests", "packs", "mini", "pack.yaml")
    rl = read("tests", "packs", "mini", "rules.yaml")
    tests = read("tests", "packs", "mini", "tests.yaml")
    put("fuzz_rules", "mini_two_files", pack + SEP + rl + b"\n" + tests)
    put("fuzz_rules", "mini_one_file", pack + b"\n" + rl)
    put("fuzz_rules", "mini_tests_only", tests)
    flu = os.path.join(SRC, "rules", "fluvoxamine")
    for name in sorted(os.listdir(flu)):
        if name.endswith(".yaml"):
            data = read("rules", "fluvoxamine", name)
            if len(data) <= MAX:
                put("fuzz_rules", "fluvoxamine_" + name[:-5], data)
    put("fuzz_rules", "anchors", b"pack: &p\n  name: x\nsources: *p\n")
    put("fuzz_rules", "deep", b"a: " + b"[" * 80 + b"]" * 80 + b"\n")
    put("fuzz_rules", "tags", b"pack: !!map {name: !!int 3}\nx: !custom y\n")
    put("fuzz_rules", "two_docs", b"pack: {}\n---\npack: {}\n")
    put("fuzz_rules", "patterns",
        pack + SEP +
        b"regulatory:\n  - {id: r1, jurisdiction: US, indication: ocd, status: approved, reason: r, source: S1}\n"
        b"  - {id: r2, jurisdiction: GB, indication: ocd, status: off-label, reason: r, source: S1}\n"
        b"findings:\n"
        b"  - id: f1\n    kind: interaction\n    severity: major\n"
        b"    when: {co_medications: {pattern: '(a+)+$'}}\n    message: m\n    source: S1\n"
        b"  - id: f2\n    kind: dose\n    severity: minor\n"
        b"    when: {all: [{daily_dose_mg: {above: 200}}, {not: {age: {max: 17}}}, {any: [{drug_code: {code: [rxnorm:1]}}, {formulation: [immediate-release]}]}]}\n"
        b"    message: m\n    source: S1\n")


# ---- fuzz_check: 13 canonical values, one per line, then a note ---------------
CANON = ["patient_id", "birth_date", "age", "sex", "country", "rx_date", "drug_name",
         "drug_code", "form", "strength_mg", "daily_dose_mg", "diagnosis_codes",
         "co_medications"]


def rows_of(data):
    text = data.decode("utf-8-sig")
    rd = csv.DictReader(io.StringIO(text))
    for row in rd:
        yield row


def check():
    seen = 0
    want_names = ("fluvox", "luvox", "faverin", "dumyrox", "fevarin", "depromel",
                  "examplamine", "fluox", "fluvast")
    picked = []
    for src in (("fixtures", "sample_export.csv"), ("fixtures", "fluvoxamine_golden", "export.csv")):
        for row in rows_of(read(*src)):
            name = (row.get("drug_name") or "").lower()
            if any(w in name for w in want_names):
                picked.append(row)
    # Diverse, small: every fifth in-scope row of the sample, all of the golden.
    chosen = picked[::5][:40]
    for i, row in enumerate(chosen):
        vals = [row.get(c, "") or "" for c in CANON]
        put("fuzz_check", "row%02d" % i, ("\n".join(vals) + "\n" + (row.get("prescriber_id") or "")).encode())
        seen += 1
    hand = [
        ["P1", "", "34", "F", "US", "2024-06-01", "Luvox CR 100 mg", "rxnorm:903873",
         "extended-release capsule", "100", "350", "F42.2;F40.10;icd9:300.3", "tizanidine;ramelteon;rxnorm:10438"],
        ["P2", "2016-02-29", "", "M", "GB", "2024-02-28", "fluvoxamine 50 mg tablet", "atc:N06AB08",
         "tablet", "50", "", "F32.1|snomed:191736004|300.3", "thioridazine|pimozide|alosetron"],
        ["P3", "", "7", "", "JP", "", "デプロメール 25mg", "", "", "25", "", "F42", ""],
        ["P4", "", "", "", "", "", "fluvoxamine", "", "", "", "", "F42.2", ""],
    ]
    for i, vals in enumerate(hand):
        put("fuzz_check", "hand%d" % i, ("\n".join(vals) + "\nnote").encode())


# ---- fuzz_query: arguments, one per line --------------------------------------
def query():
    cases = [
        ["--drug", "Luvox CR 100 mg", "--dx", "F40.10", "--age", "34", "--country", "US"],
        ["--drug", "Fluvoxamine 50 mg tablet", "--dx", "F42.2", "--age", "10", "--country", "US"],
        ["--drug", "fluvoxamine", "--dx", "F32.1", "--age", "40", "--country", "US", "--explain"],
        ["--drug", "Luvox CR 100 mg", "--dx", "F42.2", "--age", "34", "--country", "US",
         "--comed", "tizanidine", "--json", "--explain", "--fail-on", "major"],
        ["--code", "rxnorm:903873", "--form", "capsule", "--dx", "F42.2,F32.1", "--dx", "300.3",
         "--birth-date", "2010-02-28", "--date", "2024-06-01", "--country", "GB", "--dose", "150",
         "--color", "always"],
        ["--drug", "fluoxetine", "--dx", "F42.2", "--age", "40", "--country", "US", "--color", "never"],
        ["--drug", "fluvoxamne", "--dx", "F42.2", "--age", "40", "--country", "US"],
        ["--help"],
        ["-h"],
        ["--drug"],
        ["--drug", "x", "--dx", "F42", "--age", "1", "--birth-date", "2000-01-01", "--country", "US"],
        ["--drug", "x", "--dx", "F42", "--age", "abc", "--country", "USA"],
        ["--colour=never", "--drug=fluvoxamine", "--dx=F42.2", "--age=30", "--country=us", "stray"],
        ["-xh"],
    ]
    for i, args in enumerate(cases):
        put("fuzz_query", "args%02d" % i, "\n".join(args).encode())
    put("fuzz_query", "nul_separated", b"--drug\0fluvoxamine\0--dx\0F42.2\0--age\0 34\0--country\0US")


def main():
    reader()
    rules()
    check()
    query()


if __name__ == "__main__":
    main()
