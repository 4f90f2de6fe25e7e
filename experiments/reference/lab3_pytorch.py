#!/usr/bin/env python3
"""PyTorch replicas of Lab 3's Keras recipes: the reference cnnlabs measures itself against, side by side.

Same models as the Keras originals (Glorot-uniform kernels, zero biases, TensorFlow's 'same' padding,
batch norm epsilon 1e-3), Keras' Adam (epsilon 1e-7), the same validated IDX files cnnlabs reads, Keras'
validation_split (the last fraction, before shuffling) and a fresh shuffle every epoch. Reported like
Keras: running training loss/accuracy in training mode, validation in eval mode.

  python3 lab3_pytorch.py part2                      # simple CNN, full MNIST, 10 epochs, test accuracy
  python3 lab3_pytorch.py part3                      # LeNet-5 / VGG-style / ResNet-style, 10,000 images, 5 epochs
  python3 lab3_pytorch.py part3 --bn-momentum 0.99   # with Keras' batch-norm momentum

Needs numpy and torch (Debian: python3-torch). Reads MNIST from ~/.cnnlabs/data/mnist (fetched by cnnlabs).
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_idx(path, offset, shape):
    data = np.fromfile(path, dtype=np.uint8, offset=offset)
    return data.reshape(shape)


def mnist(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    x = load_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"), 16, (-1, 1, 28, 28)).astype(np.float32) / 255.0
    y = load_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"), 8, (-1,)).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


class SamePadConv(nn.Conv2d):
    """Conv2d with TensorFlow's 'same' padding: out = ceil(in / stride), the odd pixel padded at the bottom/right."""

    def forward(self, x):
        k, s = self.kernel_size[0], self.stride[0]
        size = x.shape[-1]
        out = -(-size // s)
        total = max((out - 1) * s + k - size, 0)
        if total % 2 == 0:
            # symmetric: the convolution pads by itself (no padded copy of the input; same numbers)
            return F.conv2d(x, self.weight, self.bias, self.stride, total // 2)
        x = F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2))
        return super().forward(x)


def keras_init(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def simple_cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(64, 10))


def lenet5():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(256, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))


def vgg_style():
    return nn.Sequential(SamePadConv(1, 64, 3), nn.ReLU(), SamePadConv(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         SamePadConv(64, 128, 3), nn.ReLU(), SamePadConv(128, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(128 * 7 * 7, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))


class Block(nn.Module):
    def __init__(self, cin, cout, stride, bn):
        super().__init__()
        self.conv1, self.bn1 = SamePadConv(cin, cout, 3, stride), bn(cout)
        self.conv2, self.bn2 = SamePadConv(cout, cout, 3), bn(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(SamePadConv(cin, cout, 1, stride), bn(cout))

    def forward(self, x):
        fx = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(fx + (x if self.shortcut is None else self.shortcut(x)))


def resnet_style(bn_momentum):
    # Keras momentum m (moving = m * moving + (1 - m) * batch) is PyTorch momentum 1 - m.
    def bn(c):
        return nn.BatchNorm2d(c, eps=1e-3, momentum=1 - bn_momentum)

    return nn.Sequential(SamePadConv(1, 64, 3), bn(64), nn.ReLU(), Block(64, 64, 1, bn), Block(64, 128, 2, bn),
                         Block(128, 256, 2, bn), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 10))


def count_params(model):
    # Keras counts batch-norm moving mean and variance as (non-trainable) parameters.
    buffers = sum(b.numel() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var")))
    return sum(p.numel() for p in model.parameters()) + buffers


def evaluate(model, x, y, batch=512):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out = model(x[i:i + batch])
            loss += F.cross_entropy(out, y[i:i + batch], reduction="sum").item()
            correct += (out.argmax(1) == y[i:i + batch]).sum().item()
    return loss / len(x), correct / len(x)


def fit(name, model, x, y, epochs, batch, val_split, lr, seed):
    split = int(np.floor(len(x) * (1.0 - val_split)))
    xt, yt, xv, yv = x[:split], y[:split], x[split:], y[split:]
    opt = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-7)
    gen = torch.Generator().manual_seed(seed)
    train_seconds = 0.0
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        start = time.perf_counter()
        loss_sum, correct = 0.0, 0
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            out = model(xt[idx])
            loss = F.cross_entropy(out, yt[idx])
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yt[idx]).sum().item()
        seconds = time.perf_counter() - start
        train_seconds += seconds
        val_loss, val_acc = evaluate(model, xv, yv)
        print(f"{name} epoch {epoch}/{epochs} - loss {loss_sum / len(xt):.4f} - acc {correct / len(xt):.4f} - "
              f"val_loss {val_loss:.4f} - val_acc {val_acc:.4f} - {seconds:.1f}s - {len(xt) / seconds:.0f} img/s",
              flush=True)
    return val_acc, train_seconds, epochs * len(xt) / train_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["part2", "part3"])
    parser.add_argument("--data-dir", default=os.path.expanduser("~/.cnnlabs/data/mnist"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--bn-momentum", type=float, default=0.9)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y = mnist(args.data_dir, "train")
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, seed {args.seed}")
    if args.part == "part2":
        model = keras_init(simple_cnn())
        fit("simple-cnn", model, x, y, 10, 128, 0.1, 1e-3, args.seed)
        xt, yt = mnist(args.data_dir, "test")
        test_loss, test_acc = evaluate(model, xt, yt)
        print(f"simple-cnn: {count_params(model):,} parameters, Test Accuracy: {test_acc:.4f} (test loss {test_loss:.4f})")
    else:
        models = [("LeNet", lenet5()), ("VGG-style", vgg_style()), ("ResNet-style", resnet_style(args.bn_momentum))]
        rows = []
        for name, model in models:
            val_acc, seconds, ips = fit(name, keras_init(model), x[:10000], y[:10000], 5, 128, 0.2, 1e-3, args.seed)
            rows.append((name, count_params(model), val_acc, seconds, ips))
            print(f"{name}: {count_params(model):,} parameters, Final val acc: {val_acc:.4f}", flush=True)
        print("\n| Model | Parameters | Final val acc | Training time (s) | Images/s |\n| --- | --- | --- | --- | --- |")
        for name, params, val_acc, seconds, ips in rows:
            print(f"| {name} | {params:,} | {val_acc:.4f} | {seconds:.1f} | {ips:.0f} |")


if __name__ == "__main__":
    main()
