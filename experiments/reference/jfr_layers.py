#!/usr/bin/env python3
"""Where a DL4J training step spends its time, from a Java Flight Recording: each execution sample (Java code) and
native-method sample (libnd4j, oneDNN, OpenBLAS, called from Java) is credited to the innermost frame that names a
layer, a vertex, the updater or the data pipeline, and the shares are printed as a Markdown table.

    MAVEN_OPTS="-XX:StartFlightRecording=settings=profile" mvn exec:java -Dexp=Throughput -Dmodels=lenet5 &
    jcmd <the java pid> JFR.dump name=1 filename=/tmp/step.jfr    # before it ends
    jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample --stack-depth 64 /tmp/step.jfr > /tmp/step.txt
    python3 experiments/reference/jfr_layers.py /tmp/step.txt

`jfr` is the JDK's own tool. JFR samples a thread running Java code every 10 ms and one inside a native method every
20 ms under `settings=profile` (the JDK's `lib/jfr/profile.jfc`; `default.jfc` samples both every 20 ms): each sample is
weighted by its event's period (`--java-ms`, `--native-ms`), so the shares are shares of the thread's time, not of the
samples (counted alike, Java code came out at twice its share of the time beside native code).
Only samples inside Throughput's timed steps count (training and inference passes);
waiting for PyTorch's turn (a native read) and start-up are left out. A second argument, a regular expression for a
frame, counts the samples inside that frame instead (another program's training loop). `mvn exec:java` ends the JVM in a way that
can lose the recording at exit: `jcmd <pid> JFR.dump name=1 filename=...` while it runs is the sure way.
"""
import argparse
import re
from collections import Counter

# (pattern on a frame's class.method, bucket), first match from the innermost frame outwards wins
BUCKETS = [
    (r"cnnlabs\.onednn\.FastConvolutionLayer", "convolution (oneDNN runtime)"),
    (r"cnnlabs\.onednn\.FastDepthwiseConvolutionLayer", "depthwise convolution (oneDNN runtime)"),
    (r"cnnlabs\.onednn\.FastSubsamplingLayer", "pooling (oneDNN runtime)"),
    (r"cnnlabs\.onednn\.(FastBatchNorm|DnnlBatchNorm)", "batch norm (oneDNN runtime)"),
    (r"cnnlabs\.onednn\.FastActivationLayer", "ReLU, ReLU6 (oneDNN runtime)"),
    (r"cnnlabs\.onednn\.(FastDenseLayer|DnnlInnerProduct)", "dense layers (oneDNN runtime)"),
    (r"cnnlabs\.onednn\.FastAddVertex", "residual add (oneDNN runtime)"),
    (r"cnnlabs\.onednn\.ChannelsLast", "layout conversion NCHW <-> channels-last"),
    (r"cnnlabs\.onednn\.FastZeroPaddingLayer", "zero padding (oneDNN runtime)"),
    (r"cnnlabs\.onednn\.FusedAdamUpdater", "updater (Adam)"),
    (r"layers\.convolution\.DepthwiseConvolution2DLayer", "depthwise convolution (DL4J)"),
    (r"layers\.convolution\.subsampling\.SubsamplingLayer", "pooling (DL4J)"),
    (r"layers\.convolution\.ConvolutionLayer", "convolution (DL4J)"),
    (r"layers\.normalization\.BatchNormalization", "batch norm (DL4J)"),
    (r"layers\.ActivationLayer", "activation layer (DL4J)"),
    (r"layers\.feedforward\.dense\.DenseLayer|nn\.layers\.BaseLayer\.", "dense and output layers (DL4J)"),
    (r"layers\.(BaseOutputLayer|OutputLayer|LossLayer)", "output layer + loss (DL4J)"),
    (r"layers\.DropoutLayer", "dropout (DL4J)"),
    (r"layers\.convolution\.ZeroPaddingLayer", "zero padding (DL4J)"),
    (r"graph\.vertex\.impl\.(PreprocessorVertex|ElementWiseVertex|MergeVertex)", "other vertices (DL4J)"),
    (r"nn\.conf\.preprocessor", "preprocessors: flatten (DL4J)"),
    (r"updater\.|learning\.config|nd4j\.linalg\.learning", "updater (Adam)"),
    (r"activations\.impl", "activation functions (DL4J)"),
    (r"workspace|MemoryWorkspace", "workspaces"),
    (r"ComputationGraph\.(fit|computeGradientAndScore|calcBackpropGradients|ffToLayerActivations)", "graph bookkeeping"),
]


WITHIN = r"performance\.Throughput\.time\("  # only samples inside Throughput's timed steps


def main(path, within=WITHIN, java_ms=10.0, native_ms=20.0):
    counts = Counter()  # ms of the thread's time per bucket: each sample stands for its event's period
    samples = Counter()
    total = 0.0
    sample = []
    weight = 0.0
    in_stack = False

    def flush():
        nonlocal total
        if not sample or not any(re.search(within, f) for f in sample):
            return  # outside the timed steps: start-up, waiting for PyTorch's turn, writing tables
        total += weight
        for frame in sample:  # innermost first
            for pattern, bucket in BUCKETS:
                if re.search(pattern, frame):
                    counts[bucket] += weight
                    samples[bucket] += 1
                    return
        counts["other"] += weight
        samples["other"] += 1

    for line in open(path, encoding="utf-8", errors="replace"):
        s = line.strip()
        if s.startswith("jdk.ExecutionSample") or s.startswith("jdk.NativeMethodSample"):
            flush()
            sample = []
            weight = java_ms if s.startswith("jdk.ExecutionSample") else native_ms
            in_stack = False
        elif s.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and s.startswith("]"):
            in_stack = False
        elif in_stack and "line:" in s or in_stack and s.endswith(")"):
            sample.append(s)
    flush()
    print("| Where | Samples | Share of the time |")
    print("| --- | --- | --- |")
    for bucket, ms in counts.most_common():
        print(f"| {bucket} | {samples[bucket]} | {100.0 * ms / max(total, 1e-9):.1f}% |")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description="Where a DL4J training step spends its time, from `jfr print` output.")
    p.add_argument("path", help="the text `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample` wrote")
    p.add_argument("within", nargs="?", default=WITHIN,
                   help="a regular expression for the frame whose samples count (default: Throughput's timed steps)")
    p.add_argument("--java-ms", type=float, default=10.0,
                   help="the recording's jdk.ExecutionSample period in ms (profile.jfc: 10, default.jfc: 20)")
    p.add_argument("--native-ms", type=float, default=20.0,
                   help="the recording's jdk.NativeMethodSample period in ms (20 in both of the JDK's settings)")
    a = p.parse_args()
    main(a.path, a.within, a.java_ms, a.native_ms)
