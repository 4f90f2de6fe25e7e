#!/usr/bin/env python3
"""Runs Lab 3's own Keras code (seed 003) verbatim, as the "Keras original" column of results/REPRODUCED.md.

The code cells are read from the seed file itself and executed in order, unchanged, with three things arranged
around them and nothing else:
  * keras.datasets.mnist.load_data() reads the official MNIST IDX files from cnnlabs' data directory
    (~/.cnnlabs/data/mnist, fetched by any cnnlabs MNIST experiment) instead of downloading them;
  * matplotlib draws off-screen (plt.show() does nothing);
  * `import torch` / `import seaborn` in the first cell get an empty stand-in when not installed (Part 7, the only
    part that uses torch, is not run).

Usage: python lab3_keras.py --seed-file ../shared/seeds/003_7a63af71bd0c2835.txt --parts 2,3 [--data DIR] [--time]
(Parts 3 and 4 use the arrays Part 2's cell makes, and Part 2 those of Part 1's: the parts they need run first, as
in the notebook.) With --time it also prints, as JSON lines, each model.fit call's wall time
({"fit": model name, "part": N, "seconds": s}) and each cell's ({"cell": i, "part": N, "seconds": s}): the Keras side
of the LabWallTime experiment (timing wraps keras.Model.fit; the lab's code is unchanged).
Needs tensorflow (2.x, Keras 3), numpy, scipy, matplotlib. Prints the cells' own output, then one JSON line per
part with the numbers REPRODUCED quotes.
"""
import argparse
import json
import os
import re
import sys
import time
import types


def cells(seed_text):
    """The seed's code cells, in order: the text after each 'In [None]:' up to the next heading or cell."""
    out = []
    for block in seed_text.split("In [None]:")[1:]:
        lines = []
        for line in block.splitlines():
            if re.match(r"^#{2,} ", line):  # a Markdown heading ends the cell; code comments have one '#'
                break
            lines.append(line)
        out.append("\n".join(lines).strip() + "\n")
    return out


def part_of(seed_text, cell_index):
    """The 'Part N' heading a cell sits under (0 for the imports before Part 1)."""
    position = 0
    for _ in range(cell_index + 1):
        position = seed_text.index("In [None]:", position) + 1
    parts = re.findall(r"^## Part (\d+):", seed_text[:position], re.M)
    return int(parts[-1]) if parts else 0


def idx(path, offset):
    import numpy as np
    return np.fromfile(path, dtype=np.uint8, offset=offset)


def local_mnist(data_dir):
    def load_data(*args, **kwargs):
        def split(prefix, n):
            x = idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"), 16).reshape(n, 28, 28)
            y = idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"), 8).reshape(n)
            return x, y
        return split("train", 60000), split("t10k", 10000)
    return load_data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed-file", required=True)
    ap.add_argument("--parts", default="2,3")
    ap.add_argument("--data", default=os.path.expanduser("~/.cnnlabs/data/mnist"))
    ap.add_argument("--time", action="store_true", help="print each fit's and each cell's wall time as JSON lines")
    args = ap.parse_args()
    wanted = {int(p) for p in args.parts.split(",")}
    needed = set(wanted)
    if needed & {3, 4}:
        needed.add(2)  # Part 2's cell makes X_train_cnn, which Parts 3 and 4 train on
    if needed & {2, 3}:
        needed.add(1)  # Part 1's cell loads the MNIST arrays

    stubs = []
    for name in ("torch", "torch.nn", "torch.nn.functional", "seaborn"):
        try:
            __import__(name)
        except ImportError:
            stub = types.ModuleType(name)
            stub.set_style = lambda *a, **k: None
            sys.modules[name] = stub
            stubs.append(name)
    if "torch" in stubs:
        sys.modules["torch"].nn = sys.modules["torch.nn"]
        sys.modules["torch.nn"].functional = sys.modules["torch.nn.functional"]
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.show = lambda *a, **k: None
    from tensorflow import keras
    keras.datasets.mnist.load_data = local_mnist(args.data)

    text = open(args.seed_file, encoding="utf-8").read()
    namespace = {"__name__": "__lab__"}
    current = {"part": 0}
    if args.time:
        fit = keras.Model.fit

        def timed_fit(self, *a, **k):
            start = time.time()
            try:
                return fit(self, *a, **k)
            finally:
                print(json.dumps({"fit": self.name, "part": current["part"], "seconds": time.time() - start}),
                      flush=True)
        keras.Model.fit = timed_fit
    for i, code in enumerate(cells(text)):
        part = part_of(text, i)
        if part != 0 and part not in needed:
            continue
        print(f"--- cell {i} (Part {part}) ---", flush=True)
        current["part"] = part
        start = time.time()
        exec(compile(code, f"seed cell {i}", "exec"), namespace)
        print(f"--- cell {i} done in {time.time() - start:.1f} s ---", flush=True)
        if args.time:
            print(json.dumps({"cell": i, "part": part, "seconds": time.time() - start}), flush=True)
        if i == 0:
            for name in stubs:  # the cell has bound its names; libraries that probe for torch must not find a stub
                del sys.modules[name]
        if part == 2 and "test_acc" in namespace and "history_cnn" in namespace and "reported2" not in namespace:
            namespace["reported2"] = True
            h = namespace["history_cnn"].history
            print(json.dumps({"part": 2, "params": namespace["model_simple_cnn"].count_params(),
                              "val_accuracy": h["val_accuracy"], "test_accuracy": namespace["test_acc"],
                              "test_loss": namespace["test_loss"]}), flush=True)
        if part == 3 and "results" in namespace and namespace.get("results"):
            rows = {name: {"params": model.count_params(),
                           "val_accuracy": namespace["results"][name].history["val_accuracy"]}
                    for name, model in namespace["architectures"].items() if name in namespace["results"]}
            print(json.dumps({"part": 3, "models": rows}), flush=True)
        if part == 4 and "history_aug" in namespace and "reported4" not in namespace:
            namespace["reported4"] = True
            h = namespace["history_aug"].history
            print(json.dumps({"part": 4, "params": namespace["model_with_aug"].count_params(),
                              "accuracy": h["accuracy"], "val_accuracy": h["val_accuracy"]}), flush=True)
    import tensorflow as tf
    print(json.dumps({"tensorflow": tf.__version__, "keras": keras.__version__}), flush=True)


if __name__ == "__main__":
    main()
