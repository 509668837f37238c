#!/usr/bin/python3
"""Turns a `dyndet compare` output (compare.json) into a committed study record, results/KEY.json, that the demos
print beside their own run: the rows get readable names (the spec each ran is kept), and the title, the command and
the one-line finding are added. Only the standard library.

  scripts/study-record.py runs/ablation-dynamic-atss/compare.json results/dynamic-atss.json \
      --title "Dynamic ATSS vs ATSS" --command "..." --finding "..." --names "ATSS" "+ combined IoUs" ...
"""
import argparse
import json


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("compare_json")
    parser.add_argument("out")
    parser.add_argument("--title", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--finding", required=True)
    parser.add_argument("--names", nargs="*", default=[], help="one per row, in row order (default: each row's label)")
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
    record = {"title": args.title, "command": args.command, "finding": args.finding, **study}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
