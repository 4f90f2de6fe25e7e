#!/usr/bin/env python3
"""oneDNN's own time per primitive in one training step, cnnlabs (oneDNN 2.5.2 through JavaCPP) against PyTorch
(the oneDNN it bundles, 3.12 in 2.13), the same model at the same shapes, batch and thread count: what a newer oneDNN
would change in a cnnlabs step, measured before porting anything to it.

Both sides run with oneDNN's verbose log on (DNNL_VERBOSE=1 for 2.x, ONEDNN_VERBOSE=1 for 3.x), which prints each
primitive's execution time; the steps after the warm-up are summed by primitive kind and pass (convolutions split
into depthwise and the rest), and the table gives each side's median over --rounds runs taken in turns (this machine's
speed moves by up to a third from run to run). Only what oneDNN runs is in the log: PyTorch computes batch norm, ReLU6, pooling and its
optimiser in its own kernels, cnnlabs runs batch norm, activations and pooling through oneDNN too, so compare
convolutions with convolutions. Each side also prints its whole step's images per second (with the log on).

    mvn -q dependency:build-classpath -pl experiments -Dmdep.outputFile=/tmp/cp.txt
    python3 experiments/reference/onednn_primitives.py --model mobilenetv2 --classpath "$(cat /tmp/cp.txt):experiments/target/classes" \\
        --python V/bin/python

The DL4J side is TrainingSteps.java beside this script; the PyTorch side is this script itself (--torch-steps),
through throughput.py's models, in channels-last (PyTorch's fastest format for every model in Throughput's tables),
on the same fair allocator Throughput gives PyTorch.
"""
import argparse
import collections
from statistics import median
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = "=== TIMED"
FAIR_MALLOC = "glibc.malloc.mmap_threshold=2147483647:glibc.malloc.trim_threshold=4294967295"


def torch_steps(model, warmup, steps, threads):
    """PyTorch's side: `warmup` training steps, the mark, `steps` timed steps (run with ONEDNN_VERBOSE=1)."""
    import time
    import torch
    sys.path.insert(0, HERE)
    import throughput
    torch.set_num_threads(threads)
    step = throughput.steps(model, torch.channels_last, "train", 128, 42)
    for _ in range(warmup):
        step()
    print(MARK, flush=True)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    print(f"=== {model} {steps * 128 / (time.perf_counter() - start):.1f} images/s", flush=True)


def primitives(log, steps):
    """{(kind, pass): [calls, ms, {implementation: ms}]} per step, from the verbose lines after the mark."""
    totals = collections.defaultdict(lambda: [0, 0.0, collections.Counter()])
    timed, rate, version = False, "", ""
    for line in log.splitlines():
        if ",info,oneDNN v" in line and not version:
            version = line.split("oneDNN v")[1].split()[0]
        if line.startswith(MARK):
            timed = True
            continue
        if line.startswith("=== "):
            rate = line.split(" ", 2)[2]
        if not timed or ",exec," not in line or "verbose" not in line[:16]:
            continue
        f = line.strip().split(",")
        f = f[f.index("exec") + 1:]  # cpu, kind, implementation, pass, ..., shape, ms
        kind, impl, prop, shape, ms = f[1], f[2], f[3], f[-2], float(f[-1])
        if kind == "convolution" and shape.startswith("g"):
            kind = "depthwise convolution"
        t = totals[(kind, prop)]
        t[0] += 1
        t[1] += ms
        t[2][impl] += ms
    return {k: [v[0] / steps, v[1] / steps, v[2]] for k, v in totals.items()}, rate, version


def run(cmd, env_extra):
    env = dict(os.environ, **env_extra)
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if MARK not in out.stdout:
        sys.exit("no timed steps from: " + " ".join(cmd) + "\n" + out.stdout[-3000:])
    return out.stdout


def table(model, dl4j_logs, torch_logs, steps):
    """The Markdown table: per primitive and pass, the median over the rounds of each side's ms per step."""
    sides = []
    for logs in (dl4j_logs, torch_logs):
        runs = [primitives(log, steps) for log in logs]
        sides.append(([r[0] for r in runs], [r[1] for r in runs], runs[0][2]))
    (d_runs, d_rates, d_version), (t_runs, t_rates, t_version) = sides
    print(f"{model}, {len(d_runs)} rounds taking turns, {steps} steps each after the warm-up; images/s per round with "
          f"the verbose log on: cnnlabs (oneDNN {d_version or '?'}) {', '.join(d_rates)}; PyTorch (oneDNN "
          f"{t_version or '?'}) {', '.join(t_rates)}\n")
    print("| Primitive | Pass | calls (cnnlabs; PyTorch) | cnnlabs ms/step | PyTorch ms/step | kernels (cnnlabs; PyTorch) |")
    print("| --- | --- | --- | --- | --- | --- |")
    empty = [0, 0.0, collections.Counter()]
    keys = sorted({k for r in d_runs + t_runs for k in r},
                  key=lambda k: -max(median([r.get(k, empty)[1] for r in runs]) for runs in (d_runs, t_runs)))
    for k in keys:
        cells = []
        for runs in (d_runs, t_runs):
            cells.append((runs[0].get(k, empty)[0], median([r.get(k, empty)[1] for r in runs]),
                          runs[0].get(k, empty)[2]))
        kernels = "; ".join(", ".join(i for i, _ in c[2].most_common(2)) or "-" for c in cells)
        print(f"| {k[0]} | {k[1]} | {cells[0][0]:.0f}; {cells[1][0]:.0f} | {cells[0][1]:.2f} | {cells[1][1]:.2f} "
              f"| {kernels} |")
    for label, wanted in (("all convolutions", lambda k: "convolution" in k[0]), ("all of oneDNN", lambda k: True)):
        totals = [[sum(v[1] for k, v in r.items() if wanted(k)) for r in runs] for runs in (d_runs, t_runs)]
        print(f"| {label} | | | **{median(totals[0]):.2f}** ({min(totals[0]):.2f}-{max(totals[0]):.2f}) "
              f"| **{median(totals[1]):.2f}** ({min(totals[1]):.2f}-{max(totals[1]):.2f}) | |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="mobilenetv2", help="cnnlabs' name (simple-cnn, mobilenetv2, ...)")
    p.add_argument("--classpath", help="the experiments module's class path (see above)")
    p.add_argument("--python", default=sys.executable, help="a Python with torch")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--rounds", type=int, default=5, help="runs of each side, taking turns")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--torch-steps", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.torch_steps:
        torch_steps(a.model, a.warmup, a.steps, a.threads)
        return
    if not a.classpath:
        sys.exit("--classpath: the experiments module's class path, from mvn dependency:build-classpath (see --help)")
    java = ["stdbuf", "-oL", "java", "-cp", a.classpath, os.path.join(HERE, "TrainingSteps.java"), a.model,
            str(a.warmup), str(a.steps)]
    torch_cmd = [a.python, os.path.abspath(__file__), "--torch-steps", "--model", a.model.replace("-", "_"),
                 "--warmup", str(a.warmup), "--steps", str(a.steps), "--threads", str(a.threads)]
    dl4j, torch = [], []
    for _ in range(a.rounds):
        dl4j.append(run(java, {"DNNL_VERBOSE": "1", "OMP_NUM_THREADS": str(a.threads)}))
        torch.append(run(torch_cmd, {"ONEDNN_VERBOSE": "1",
                                     "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES", FAIR_MALLOC)}))
    table(a.model, dl4j, torch, a.steps)


if __name__ == "__main__":
    main()
