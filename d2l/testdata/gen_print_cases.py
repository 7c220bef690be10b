"""Regenerates print_cases.json: how PyTorch prints tensors (the reference for d2l.Format).

Run with a Python that has torch (the project used torch 1.13):  /usr/bin/python3 gen_print_cases.py
Each case stores the dtype, the shape, the flat values and str(tensor) as PyTorch prints it.
"""
import json
import math

import torch

torch.manual_seed(0)

cases = []


def add(name, t):
    flat = t.reshape(-1).tolist()
    vals = []
    for v in flat:
        if isinstance(v, bool):
            vals.append(1.0 if v else 0.0)
        elif isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            vals.append(str(v))  # "nan", "inf", "-inf"
        elif isinstance(v, float) and v == 0 and math.copysign(1, v) < 0:
            vals.append("-0")
        else:
            vals.append(v)
    cases.append({"name": name, "dtype": str(t.dtype).replace("torch.", ""),
                  "shape": list(t.shape), "values": vals, "want": str(t)})


f = lambda x: torch.tensor(x, dtype=torch.float32)
add("corr2d", f([[19, 25], [37, 43]]))
add("book_4dec", f([[1.0010, -0.9739]]))
add("mixed_int_widths", f([[1, 100], [-5, 7]]))
add("mixed_float_widths", f([[1.5, -10.25], [100.125, 3]]))
add("arange_4d", torch.arange(16, dtype=torch.float32).reshape(1, 1, 4, 4))
add("two_channels", torch.cat((torch.arange(16.).reshape(1, 1, 4, 4), torch.arange(16.).reshape(1, 1, 4, 4) + 1), 1))
add("edge", f([[0, 1, 0, 0, 0, -1, 0]] * 3))
add("zeros_2x3", torch.zeros(2, 3))
add("neg_zero", f([-0.0, 0.0, 1.0]))
add("neg_zero_only", f([-0.0]))
add("neg_zero_float", f([-0.0, 0.5]))
add("randn_3x4", torch.randn(3, 4))
add("randn_2x3x4", torch.randn(2, 3, 4))
add("rand_8", torch.rand(8))
add("sci_big", f([1e9, 1.0]))
add("sci_small", f([1e-5, 1.0]))
add("sci_ratio", f([1234.5, 0.5]))
add("int_sci_ratio", f([1, 10000]))
add("int_big", f([123456789.0, 1.0]))
add("nonfinite", f([float("inf"), float("-inf"), float("nan"), 1.5]))
add("inf_int", f([float("inf"), 1.0]))
add("nan_only", f([float("nan")]))
add("scalar_int", f(3.0))
add("scalar_float", f(2.5))
add("scalar_neg_zero", f(-0.0))
add("empty_1d", torch.zeros(0))
add("empty_2d", torch.zeros(0, 3))
add("long_vector", torch.arange(30, dtype=torch.float32))
add("long_float_vector", torch.randn(20))
add("summarized_vector", torch.arange(2000, dtype=torch.float32))
add("summarized_matrix", torch.randn(40, 40))
add("summarized_4d", torch.arange(2 * 3 * 20 * 20, dtype=torch.float32).reshape(2, 3, 20, 20) / 7)
add("avg_pool", f([[[[1.111111, 2.666667], [5.666667, 10.0]]]]))
add("rounding", f([0.00015, 0.12345, 0.99995, 2.00005]))
add("one_by_one", f([[5.0]]))
add("float64", torch.tensor([1.5, 2.0], dtype=torch.float64))
add("int64", torch.tensor([1, -22, 3]))
add("int32", torch.tensor([[1, 2], [3, 40]], dtype=torch.int32))
add("bool", torch.tensor([True, False, True]))
add("bool_2d", torch.tensor([[True], [False]]))
add("wide_rows", torch.randn(3, 12) * 100)

with open("print_cases.json", "w") as fh:
    json.dump({"torch_version": torch.__version__, "cases": cases}, fh, indent=1)
    fh.write("\n")
