#!/usr/bin/env python3
"""PyTorch's training and inference speed on Lab 3's models: the reference the Throughput experiment runs
side by side with DL4J, in the same invocation, with the same batch sizes and thread count.

Each model (the replicas in lab3_pytorch.py) on random in-memory MNIST-shaped data, float32, Adam (Keras'
epsilon), cross-entropy: `warmup` training steps, then the fastest of `rounds` timings of `iters` steps; then the same for
inference in eval mode under no_grad. Each model is measured in every memory format of --memory-formats (PyTorch's
default contiguous NCHW, and channels_last, which its oneDNN convolutions prefer on some CPUs) and PyTorch is credited
with its fastest, training and inference separately, so that cnnlabs is compared with PyTorch at its best. Prints one
JSON object per model on stdout (the formats that won are in train_memory_format / inference_memory_format):

  python3 throughput.py --models simple_cnn,lenet5 --batch 128 --infer-batch 256 --threads 2 --iters 20

Needs torch: PyTorch 2.x (`python3 -m venv V && V/bin/pip install torch numpy`, then
`-Dpython=V/bin/python` on the Throughput experiment) or Debian's python3-torch (1.13).
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
    p.add_argument("--memory-formats", default="contiguous,channels_last")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    formats = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last}
    for name in a.models.split(","):
        best = {"train": (0.0, None), "inference": (0.0, None)}
        for fmt in a.memory_formats.split(","):
            train, infer = measure(name, formats[fmt], a)
            if train > best["train"][0]:
                best["train"] = (train, fmt)
            if infer > best["inference"][0]:
                best["inference"] = (infer, fmt)
        print(json.dumps({"model": name, "train_images_per_sec": best["train"][0],
                          "inference_images_per_sec": best["inference"][0],
                          "train_memory_format": best["train"][1], "inference_memory_format": best["inference"][1],
                          "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)


def measure(name, memory_format, a):
    """Training and inference images/s of model `name` with its weights and inputs in `memory_format`."""
    torch.manual_seed(a.seed)
    model = lab3.keras_init(MODELS[name]()).to(memory_format=memory_format)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(a.batch, 1, 28, 28).contiguous(memory_format=memory_format)
    y = torch.randint(0, 10, (a.batch,))

    def train_step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    model.train()
    train_s = timed(train_step, a.warmup, a.iters, a.rounds)
    xi = torch.rand(a.infer_batch, 1, 28, 28).contiguous(memory_format=memory_format)
    model.eval()
    with torch.no_grad():
        infer_s = timed(lambda: model(xi), a.warmup, a.iters, a.rounds)
    return a.batch * a.iters / train_s, a.infer_batch * a.iters / infer_s


if __name__ == "__main__":
    main()
