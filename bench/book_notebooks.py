"""Builds the book's own PyTorch notebooks for sections 6.2-6.5 from a d2l-zh checkout.

d2l-zh keeps each section as Markdown whose code blocks are tagged per framework
(```{.python .input} with a first line "#@tab pytorch", "#@tab all", ...; untagged blocks are
MXNet). This keeps the Markdown between blocks and the blocks for PyTorch, as the book's
PyTorch notebooks do, and copies the checkout's d2l package next to them, so that
`from d2l import torch as d2l` works. Used by bench/book_notebooks.sh:

    /usr/bin/python3 bench/book_notebooks.py D2L_ZH_DIR OUT_DIR
"""
import json
import os
import re
import shutil
import sys

SECTIONS = ["conv-layer", "padding-and-strides", "channels", "pooling"]  # 6.2 .. 6.5
BLOCK = re.compile(r"```\{\.python \.input[^}]*\}\n(.*?)```", re.S)


def notebook(markdown):
    cells, pos = [], 0
    for m in BLOCK.finditer(markdown):
        text = markdown[pos:m.start()].strip()
        if text:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": text})
        pos = m.end()
        first, _, body = m.group(1).partition("\n")
        tabs = [t.strip() for t in first.strip()[len("#@tab"):].split(",")] if first.startswith("#@tab") else []
        if "pytorch" in tabs or "all" in tabs:
            cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                          "outputs": [], "source": body.rstrip("\n")})
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def main(src, out):
    os.makedirs(out, exist_ok=True)
    shutil.copytree(os.path.join(src, "d2l"), os.path.join(out, "d2l"), dirs_exist_ok=True)
    for name in SECTIONS:
        with open(os.path.join(src, "chapter_convolutional-neural-networks", name + ".md"), encoding="utf-8") as f:
            nb = notebook(f.read())
        with open(os.path.join(out, name + ".ipynb"), "w", encoding="utf-8") as f:
            json.dump(nb, f, ensure_ascii=False, indent=1)
        print(name, sum(c["cell_type"] == "code" for c in nb["cells"]), "code cells")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
