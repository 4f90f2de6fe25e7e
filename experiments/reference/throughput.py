#!/usr/bin/env python3
"""PyTorch's training and inference speed on Lab 3's models: the reference the Throughput experiment runs
side by side with DL4J, in the same invocation, with the same batch sizes and thread count.

Each model (the replicas in lab3_pytorch.py) on random in-memory MNIST-shaped data, float32, Adam (Keras'
epsilon), cross-entropy: `warmup` training steps, then the fastest of `rounds` timings of `iters` steps; then the same for
inference in eval mode under no_grad. Prints one JSON object per model on stdout:

  python3 throughput.py --models simple_cnn,lenet5 --batch 128 --infer-batch 256 --threads 2 --iters 20

Needs torch (Debian: python3-torch).
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab3_pytorch as lab3  # noqa: E402

MODELS = {
    "simple_cnn": lab3.simple_cnn,
    "lenet5": lab3.lenet5,
    "vgg_style": lab3.vgg_style,
    "resnet_style": lambda: lab3.resnet_style(0.9),
}


def timed(step, warmup, iters, rounds):
    """The fastest of `rounds` timings of `iters` steps, after `warmup` steps (this shared machine is noisy)."""
    for _ in range(warmup):
        step()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iters):
            step()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--infer-batch", type=int, default=256)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    for name in a.models.split(","):
        model = lab3.keras_init(MODELS[name]())
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = nn.CrossEntropyLoss()
        x = torch.rand(a.batch, 1, 28, 28)
        y = torch.randint(0, 10, (a.batch,))

        def train_step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()

        model.train()
        train_s = timed(train_step, a.warmup, a.iters, a.rounds)
        xi = torch.rand(a.infer_batch, 1, 28, 28)
        model.eval()
        with torch.no_grad():
            infer_s = timed(lambda: model(xi), a.warmup, a.iters, a.rounds)
        print(json.dumps({"model": name, "train_images_per_sec": a.batch * a.iters / train_s,
                          "inference_images_per_sec": a.infer_batch * a.iters / infer_s,
                          "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
