"""Parameter counts of the seeds' PyTorch models and blocks, as PyTorch reports them.

The reference for cnnlabs' architecture and block registries (ArchitecturesTest, BlocksTest): each model
is the seed's own module, written out here (the seeds' code, condensed), counted with
sum(p.numel() for p in m.parameters()) (batch-norm running statistics are buffers, not parameters),
and run forward once on the seed's input shape. Run: python3 experiments/reference/seed_param_counts.py
Needs Debian's python3-torch; torchvision is not needed (AlexNet is written out in torchvision's layout).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def count(m):
    return sum(p.numel() for p in m.parameters())


def buffers(m):
    return sum(b.numel() for n, b in m.named_buffers() if n.endswith(("running_mean", "running_var")))


# seed 000
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * 8 * 8, 128), nn.ReLU(), nn.Dropout(0.2),
                                        nn.Linear(128, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def conv_block(in_c, out_c, k, use_bn=True):
    layers = [nn.Conv2d(in_c, out_c, k, padding=k // 2), nn.ReLU(inplace=True)]
    if use_bn:
        layers.insert(1, nn.BatchNorm2d(out_c))
    return nn.Sequential(*layers)


class ResidualConvBlock(nn.Module):
    def __init__(self, c, k=3, use_bn=True):
        super().__init__()
        self.block = nn.Sequential(conv_block(c, c, k, use_bn), conv_block(c, c, k, use_bn))

    def forward(self, x):
        return x + self.block(x)


def build_cnn(cfg):
    layers, in_c = [], 3
    for i, out_c in enumerate(cfg["channels"]):
        k = cfg["kernel_sizes"][i]
        layers.append(conv_block(in_c, out_c, k, cfg["use_batchnorm"]))
        if cfg["residual"] and i > 0:
            layers.append(ResidualConvBlock(out_c, k, cfg["use_batchnorm"]))
        layers.append(nn.MaxPool2d(2))
        in_c = out_c
    layers += [nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(in_c, 10)]
    return nn.Sequential(*layers)


# seed 001
class SimpleCNN001(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def lenet001():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def cnn_bn_001_fixed():  # the seed's Linear(64*16*16, 10) cannot take 32x32 input; 64*8*8 does
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 8 * 8, 10))


# seed 002
def simple_cnn_002():
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(128 * 4 * 4, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))


def cbr(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU())


def vgg_bn():
    return nn.Sequential(cbr(3, 64), cbr(64, 64), nn.MaxPool2d(2), cbr(64, 128), cbr(128, 128), nn.MaxPool2d(2),
                         cbr(128, 256), cbr(256, 256), cbr(256, 256), nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(256, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, i, o, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(i, o, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(o)
        self.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(o)
        self.shortcut = nn.Sequential()
        if stride != 1 or i != o:
            self.shortcut = nn.Sequential(nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + self.shortcut(x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, i, o, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(i, o, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(o)
        self.conv2 = nn.Conv2d(o, o, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(o)
        self.conv3 = nn.Conv2d(o, o * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(o * 4)
        self.shortcut = nn.Sequential()
        if stride != 1 or i != o * 4:
            self.shortcut = nn.Sequential(nn.Conv2d(i, o * 4, 1, stride, bias=False), nn.BatchNorm2d(o * 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, block, nb, num_classes=10):
        super().__init__()
        self.in_c = 64
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layers = nn.Sequential(*[self._make(block, w, n, s) for w, n, s in zip([64, 128, 256, 512], nb, [1, 2, 2, 2])])
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make(self, block, w, n, s):
        layers = []
        for st in [s] + [1] * (n - 1):
            layers.append(block(self.in_c, w, st))
            self.in_c = w * block.expansion
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class SEBlock(nn.Module):
    def __init__(self, c, r=16):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(c, c // r, bias=False), nn.ReLU(), nn.Linear(c // r, c, bias=False), nn.Sigmoid())

    def forward(self, x):
        b, c, _, _ = x.shape
        return x * self.fc(F.adaptive_avg_pool2d(x, 1).view(b, c)).view(b, c, 1, 1)


class SEBasicBlock(BasicBlock):
    def __init__(self, i, o, stride=1, r=16):
        super().__init__(i, o, stride)
        self.se = SEBlock(o, r)

    def forward(self, x):
        out = self.se(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))
        return F.relu(out + self.shortcut(x))


class DWSep(nn.Module):
    def __init__(self, i, o, k=3):
        super().__init__()
        self.dw = nn.Conv2d(i, i, k, padding=k // 2, groups=i, bias=False)
        self.bn1 = nn.BatchNorm2d(i)
        self.pw = nn.Conv2d(i, o, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(o)

    def forward(self, x):
        return F.relu(self.bn2(self.pw(F.relu(self.bn1(self.dw(x))))))


class MBConv(nn.Module):
    def __init__(self, i, o, expansion=4, stride=1, se_ratio=4):
        super().__init__()
        h = i * expansion
        self.res = stride == 1 and i == o
        self.conv = nn.Sequential(nn.Conv2d(i, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6(),
                                  nn.Conv2d(h, h, 3, stride, 1, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6())
        self.se = SEBlock(h, se_ratio)
        self.project = nn.Sequential(nn.Conv2d(h, o, 1, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        out = self.project(self.se(self.conv(x)))
        return out + x if self.res else out


class DenseLayer(nn.Module):
    def __init__(self, i, g, bn_size=4):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(i)
        self.conv1 = nn.Conv2d(i, bn_size * g, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(bn_size * g)
        self.conv2 = nn.Conv2d(bn_size * g, g, 3, padding=1, bias=False)

    def forward(self, x):
        return self.conv2(F.relu(self.bn2(self.conv1(F.relu(self.bn1(x))))))


class DenseBlock(nn.Module):
    def __init__(self, n, i, g):
        super().__init__()
        self.layers = nn.ModuleList([DenseLayer(i + k * g, g) for k in range(n)])

    def forward(self, x):
        feats = [x]
        for layer in self.layers:
            feats.append(layer(torch.cat(feats, 1)))
        return torch.cat(feats, 1)


# seed 003 Part 7
class PytorchSimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2, self.conv3 = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3), nn.Conv2d(64, 64, 3)
        self.fc1, self.fc2 = nn.Linear(64 * 3 * 3, 64), nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(F.relu(self.conv3(x)).flatten(1))))


# seed 004
def tiny_cnn():
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 8 * 8, 10))


def alexnet():  # torchvision.models.alexnet layout
    return nn.Sequential(
        nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(),
        nn.MaxPool2d(3, 2), nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.AdaptiveAvgPool2d((6, 6)), nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, 1000))


MODELS = [
    ("pytorch-simple-cnn", PytorchSimpleCNN, (1, 28, 28)),
    ("small-cnn", SmallCNN, (3, 32, 32)),
    ("configurable-baseline", lambda: build_cnn({"channels": [32, 64], "kernel_sizes": [3, 3], "use_batchnorm": True, "residual": False}), (3, 32, 32)),
    ("configurable-deeper", lambda: build_cnn({"channels": [32, 64, 128], "kernel_sizes": [3, 3, 3], "use_batchnorm": True, "residual": True}), (3, 32, 32)),
    ("simple-cnn-001", SimpleCNN001, (1, 28, 28)),
    ("lenet-001", lenet001, (1, 32, 32)),
    ("cnn-bn-001", cnn_bn_001_fixed, (3, 32, 32)),
    ("simple-cnn-002", simple_cnn_002, (3, 32, 32)),
    ("vgg-bn", vgg_bn, (3, 32, 32)),
    ("resnet18", lambda: ResNet(BasicBlock, [2, 2, 2, 2]), (3, 32, 32)),
    ("resnet34", lambda: ResNet(BasicBlock, [3, 4, 6, 3]), (3, 32, 32)),
    ("resnet50", lambda: ResNet(Bottleneck, [3, 4, 6, 3]), (3, 32, 32)),
    ("tiny-cnn", tiny_cnn, (3, 32, 32)),
    ("alexnet", alexnet, (3, 224, 224)),
    # blocks
    ("basic-block", lambda: BasicBlock(64, 64), (64, 32, 32)),
    ("basic-block-down", lambda: BasicBlock(64, 128, 2), (64, 32, 32)),
    ("bottleneck", lambda: Bottleneck(64, 64), (64, 32, 32)),
    ("channel-mixer", lambda: nn.Conv2d(256, 64, 1), (256, 32, 32)),
    ("conv3x3", lambda: nn.Conv2d(64, 128, 3, padding=1), (64, 32, 32)),
    ("depthwise-separable", lambda: DWSep(64, 128), (64, 32, 32)),
    ("se-block", lambda: SEBlock(64, 16), (64, 32, 32)),
    ("se-basic-block", lambda: SEBasicBlock(64, 64), (64, 32, 32)),
    ("mbconv", lambda: MBConv(32, 32), (32, 16, 16)),
    ("dense-block", lambda: DenseBlock(4, 64, 32), (64, 16, 16)),
]

if __name__ == "__main__":
    torch.manual_seed(0)
    print("| name | input | output | PyTorch params | BN running stats |")
    print("| --- | --- | --- | --- | --- |")
    for name, make, shape in MODELS:
        m = make().eval()
        with torch.no_grad():
            out = m(torch.randn(2, *shape))
        print(f"| {name} | {'x'.join(map(str, shape))} | {'x'.join(map(str, out.shape[1:]))} | {count(m):,} | {buffers(m):,} |")
