#!/usr/bin/env bash
# The step overhead of each config's dynamic parts: `dyndet bench --compare-dynamic` (training steps with and without
# the parts, alternated one by one in one process) repeated ROUNDS times; prints each round and the median overhead.
#   benchmarks/dynamic_overhead.sh SIZE BATCH ITERS ROUNDS CONFIG [CONFIG...]
# Run it on a quiet machine: the ratio is robust to slow drifts, not to another program taking a core.
set -euo pipefail
cd "$(dirname "$0")/.."
size=$1; batch=$2; iters=$3; rounds=$4; shift 4
for config in "$@"; do
  results=$(mktemp)
  for ((r = 1; r <= rounds; r++)); do
    ./dyndet bench --model "$config" --size "$size" --batch "$batch" --iters "$iters" --compare-dynamic --json | tail -n 1 | tee -a "$results"
  done
  /usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
o = statistics.median(r["overhead_percent"] for r in rows)
d = statistics.median(r["train_ms_dynamic"] for r in rows)
b = statistics.median(r["train_ms_baseline"] for r in rows)
print(f"{rows[0]['model']} ({', '.join(rows[0]['dynamic_parts'])}): dynamic {d:.1f} ms, baseline {b:.1f} ms, "
      f"overhead median {o:+.2f} % (rounds: " + ", ".join("%+.2f" % r["overhead_percent"] for r in rows) + ")")
PY
  rm -f "$results"
done
