#!/usr/bin/env python3
"""PyTorch's side of PoolingWorkspace.java: a 2x2 max pooling of stride 2 at the simple CNN's two shapes (batch 128,
channels-last, PyTorch's fastest format for it), timed as PyTorch trains: the forward pass that also records where each
window's maximum was (its indices) and the backward pass that reads them. Each is timed in --rounds rounds of 200
calls, taken in turns; the table gives the median (min-max) of the rounds' mean ms per call. PyTorch runs max pooling
in its own kernels, not oneDNN's. The output and gradient arrays are allocated in each call, as in training.

    V/bin/python experiments/reference/pooling_torch.py --threads 2
"""
import argparse
import statistics
import time

import torch

CALLS = 200


def timed(fn):
    start = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return (time.perf_counter() - start) / CALLS * 1e3


def cell(ms):
    return f"{statistics.median(ms):.3f} ({min(ms):.3f}-{max(ms):.3f})"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, {a.threads} threads, {a.rounds} rounds of {CALLS} calls, ms per call: "
          f"median (min-max)\n")
    print("| Shape (N, C, H, W) | training forward (indices) | backward (reads indices) |")
    print("| --- | --- | --- |")
    for shape in [(128, 32, 26, 26), (128, 64, 11, 11)]:
        torch.manual_seed(42)
        x = torch.relu(torch.randn(*shape)).contiguous(memory_format=torch.channels_last).requires_grad_()
        y, indices = torch.nn.functional.max_pool2d_with_indices(x, 2)
        grad = torch.randn_like(y)

        def forward():
            torch.nn.functional.max_pool2d_with_indices(x, 2)

        def backward():
            torch.ops.aten.max_pool2d_with_indices_backward(grad, x, [2, 2], [2, 2], [0, 0], [1, 1], False, indices)

        for fn in (forward, backward):
            timed(fn)  # warm-up
        results = {forward: [], backward: []}
        for _ in range(a.rounds):
            for fn in (forward, backward):
                results[fn].append(timed(fn))
        print(f"| {list(shape)} | {cell(results[forward])} | {cell(results[backward])} |")


if __name__ == "__main__":
    main()
