#!/usr/bin/python3
"""Peer timing for `dyndet bench --model resnet50_cls`: a torchvision ResNet classification step.

Usage: classifier_bench.py DEPTH SIZE BATCH [ITERS] [THREADS]
Times forward + cross-entropy + backward + SGD (momentum 0.9) on a fixed random batch, and an inference
forward in eval mode, as ../shared/bench/peer_bench.py times detectors (one warm-up, then the mean).
Prints one JSON line.
"""
import json
import sys
import time

import torch
import torchvision

depth, size, batch = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
iters = int(sys.argv[4]) if len(sys.argv) > 4 else 3
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
model = getattr(torchvision.models, f"resnet{depth}")(weights=None)
g = torch.Generator().manual_seed(1)
x = torch.rand(batch, 3, size, size, generator=g)
y = torch.randint(0, 1000, (batch,), generator=g)
opt = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
model.train()


def step():
    loss = torch.nn.functional.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()


step()
t = time.perf_counter()
for _ in range(iters):
    step()
train_ms = (time.perf_counter() - t) / iters * 1000
model.eval()
with torch.no_grad():
    model(x)
    t = time.perf_counter()
    for _ in range(iters):
        model(x)
    infer_ms = (time.perf_counter() - t) / iters * 1000
print(json.dumps({"model": f"resnet{depth}_cls", "size": size, "batch": batch, "threads": threads,
                  "train_ms": round(train_ms, 1), "infer_ms": round(infer_ms, 1)}))
