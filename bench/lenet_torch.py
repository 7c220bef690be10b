#!/usr/bin/python3
"""LeNet on Fashion-MNIST with PyTorch on the CPU, exactly as section 6.6 of the book trains it:
Xavier-uniform weights, SGD with lr 0.9, batch 256, mean cross-entropy, 10 epochs. It prints the
book's two closing lines (loss/train acc/test acc, examples/sec) plus the time per epoch.

The data come from the same gzip'd idx files d2l-go reads (Debian's dataset-fashion-mnist), so
no torchvision and no network are needed. Run with Debian's PyTorch:

    OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 bench/lenet_torch.py [--epochs 10] [--limit N]

bench/lenet_side_by_side.sh runs this and d2l-go's `d2l train lenet` one after the other.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(split, limit):
    x = read_idx(split + "-images-idx3-ubyte.gz").astype(np.float32) / 255
    y = read_idx(split + "-labels-idx1-ubyte.gz").astype(np.int64)
    if limit:
        x, y = x[:limit], y[:limit]
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def batches(x, y, batch_size, shuffle):
    idx = torch.randperm(len(y)) if shuffle else torch.arange(len(y))
    for i in range(0, len(y), batch_size):
        j = idx[i:i + batch_size]
        yield x[j], y[j]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=0.9)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    train_x, train_y = load("train", args.limit)
    test_x, test_y = load("t10k", args.limit)

    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))

    def init_weights(m):
        if type(m) == nn.Linear or type(m) == nn.Conv2d:
            nn.init.xavier_uniform_(m.weight)

    net.apply(init_weights)
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr)
    loss = nn.CrossEntropyLoss()
    train_time = 0.0
    for epoch in range(args.epochs):
        t_epoch = time.perf_counter()
        metric = [0.0, 0.0, 0]
        net.train()
        for X, y in batches(train_x, train_y, args.batch, True):
            t0 = time.perf_counter()
            optimizer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            with torch.no_grad():
                metric[0] += l.item() * X.shape[0]
                metric[1] += (y_hat.argmax(dim=1) == y).sum().item()
                metric[2] += X.shape[0]
            train_time += time.perf_counter() - t0
        net.eval()
        correct = 0
        with torch.no_grad():
            for X, y in batches(test_x, test_y, args.batch, False):
                correct += (net(X).argmax(dim=1) == y).sum().item()
        test_acc = correct / len(test_y)
        train_l, train_acc = metric[0] / metric[2], metric[1] / metric[2]
        print(f"epoch {epoch + 1}: loss {train_l:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f} "
              f"({time.perf_counter() - t_epoch:.1f} s)", flush=True)
    print(f"loss {train_l:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}")
    print(f"{metric[2] * args.epochs / train_time:.1f} examples/sec on cpu")


if __name__ == "__main__":
    main()
