#!/usr/bin/python3
"""Writes lenet_step.json: one SGD step (lr 0.9, mean cross-entropy) of the book's LeNet in
PyTorch on a fixed batch, with the weights before and after, so that d2l's TrainBatch can be
checked against it without Python.

Run once with Debian's PyTorch (python3-torch 1.13):  /usr/bin/python3 d2l/testdata/lenet_step.py
"""
import json
import os

import torch
from torch import nn

torch.manual_seed(66)
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.Sigmoid(),
    nn.Linear(84, 10))
for m in net:
    if type(m) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)
# Round the weights to 4 decimals so the JSON holds them exactly.
with torch.no_grad():
    for p in net.parameters():
        p.copy_(torch.round(p * 1e4) / 1e4)
X = torch.round(torch.rand(8, 1, 28, 28) * 1e2) / 1e2
y = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])

before = [[n, list(p.shape), [round(v, 4) for v in p.detach().reshape(-1).tolist()]] for n, p in net.named_parameters()]
optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
loss = nn.CrossEntropyLoss()
y_hat = net(X)
l = loss(y_hat, y)
correct = (y_hat.argmax(dim=1) == y).sum().item()
optimizer.zero_grad()
l.backward()
optimizer.step()
after = [[n, [float("%.7g" % v) for v in p.detach().reshape(-1).tolist()]] for n, p in net.named_parameters()]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lenet_step.json")
with open(out, "w") as f:
    json.dump({"source": "PyTorch " + torch.__version__ + " (float32), written by lenet_step.py",
               "lr": 0.9, "x_shape": list(X.shape), "x": [round(v, 2) for v in X.reshape(-1).tolist()], "y": y.tolist(),
               "loss_mean": l.item(), "correct": correct, "before": before, "after": after}, f)
print("wrote", out, "loss", l.item())
