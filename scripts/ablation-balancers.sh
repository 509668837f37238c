#!/usr/bin/env bash
# Baseline vs AVW vs RLO (SPEC §7.1) on the CPU presets, several seeds per row.
#
# Trains every (detector, method, seed) into OUT/<detector>/<method>/seed<S> with `dyndet train` (the preset's
# built-in synthetic train/val data; the final evaluation lands in metrics.json), then prints, per detector and
# method, the mean ± sample std (n − 1) over seeds of the final COCO AP, AP50 and AP75.
#   baseline: the preset as it is;
#   avw / rlo: the preset with `balancer` on every multi-level head (RetinaNet: bbox_head; Faster R-CNN: rpn and
#              roi_head, two instances) at the paper's defaults, or with --interval a shorter α.
# A finished run (OUT/.../.done) is skipped; an unfinished one is resumed (--resume), so the script can be re-run
# after an interruption.
#
# Usage: scripts/ablation-balancers.sh [--seeds "0 1 2"] [--detectors "retinanet_r18_cpu faster_rcnn_r18_cpu"]
#          [--methods "baseline avw rlo"] [--out runs/ablation-balancers] [--iters N] [--interval A] [--summary-only]
#   --iters N     a short schedule for checking the script: N iterations, lr steps at 3N/4, warm-up N/4, logs every N/4
#   --interval A  the balancers' α (default: the preset's 100)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
seeds="0 1 2"
detectors="retinanet_r18_cpu faster_rcnn_r18_cpu"
methods="baseline avw rlo"
out="runs/ablation-balancers"
iters=""
interval=""
summary_only=0

while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --detectors) detectors="$2"; shift 2 ;;
    --methods) methods="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --iters) iters="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --summary-only) summary_only=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

for m in $methods; do
  case "$m" in baseline|avw|rlo) ;; *) echo "error: method '$m' is not one of baseline, avw, rlo" >&2; exit 2 ;; esac
done

heads_of() {
  case "$1" in
    faster_rcnn*|dynamic_rcnn*|fasterrcnn*) echo "rpn roi_head" ;;
    *) echo "bbox_head" ;;
  esac
}

if [ "$summary_only" -eq 0 ]; then
  for detector in $detectors; do
    for method in $methods; do
      for seed in $seeds; do
        dir="$out/$detector/$method/seed$seed"
        if [ -f "$dir/.done" ]; then
          echo "== $detector $method seed $seed: done, skipped"
          continue
        fi
        overrides=("train.seed=$seed")
        if [ -n "$iters" ]; then
          quarter=$(( iters / 4 > 0 ? iters / 4 : 1 ))
          overrides+=("train.max_iters=$iters" "train.max_epochs=null" "train.steps=[$(( iters * 3 / 4 > 0 ? iters * 3 / 4 : 1 ))]"
                      "train.warmup_iters=$quarter" "train.log_interval=$quarter")
        fi
        if [ "$method" != baseline ]; then
          spec="{\"method\":\"$method\"${interval:+,\"interval\":$interval}}"
          for head in $(heads_of "$detector"); do
            overrides+=("model.$head.balancer=$spec")
          done
        fi
        resume=()
        if [ -f "$dir/latest.pth" ]; then
          resume=(--resume)
        fi
        echo "== $detector $method seed $seed: ${overrides[*]}"
        "$repo/dyndet" train --config "$detector" --out "$dir" "${resume[@]}" "${overrides[@]}"
        touch "$dir/.done"
      done
    done
  done
fi

/usr/bin/python3 - "$out" "$detectors" "$methods" "$seeds" <<'PY'
import json, math, os, sys

out, detectors, methods, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
keys = ["AP", "AP50", "AP75"]


def cell(values):
    if not values:
        return "-"
    mean = sum(values) / len(values)
    if len(values) < 2:
        return f"{mean:.3f} (n=1)"
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    return f"{mean:.3f} ± {std:.3f}"


print()
print("| detector | method | seeds | " + " | ".join(keys) + " |")
print("|---|---|---|" + "---|" * len(keys))
for detector in detectors:
    for method in methods:
        finals = []
        for seed in seeds:
            path = os.path.join(out, detector, method, f"seed{seed}", "metrics.json")
            if not os.path.exists(path):
                continue
            evals = json.load(open(path)).get("eval", [])
            if evals:
                finals.append(evals[-1])
        row = [cell([e[k] for e in finals if k in e]) for k in keys]
        print(f"| {detector} | {method} | {len(finals)} | " + " | ".join(row) + " |")
PY
