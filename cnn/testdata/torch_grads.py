#!/usr/bin/python3
"""Writes torch_grads.json: PyTorch's outputs and gradients for conv2d, max_pool2d and
avg_pool2d on fixed inputs, so the Go tests in package cnn can compare without Python.

Run once with Debian's PyTorch (python3-torch 1.13):  /usr/bin/python3 cnn/testdata/torch_grads.py
Every case uses loss = sum(y * g) for a fixed random g, so d loss / d x is the
vector-Jacobian product of the op with g. Values are rounded to 4 decimals before use,
so the JSON holds the exact inputs; the computation runs in float64.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261129)


def fixed(*shape):
    # Distinct values (no ties inside a pooling window) rounded to 4 decimals.
    return torch.round(torch.randn(*shape, dtype=torch.float64) * 1e4) / 1e4


def flat(t):
    return [round(v, 10) for v in t.detach().reshape(-1).tolist()]


cases = []


def conv_case(name, n, ci, h, w, co, kh, kw, padding, stride, bias):
    x = fixed(n, ci, h, w).requires_grad_()
    k = fixed(co, ci, kh, kw).requires_grad_()
    b = fixed(co).requires_grad_() if bias else None
    y = F.conv2d(x, k, b, stride=stride, padding=padding)
    g = fixed(*y.shape)
    (y * g).sum().backward()
    case = {"name": name, "op": "conv2d", "padding": list(padding), "stride": list(stride),
            "x_shape": list(x.shape), "x": flat(x), "w_shape": list(k.shape), "w": flat(k),
            "y_shape": list(y.shape), "y": flat(y), "g": flat(g),
            "dx": flat(x.grad), "dw": flat(k.grad)}
    if bias:
        case["b"] = flat(b)
        case["db"] = flat(b.grad)
    cases.append(case)


def pool_case(name, mode, n, c, h, w, kernel, padding, stride, ties=False):
    if ties:
        # Few distinct values: windows hold equal maxima (like the zero background of images).
        x = torch.randint(0, 3, (n, c, h, w)).to(torch.float64).requires_grad_()
    else:
        x = fixed(n, c, h, w).requires_grad_()
    if mode == "max":
        y = F.max_pool2d(x, kernel, stride=stride, padding=padding)
    else:
        y = F.avg_pool2d(x, kernel, stride=stride, padding=padding, count_include_pad=True)
    g = fixed(*y.shape)
    (y * g).sum().backward()
    cases.append({"name": name, "op": mode + "_pool2d", "kernel": list(kernel),
                  "padding": list(padding), "stride": list(stride),
                  "x_shape": list(x.shape), "x": flat(x), "y_shape": list(y.shape), "y": flat(y),
                  "g": flat(g), "dx": flat(x.grad)})


conv_case("conv_lenet1_pad2", 2, 1, 8, 8, 2, 5, 5, (2, 2), (1, 1), True)
conv_case("conv_channels_nopad", 2, 3, 6, 5, 4, 3, 3, (0, 0), (1, 1), True)
conv_case("conv_pad12_stride21", 2, 3, 7, 6, 4, 3, 2, (1, 2), (2, 1), True)
conv_case("conv_stride3_uneven", 1, 2, 8, 9, 3, 3, 3, (1, 0), (3, 2), False)
conv_case("conv_1x2_edge_kernel", 1, 1, 6, 8, 1, 1, 2, (0, 0), (1, 1), False)
pool_case("max_k2_s2", "max", 2, 3, 6, 6, (2, 2), (0, 0), (2, 2))
pool_case("max_k3_p1_s2", "max", 2, 2, 7, 7, (3, 3), (1, 1), (2, 2))
pool_case("max_k3_s1_overlap", "max", 1, 2, 5, 6, (3, 3), (0, 0), (1, 1))
pool_case("max_k23_p01_s23", "max", 1, 2, 6, 8, (2, 3), (0, 1), (2, 3))
pool_case("max_k3_p1_s2_ties", "max", 1, 2, 7, 7, (3, 3), (1, 1), (2, 2), ties=True)
pool_case("max_k2_s1_ties", "max", 1, 1, 5, 5, (2, 2), (0, 0), (1, 1), ties=True)
pool_case("avg_k2_s2", "avg", 2, 3, 6, 6, (2, 2), (0, 0), (2, 2))
pool_case("avg_k3_p1_s2", "avg", 2, 2, 7, 7, (3, 3), (1, 1), (2, 2))
pool_case("avg_k23_p01_s23", "avg", 1, 2, 7, 8, (2, 3), (0, 1), (2, 3))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_grads.json")
with open(out, "w") as f:
    json.dump({"source": "PyTorch " + torch.__version__ + ", float64, written by torch_grads.py",
               "cases": cases}, f, indent=1)
print("wrote", out, len(cases), "cases")
