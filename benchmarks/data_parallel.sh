#!/usr/bin/env bash
# Data-parallel scaling on this machine: images/s of 1 process x THREADS threads against N processes x THREADS/N
# threads at the same global batch (N x 1 image against 1 x N images), and rank 0's gradient all-reduce per step.
#   benchmarks/data_parallel.sh [CONFIG] [STEPS] [SIZE] [N] [THREADS]     (defaults: faster_rcnn_r18_cpu 50 256 2 2)
# Each setting trains CONFIG on synthetic data at SIZE (no validation) for 10 and for 10 + STEPS iterations; the difference of the two wall times
# is STEPS steps without the start-up. DYNDET_PROFILE=1's `grad.reduce` phase is rank 0's all-reduce of the
# gradients in 25 MiB buckets, waiting for the slower rank included. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-faster_rcnn_r18_cpu}; steps=${2:-50}; size=${3:-256}; n=${4:-2}; threads=${5:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(--config "$config" --train-data "synthetic:images=200,seed=1,size=$size,classes=4,max_objects=10,min_size=24" "model.num_classes=0" "data.val=null" "data.train_scales=[[$size,$size]]" "train.log_interval=10")

wall() {  # wall seconds of one training command; its log kept in $out/log
  local start end
  start=$(date +%s.%N)
  DYNDET_PROFILE=1 "$@" > "$out/log" 2>&1 || { tail -n 20 "$out/log" >&2; exit 1; }
  end=$(date +%s.%N)
  /usr/bin/python3 -c "print($end - $start)"
}

measure() {  # label, then the launcher arguments before --config
  local label=$1 short long reduce
  shift
  short=$(wall ./dyndet train "$@" "${common[@]}" --out "$out/run" --max-iters 10 "${extra[@]}")
  rm -rf "$out/run"
  long=$(wall ./dyndet train "$@" "${common[@]}" --out "$out/run" --max-iters $((10 + steps)) "${extra[@]}")
  rm -rf "$out/run"
  reduce=$(awk '$1 == "grad.reduce" { print $2 }' "$out/log")
  /usr/bin/python3 -c "
steps, short, long, batch = $steps, $short, $long, $n
s = (long - short) / steps
print(f'$label: {s * 1000:.0f} ms/step, {batch / s:.2f} images/s; grad.reduce ${reduce:-n/a} ms/step')"
}

echo "$config at ${size}px, global batch $n, $steps steps:"
extra=("data.images_per_batch=$n" "train.threads=$threads")
measure "1 process x $threads threads, $n images"
extra=("data.images_per_batch=1")
measure "$n processes x $((threads / n)) thread(s), 1 image each" --nproc "$n"
