#!/usr/bin/python3
"""Turns a `dyndet compare` output (compare.json) into a committed study record, results/KEY.json, that the demos
print beside their own run: the rows get readable names (the spec each ran is kept), and the title, the command and
the one-line finding are added. Only the standard library.

  scripts/study-record.py runs/ablation-dynamic-atss/compare.json results/dynamic-atss.json \
      --title "Dynamic ATSS vs ATSS" --command "..." --finding "..." --names "ATSS" "+ combined IoUs" ...
"""
import argparse
import filecmp
import json
import os


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("compare_json")
    parser.add_argument("out")
    parser.add_argument("--title", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--finding", required=True)
    parser.add_argument("--names", nargs="*", default=[], help="one per row, in row order (default: each row's label)")
    parser.add_argument("--file", action="append", default=[], metavar="PATH=BUILTIN",
                        help="a file the overrides name (PATH, as they give it) that is committed as results/BUILTIN and "
                             "built in: the demo writes it out and points the overrides there")
    args = parser.parse_args()
    with open(args.compare_json, encoding="utf-8") as f:
        study = json.load(f)
    rows = study["rows"]
    if args.names and len(args.names) != len(rows):
        parser.error(f"{len(args.names)} names for {len(rows)} rows")
    for i, row in enumerate(rows):
        spec = "@".join([row["config"], *row["overrides"]])
        row["spec"] = spec
        row["label"] = args.names[i] if args.names else row["label"]
        row.pop("folder", None)
    files = {}
    for item in args.file:
        path, _, builtin = item.partition("=")
        committed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", builtin)
        if not builtin or not os.path.isfile(committed):
            parser.error(f"--file {item}: results/{builtin} does not exist")
        if not any(o.endswith("=" + path) for o in study["overrides"]):
            parser.error(f"--file {item}: no override of the study names {path}")
        if os.path.isfile(path) and not filecmp.cmp(path, committed, shallow=False):
            parser.error(f"--file {item}: {path} differs from results/{builtin}")
        files[path] = builtin
    record = {"title": args.title, "command": args.command, "finding": args.finding, **study}
    if files:
        record["files"] = files
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
