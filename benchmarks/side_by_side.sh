#!/usr/bin/env bash
# Times DynDet and its PyTorch peer back to back, alternating, and prints the ratio of medians.
#   benchmarks/side_by_side.sh MODEL SIZE BATCH [ROUNDS] [ITERS] [THREADS]
# MODEL: fasterrcnn_r18 | fasterrcnn_r50 (peer: ../shared/bench/peer_bench.py) or resnet50_cls | resnet18_cls
# (peer: benchmarks/peer/classifier_bench.py). Each round runs the peer, then dyndet bench, each with ITERS
# timed iterations after one warm-up; alternating cancels slow drifts of the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
model=$1; size=$2; batch=$3; rounds=${4:-3}; iters=${5:-3}; threads=${6:-2}
shared=${DYNDET_SHARED:-../shared}
case "$model" in
  resnet*_cls) depth=${model#resnet}; depth=${depth%_cls}
               peer=(/usr/bin/python3 benchmarks/peer/classifier_bench.py "$depth" "$size" "$batch" "$iters" "$threads") ;;
  *) peer=(/usr/bin/python3 "$shared/bench/peer_bench.py" "$model" "$size" "$batch" "$iters" "$threads") ;;
esac
mine=(./dyndet bench --model "$model" --size "$size" --batch "$batch" --iters "$iters" --threads "$threads" --json)
results=$(mktemp)
for ((r = 1; r <= rounds; r++)); do
  echo "peer   $("${peer[@]}" | tail -n 1)" | tee -a "$results"
  echo "dyndet $("${mine[@]}" | tail -n 1)" | tee -a "$results"
done
/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
rows = {"peer": [], "dyndet": []}
for line in open(sys.argv[1]):
    who, _, payload = line.partition(" ")
    rows[who].append(json.loads(payload))
for key in ("train_ms", "infer_ms"):
    p = statistics.median(r[key] for r in rows["peer"])
    d = statistics.median(r[key] for r in rows["dyndet"])
    print(f"{key}: dyndet {d:.1f} / peer {p:.1f} = {d / p:.3f}x (medians of {len(rows['peer'])} rounds)")
PY
rm -f "$results"
