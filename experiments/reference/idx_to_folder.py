"""Writes MNIST-format (IDX) images as a folder of PNG files, one sub-folder per class: the layout -Ddataset=folder reads.

REPRODUCED's folder run used Fashion-MNIST's training files, 1,000 images per class:

    python3 experiments/reference/idx_to_folder.py ~/.cnnlabs/data/fashion-mnist/train-images-idx3-ubyte.gz \
        ~/.cnnlabs/data/fashion-mnist/train-labels-idx1-ubyte.gz /tmp/fashion-folder 1000 \
        tshirt-top,trouser,pullover,dress,coat,sandal,shirt,sneaker,bag,ankle-boot
    mvn exec:java -Dexp=MnistSimpleCnn -Ddataset=folder -Ddata.images=/tmp/fashion-folder

Standard library only (grey 8-bit PNGs written with zlib): no imaging package needed.
"""
import gzip
import os
import struct
import sys
import zlib


def read_idx(path):
    with (gzip.open(path) if path.endswith('.gz') else open(path, 'rb')) as f:
        return f.read()


def write_png(path, pixels, width, height):
    raw = b''.join(b'\x00' + pixels[r * width:(r + 1) * width] for r in range(height))  # filter type 0 per row

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)

    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def main(images, labels, out, per_class, names):
    data = read_idx(images)
    _, n, height, width = struct.unpack('>IIII', data[:16])
    label_bytes = read_idx(labels)[8:]
    size = height * width
    written = {}
    for i in range(n):
        c = label_bytes[i]
        if written.get(c, 0) >= per_class:
            continue
        folder = os.path.join(out, names[c])
        os.makedirs(folder, exist_ok=True)
        write_png(os.path.join(folder, f'{i:05d}.png'), data[16 + i * size:16 + (i + 1) * size], width, height)
        written[c] = written.get(c, 0) + 1
    print(f'{sum(written.values())} images in {len(written)} class folders under {out}')


if __name__ == '__main__':
    if len(sys.argv) != 6:
        sys.exit('usage: idx_to_folder.py IMAGES LABELS OUT_DIR PER_CLASS NAME0,NAME1,...')
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].split(','))
