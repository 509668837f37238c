#!/usr/bin/python3
"""Writes a COCO-sized evaluation set for timing `dyndet eval`: OUTDIR/gt.json and OUTDIR/dt.json.

Usage: /usr/bin/python3 benchmarks/make_cocoeval_set.py OUTDIR [IMAGES] [DETS_PER_IMAGE]

Defaults: 5000 images (COCO val2017's count), 80 categories with COCO's id gaps, ~7.3 objects per image (COCO's
mean) of mixed sizes, 1 % crowds, and 100 detections per image (the usual test-time cap): jittered copies of the
objects plus background boxes, mostly in the objects' categories. Deterministic (seed 0).
"""
import json
import os
import sys

import numpy as np


def main():
    out = sys.argv[1]
    n_images = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    per_image = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    rng = np.random.RandomState(0)
    cat_ids = [i for i in range(1, 91) if i not in (12, 26, 29, 30, 45, 66, 68, 69, 71, 83)]
    images, annotations, results = [], [], []
    ann_id = 1
    for image_id in range(1, n_images + 1):
        w, h = int(rng.randint(300, 641)), int(rng.randint(300, 641))
        images.append({"id": image_id, "width": w, "height": h, "file_name": f"{image_id:012d}.jpg"})
        n = int(rng.poisson(7.3))
        sides = np.exp(rng.uniform(np.log(8), np.log(400), n))
        cats = rng.choice(cat_ids, n)
        boxes = []
        for side, cat in zip(sides, cats):
            bw, bh = min(w - 1, side * rng.uniform(0.6, 1.4)), min(h - 1, side * rng.uniform(0.6, 1.4))
            x, y = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
            box = [round(float(v), 2) for v in (x, y, bw, bh)]
            boxes.append((int(cat), box))
            annotations.append({"id": ann_id, "image_id": image_id, "category_id": int(cat), "bbox": box,
                                "area": round(box[2] * box[3] * float(rng.uniform(0.5, 0.9)), 2),
                                "iscrowd": int(rng.rand() < 0.01)})
            ann_id += 1
        for k in range(per_image):
            if boxes and k < 4 * len(boxes):
                cat, (x, y, bw, bh) = boxes[k % len(boxes)]
                box = [x + rng.normal(0, 0.1 * bw), y + rng.normal(0, 0.1 * bh),
                       bw * np.exp(rng.normal(0, 0.1)), bh * np.exp(rng.normal(0, 0.1))]
                cat = cat if rng.rand() < 0.8 else int(rng.choice(cat_ids))
            else:
                side = float(np.exp(rng.uniform(np.log(8), np.log(300))))
                box = [rng.uniform(0, w - side), rng.uniform(0, h - side), side, side]
                cat = int(rng.choice(cats)) if len(cats) and rng.rand() < 0.7 else int(rng.choice(cat_ids))
            results.append({"image_id": image_id, "category_id": int(cat),
                            "bbox": [round(float(v), 2) for v in box], "score": round(float(rng.rand()), 4)})
    os.makedirs(out, exist_ok=True)
    categories = [{"id": c, "name": f"class{c}", "supercategory": "thing"} for c in cat_ids]
    with open(os.path.join(out, "gt.json"), "w") as f:
        json.dump({"images": images, "annotations": annotations, "categories": categories}, f)
    with open(os.path.join(out, "dt.json"), "w") as f:
        json.dump(results, f)
    print(f"{out}: {len(images)} images, {len(annotations)} annotations, {len(results)} detections")


if __name__ == "__main__":
    main()
