#!/usr/bin/env bash
# The Dynamic R-CNN study (README, "Dynamic R-CNN: the study"): every grid is one resumable `dyndet compare`, 3 seeds.
#
#   scripts/study-dynamic-rcnn.sh sampler256   Faster R-CNN, the Dynamic R-CNN config with both strategies off, DLA only,
#   scripts/study-dynamic-rcnn.sh sampler512   DSL only, DLA + DSL; R-CNN sampler as the CPU preset has it (256 RoIs
#                                              per image) or as MMDetection's (512). 2000 iterations.
#   scripts/study-dynamic-rcnn.sh pretrained   the regimes: Faster R-CNN, strategies off, DLA + DSL with a backbone from
#   scripts/study-dynamic-rcnn.sh clean        `dyndet pretrain` (heads from scratch), on clean data (no occlusion,
#   scripts/study-dynamic-rcnn.sh longer       little noise, no clutter: boxes can be exact), or twice as long.
#
# Extra KEY=VALUE arguments go to every row. DYNDET (default ./dyndet) runs the tool; interrupt at will and rerun the
# same command to continue. `pretrained` starts from runs/pretrain-r18/backbone.pth: the committed copy in
# results/pretrain-r18/ (the file the study ran with; copied there when missing) or your own, made with
#   ./dyndet pretrain --config faster_rcnn_r18_cpu --iters 4000 --out runs/pretrain-r18 \
#       --train-data "synthetic:images=4000,seed=11,size=256,classes=4,max_objects=10,min_size=24"
# (training depends on the CPU and the thread count, so yours is another draw of the same recipe).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dyndet=${DYNDET:-./dyndet}
grid="${1:?which grid: sampler256, sampler512, pretrained, clean or longer}"
shift
D=model.dynamic_rcnn
off="dynamic_rcnn_r18_cpu@$D.dynamic_iou=false@$D.dynamic_beta=false"
clean="size=256,classes=4,max_objects=10,min_size=24,occlusion=0,noise=2,clutter=0"
case "$grid" in
  sampler256|sampler512)
    common=()
    [ "$grid" = sampler512 ] && common=(model.roi_head.sampler.num=512)
    exec $dyndet compare faster_rcnn_r18_cpu "$off" "dynamic_rcnn_r18_cpu@$D.dynamic_beta=false" \
      "dynamic_rcnn_r18_cpu@$D.dynamic_iou=false" dynamic_rcnn_r18_cpu \
      --name "Faster R-CNN" --name "Dynamic R-CNN config, strategies off" --name "DLA only" --name "DSL only" --name "DLA + DSL" \
      --seeds 1,2,3 --out "runs/study-dynamic-rcnn-$grid" ${common[@]+"${common[@]}"} "$@" ;;
  pretrained)
    if [ ! -f runs/pretrain-r18/backbone.pth ]; then
      mkdir -p runs/pretrain-r18 && cp results/pretrain-r18/backbone.pth results/pretrain-r18/pretrain.json runs/pretrain-r18/
    fi
    common=(model.backbone.weights=runs/pretrain-r18/backbone.pth) ;;
  clean) common=("data.train=synthetic:images=2000,seed=1,$clean" "data.val=synthetic:images=200,seed=2,$clean") ;;
  longer) common=(train.max_iters=4000 "train.steps=[3000,3600]") ;;
  *) echo "error: unknown grid '$grid' (sampler256, sampler512, pretrained, clean, longer)" >&2; exit 2 ;;
esac
exec $dyndet compare faster_rcnn_r18_cpu "$off" dynamic_rcnn_r18_cpu \
  --name "Faster R-CNN" --name "Dynamic R-CNN config, strategies off" --name "DLA + DSL" \
  --seeds 1,2,3 --out "runs/regime-$grid" "${common[@]}" "$@"
