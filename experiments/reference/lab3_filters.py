"""Lab 3 Part 1's filters on the first MNIST training digit, the reference for ConvolutionFilters.

scipy is not installed here, so convolve2d(image, kernel, mode='same', boundary='symm') is written with numpy:
symmetric padding (numpy's 'symmetric' = scipy's 'symm') and a true convolution (kernel rotated by 180 degrees).
Prints each filter's output min and max, as ConvolutionFilters' table does.
Run: /usr/bin/python3 experiments/reference/lab3_filters.py [MNIST dir, default ~/.cnnlabs/data/mnist]
"""
import os
import sys

import numpy as np

mnist = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cnnlabs/data/mnist")
with open(os.path.join(mnist, "train-images-idx3-ubyte"), "rb") as f:
    f.read(16)
    image = np.frombuffer(f.read(28 * 28), dtype=np.uint8).reshape(28, 28).astype(float) / 255.0

filters = {
    "Vertical Edge": np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=float),
    "Horizontal Edge": np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], dtype=float),
    "Blur": np.ones((3, 3)) / 9,
    "Sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
}


def convolve2d_same_symm(img, kernel):
    k = kernel.shape[0]
    padded = np.pad(img, k // 2, mode="symmetric")
    flipped = kernel[::-1, ::-1]
    out = np.zeros_like(img)
    for y in range(img.shape[0]):
        for x in range(img.shape[1]):
            out[y, x] = (padded[y:y + k, x:x + k] * flipped).sum()
    return out


print("| Filter | Output min | Output max |")
print("| --- | --- | --- |")
for name, kernel in filters.items():
    out = convolve2d_same_symm(image, kernel)
    print(f"| {name} | {out.min():.4f} | {out.max():.4f} |")
