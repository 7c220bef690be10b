"""PyTorch side of d2l-go's side-by-side benchmark (bench/run.sh).

Runs the same shapes as `go run ./bench` with PyTorch on the CPU and prints one
JSON object per case: {"case": name, "ms": median wall milliseconds, "cpu_ms": mean CPU
milliseconds of all threads}. Run it with
Debian's /usr/bin/python3 (torch 1.13); run.sh sets OPENBLAS_CORETYPE so that
OpenBLAS uses its AVX-512 kernels, and this script uses 2 threads.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)
MIN_SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0


def timeit(fn):
    """Median wall time of fn in ms and mean CPU time (all threads) in ms: warm up, then repeat
    for MIN_SECONDS (at least 5 runs)."""
    for _ in range(3):
        fn()
    times = []
    start = time.perf_counter()
    cpu0 = time.process_time()
    while len(times) < 5 or time.perf_counter() - start < MIN_SECONDS:
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
        if len(times) >= 2000:
            break
    cpu = (time.process_time() - cpu0) * 1e3 / len(times)
    return statistics.median(times), cpu


def conv_case(xs, ws, pad, backward):
    x = torch.rand(*xs) * 2 - 1
    w = torch.rand(*ws) * 2 - 1
    b = torch.zeros(ws[0])
    if not backward:
        def fn():
            with torch.no_grad():
                F.conv2d(x, w, b, padding=pad)
        return fn
    x.requires_grad_(True)
    w.requires_grad_(True)
    b.requires_grad_(True)

    def fn():
        x.grad = w.grad = b.grad = None
        F.conv2d(x, w, b, padding=pad).sum().backward()
    return fn


def pool_case(kind, backward, batch=64):
    x = torch.rand(batch, 6, 28, 28)
    op = F.max_pool2d if kind == "max" else F.avg_pool2d
    if not backward:
        def fn():
            with torch.no_grad():
                op(x, 2)
        return fn
    x.requires_grad_(True)

    def fn():
        x.grad = None
        op(x, 2).sum().backward()
    return fn


def lenet():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, kernel_size=5, padding=2), torch.nn.Sigmoid(),
        torch.nn.AvgPool2d(kernel_size=2, stride=2),
        torch.nn.Conv2d(6, 16, kernel_size=5), torch.nn.Sigmoid(),
        torch.nn.AvgPool2d(kernel_size=2, stride=2),
        torch.nn.Flatten(),
        torch.nn.Linear(16 * 5 * 5, 120), torch.nn.Sigmoid(),
        torch.nn.Linear(120, 84), torch.nn.Sigmoid(),
        torch.nn.Linear(84, 10))
    for m in net:
        if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
            torch.nn.init.xavier_uniform_(m.weight)
    return net


def lenet_step_case(batch):
    net = lenet()
    opt = torch.optim.SGD(net.parameters(), lr=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))

    def fn():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
    return fn


CASES = {
    "conv1_fwd": lambda: conv_case((64, 1, 28, 28), (6, 1, 5, 5), 2, False),
    "conv1_fwdbwd": lambda: conv_case((64, 1, 28, 28), (6, 1, 5, 5), 2, True),
    "conv2_fwd": lambda: conv_case((64, 6, 14, 14), (16, 6, 5, 5), 0, False),
    "conv2_fwdbwd": lambda: conv_case((64, 6, 14, 14), (16, 6, 5, 5), 0, True),
    "conv3x3_fwd": lambda: conv_case((32, 64, 56, 56), (64, 64, 3, 3), 1, False),
    "maxpool_fwdbwd": lambda: pool_case("max", True),
    "avgpool_fwdbwd": lambda: pool_case("avg", True),
    "lenet_step256": lambda: lenet_step_case(256),
    "eager_conv1_256": lambda: conv_case((256, 1, 28, 28), (6, 1, 5, 5), 2, False),
    "eager_conv2_256": lambda: conv_case((256, 6, 14, 14), (16, 6, 5, 5), 0, False),
    "eager_maxpool_256": lambda: pool_case("max", False, 256),
    "eager_avgpool_256": lambda: pool_case("avg", False, 256),
}

if __name__ == "__main__":
    wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else list(CASES)
    for name in wanted:
        ms, cpu = timeit(CASES[name]())
        print(json.dumps({"case": name, "ms": round(ms, 4), "cpu_ms": round(cpu, 4)}), flush=True)
