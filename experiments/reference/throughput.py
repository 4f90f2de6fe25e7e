#!/usr/bin/env python3
"""PyTorch's training and inference speed on the labs' models: the reference the Throughput experiment runs
side by side with DL4J, in the same invocation, with the same batch sizes and thread count.

Each model on random in-memory data of its input shape, float32, Adam (Keras' epsilon), cross-entropy: Lab 3's
four (the replicas in lab3_pytorch.py, 1x28x28), seed 000's SmallCNN and seed 002's CIFAR ResNet-18 (the seeds'
modules in seed_param_counts.py, 3x32x32) and MobileNetV2 as Keras builds it for Lab 3 Part 5 (below, 3x32x32);
`warmup` training steps (and more, up to `warmup_seconds` of them), then the fastest of `rounds` timings of `iters`
steps; then the same for inference in eval mode under no_grad. Each model is measured in every memory format of --memory-formats (PyTorch's
default contiguous NCHW, and channels_last, which its oneDNN convolutions prefer on some CPUs) and PyTorch is credited
with its fastest, training and inference separately, so that cnnlabs is compared with PyTorch at its best. Prints one
JSON object per model on stdout (the formats that won are in train_memory_format / inference_memory_format):

  python3 throughput.py --models simple_cnn,lenet5 --batch 128 --infer-batch 256 --threads 2 --iters 20

With --serve it measures one timing at a time on request instead, so that the Throughput experiment can take turns
with it round by round (one JSON request per line on stdin, one JSON answer per line on stdout):

  {"op": "versions"}                                   -> {"torch": "2.13.0+cpu", "onednn": "3.12.0", "threads": 2}
  {"op": "prepare", "model": "lenet5", "format": "channels_last", "mode": "train", "batch": 128,
   "warmup": 10, "warmup_seconds": 3.0}                -> {"ok": true}   (builds the model, runs the warm-up steps)
  {"op": "time", "model": "lenet5", "format": "channels_last", "mode": "train", "iters": 20}
                                                       -> {"seconds": 0.123}   (one timing of `iters` steps)
  {"op": "release"}                                    -> {"ok": true}   (forgets every model)

Needs torch: PyTorch 2.x (`python3 -m venv V && V/bin/pip install torch numpy`, then
`-Dpeer.python=V/bin/python` on the Throughput experiment) or Debian's python3-torch (1.13).
"""
import argparse
import json
import os
import re
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab3_pytorch as lab3  # noqa: E402
import seed_param_counts as seeds  # noqa: E402


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expansion (t > 1), 3x3 depthwise (stride s), 1x1 projection; residual when shapes match."""

    def __init__(self, i, o, s, t):
        super().__init__()
        h = i * t
        layers = [] if t == 1 else [nn.Conv2d(i, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6()]
        layers += [nn.Conv2d(h, h, 3, s, 1, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6(),
                   nn.Conv2d(h, o, 1, bias=False), nn.BatchNorm2d(o)]
        self.block = nn.Sequential(*layers)
        self.residual = s == 1 and i == o

    def forward(self, x):
        return x + self.block(x) if self.residual else self.block(x)


def mobilenetv2(classes=10):
    """Keras' MobileNetV2(alpha=1.0) base with a global-average-pooling and dense head: 2,236,682 parameters, as
    cnnlabs' mobilenetv2 (its t, c, n, s table; Keras pads stride-2 convolutions asymmetrically, same FLOPs)."""
    layers, i = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6()], 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                       (6, 320, 1, 1)]:
        for k in range(n):
            layers.append(InvertedResidual(i, c, s if k == 0 else 1, t))
            i = c
    layers += [nn.Conv2d(320, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU6(), nn.AdaptiveAvgPool2d(1),
               nn.Flatten(), nn.Linear(1280, classes)]
    return nn.Sequential(*layers)


MNIST = (1, 28, 28)
CIFAR = (3, 32, 32)
# name -> (model, input shape per image)
MODELS = {
    "simple_cnn": (lambda: lab3.keras_init(lab3.simple_cnn()), MNIST),
    "lenet5": (lambda: lab3.keras_init(lab3.lenet5()), MNIST),
    "vgg_style": (lambda: lab3.keras_init(lab3.vgg_style()), MNIST),
    "resnet_style": (lambda: lab3.keras_init(lab3.resnet_style(0.9)), MNIST),
    "small_cnn": (seeds.SmallCNN, CIFAR),
    "resnet18": (lambda: seeds.ResNet(seeds.BasicBlock, [2, 2, 2, 2]), CIFAR),
    "mobilenetv2": (mobilenetv2, CIFAR),
}


def timed(step, warmup, iters, rounds, warmup_seconds=0.0):
    """The fastest of `rounds` timings of `iters` steps, after `warmup` steps and at least `warmup_seconds` of them
    (this shared machine is noisy)."""
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < warmup_seconds:
        step()
        done += 1
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
    p.add_argument("--warmup-seconds", type=float, default=0.0)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--memory-formats", default="contiguous,channels_last")
    p.add_argument("--serve", action="store_true", help="answer timing requests on stdin (see above)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.serve:
        serve(a)
        return
    for name in a.models.split(","):
        best = {"train": (0.0, None), "inference": (0.0, None)}
        for fmt in a.memory_formats.split(","):
            train, infer = measure(name, FORMATS[fmt], a)
            if train > best["train"][0]:
                best["train"] = (train, fmt)
            if infer > best["inference"][0]:
                best["inference"] = (infer, fmt)
        print(json.dumps({"model": name, "train_images_per_sec": best["train"][0],
                          "inference_images_per_sec": best["inference"][0],
                          "train_memory_format": best["train"][1], "inference_memory_format": best["inference"][1],
                          "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)


FORMATS = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last}


def onednn_version():
    """The oneDNN (once MKL-DNN) version this torch was built with, from its build configuration; "" if it has none."""
    found = re.search(r"(?:oneDNN|MKL-DNN) v([0-9][0-9.]*)", torch.__config__.show())
    return found.group(1) if found else ""


def steps(name, memory_format, mode, batch, seed):
    """A training step (Adam, Keras' epsilon, cross-entropy) or an inference pass (eval, no_grad) of a fresh model."""
    torch.manual_seed(seed)
    make, shape = MODELS[name]
    model = make().to(memory_format=memory_format)
    x = torch.rand(batch, *shape).contiguous(memory_format=memory_format)
    if mode == "inference":
        model.eval()

        def infer():
            with torch.no_grad():
                model(x)
        return infer
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    y = torch.randint(0, 10, (batch,))
    model.train()

    def train():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return train


def serve(a):
    """Answers the requests of the module docstring, one line each, until stdin ends."""
    prepared = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        r = json.loads(line)
        op = r["op"]
        if op == "versions":
            out = {"torch": torch.__version__, "onednn": onednn_version(), "threads": torch.get_num_threads()}
        elif op == "prepare":
            key = (r["model"], r["format"], r["mode"])
            prepared[key] = steps(r["model"], FORMATS[r["format"]], r["mode"], r["batch"], a.seed)
            timed(prepared[key], r["warmup"], 0, 0, r["warmup_seconds"])
            out = {"ok": True}
        elif op == "time":
            step = prepared[(r["model"], r["format"], r["mode"])]
            start = time.perf_counter()
            for _ in range(r["iters"]):
                step()
            out = {"seconds": time.perf_counter() - start}
        elif op == "release":
            prepared.clear()
            out = {"ok": True}
        else:
            out = {"error": "unknown op " + op}
        print(json.dumps(out), flush=True)


def measure(name, memory_format, a):
    """Training and inference images/s of model `name` with its weights and inputs in `memory_format`."""
    train_s = timed(steps(name, memory_format, "train", a.batch, a.seed), a.warmup, a.iters, a.rounds,
                    a.warmup_seconds)
    infer_s = timed(steps(name, memory_format, "inference", a.infer_batch, a.seed), a.warmup, a.iters, a.rounds,
                    a.warmup_seconds)
    return a.batch * a.iters / train_s, a.infer_batch * a.iters / infer_s


if __name__ == "__main__":
    main()
