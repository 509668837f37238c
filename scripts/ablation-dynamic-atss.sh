#!/usr/bin/env bash
# The Dynamic ATSS ablation (SPEC §7.2; the paper's Tables 1-2) on the built-in synthetic data with the CPU presets:
# each row x each seed is one `dyndet train` run; then mean ± sample std of the final COCO AP / AP50 / AP75 (and
# AP_L, the paper's largest gain) over the seeds, read from each run's metrics.json.
#
#   rows: atss            ATSS (atss_r18_cpu)
#         ciou            + combined IoUs (predicted + anchor IoUs; focal loss, centerness branch)
#         ciou_qfl        + QFL to the predicted IoU
#         ciou_qfl_iou    + IoU branch = Dynamic ATSS (dynamic_atss_r18_cpu)
#         ciou_vfl_iou    the VFL variant (VFL alpha 0.75 instead of QFL, IoU branch)
#
# Usage: scripts/ablation-dynamic-atss.sh [--iters N] [--seeds "1 2 3"] [--rows "atss ciou ..."] [--out DIR]
#                                        [--summary-only] [KEY=VALUE ...]
#   --iters N       train N iterations per run (default: the presets' full schedule, 2000; with N < 2000 the
#                   learning-rate steps 1500/1800 never come)
#   --seeds         seeds per row (default "1 2 3"; train.seed, which also drives data order and augmentation)
#   --rows          a subset of the rows (default all five)
#   --out           output folder (default runs/ablation-dynamic-atss); one sub-folder per row and seed
#   --summary-only  do not train, summarise the runs already in --out
#   KEY=VALUE       overrides passed to every run
# A run whose folder already has a final evaluation in metrics.json is not trained again, so an interrupted
# ablation continues where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

iters="" seeds="1 2 3" rows="atss ciou ciou_qfl ciou_qfl_iou ciou_vfl_iou" out="runs/ablation-dynamic-atss" summary_only=0
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --iters) iters="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --summary-only) summary_only=1; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *=*) extra+=("$1"); shift ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

row_args() {
  local h=model.bbox_head
  case "$1" in
    atss)         echo "--config atss_r18_cpu" ;;
    ciou)         echo "--config atss_r18_cpu $h.assigner.combined_ious=true" ;;
    ciou_qfl)     echo "--config atss_r18_cpu $h.assigner.combined_ious=true $h.loss_cls.type=qfl" ;;
    ciou_qfl_iou) echo "--config dynamic_atss_r18_cpu" ;;
    ciou_vfl_iou) echo "--config dynamic_atss_r18_cpu $h.loss_cls.type=vfl $h.loss_cls.alpha=0.75" ;;
    *) echo "error: unknown row '$1' (rows: atss ciou ciou_qfl ciou_qfl_iou ciou_vfl_iou)" >&2; exit 2 ;;
  esac
}

if [[ $summary_only -eq 0 ]]; then
  for row in $rows; do
    args=$(row_args "$row")
    for seed in $seeds; do
      dir="$out/$row/seed$seed"
      if [[ -f "$dir/metrics.json" ]] && python3 -c "import json,sys; m=json.load(open('$dir/metrics.json')); sys.exit(0 if m['eval'] and m['eval'][-1]['iter']==m['train'][-1]['iter'] else 1)" 2>/dev/null; then
        echo "== $row seed $seed: done already ($dir)"
        continue
      fi
      echo "== $row seed $seed → $dir"
      started=$(date +%s)
      # shellcheck disable=SC2086
      ./dyndet train $args --out "$dir" --seed "$seed" ${iters:+--max-iters "$iters"} "${extra[@]}" > "$out.$row.seed$seed.log" 2>&1 \
        || { echo "error: $row seed $seed failed (see $out.$row.seed$seed.log)" >&2; exit 1; }
      echo "   $(( $(date +%s) - started )) s"
    done
  done
fi

python3 - "$out" $rows <<'PY'
import json, math, os, sys
out, rows = sys.argv[1], sys.argv[2:]
keys = ["AP", "AP50", "AP75", "APl"]
def stats(xs):
    m = sum(xs) / len(xs)
    s = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else float("nan")
    return m, s
print(f"{'row':<14} {'runs':>4} " + " ".join(f"{k:>15}" for k in keys) + f" {'pos_giou_loss':>15} {'pos_iou':>15} {'iters':>6}")
for row in rows:
    folder = os.path.join(out, row)
    runs = []
    for seed in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        path = os.path.join(folder, seed, "metrics.json")
        if not os.path.exists(path):
            continue
        m = json.load(open(path))
        if not m["eval"]:
            continue
        last, train = m["eval"][-1], m["train"][-1]
        runs.append((last, train))
    if not runs:
        print(f"{row:<14} {0:>4}   (no finished runs)")
        continue
    cells = []
    for k in keys:
        mean, std = stats([100 * r[0][k] for r in runs])
        cells.append(f"{mean:6.2f} ± {std:5.2f}" if not math.isnan(std) else f"{mean:6.2f}        ")
    for k in ("pos_giou_loss", "pos_iou"):
        values = [r[1][k] for r in runs if k in r[1]]
        mean, std = stats(values) if values else (float("nan"), float("nan"))
        cells.append(f"{mean:6.3f} ± {std:5.3f}" if not math.isnan(std) else f"{mean:6.3f}        ")
    print(f"{row:<14} {len(runs):>4} " + " ".join(f"{c:>15}" for c in cells) + f" {runs[0][1]['iter']:>6}")
print("AP columns: COCO box AP x 100 at the end of training, mean ± sample std over the seeds; pos_giou_loss and pos_iou:")
print("the positives' mean 1 - GIoU and predicted IoU over the last log interval (the assignment statistics).")
PY
