#!/usr/bin/env python3
"""doctest.py WORKDIR DOC.md... - runs the fenced blocks of user documents.

In each document, in order:
  ```LANG file=NAME   the block's text is written to WORKDIR/NAME
  ```sh               the block runs under `bash -euo pipefail` in WORKDIR;
                      a nonzero exit fails the test
  ```text             right after an ```sh block: that block's output
                      (stdout and stderr) must be exactly this text
Other blocks (```c without file=, ```recov without file=, indented blocks)
are illustrations and are not run.  Each document gets a fresh folder.
"""
import os, re, subprocess, sys

FENCE = re.compile(r"^```(\S*)(.*)$")

def blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(1):
            i += 1
            continue
        lang, rest, start = m.group(1), m.group(2).strip(), i + 1
        j = start
        while j < len(lines) and lines[j] != "```":
            j += 1
        if j == len(lines):
            sys.exit(f"{path}:{i + 1}: unclosed ``` block")
        yield i + 1, lang, rest, "\n".join(lines[start:j]) + "\n"
        i = j + 1

def run(doc, work):
    os.makedirs(work, exist_ok=True)
    last = None          # (line, output) of the previous block when it was ```sh
    ran = 0
    for line, lang, rest, text in blocks(doc):
        where = f"{doc}:{line}"
        fm = re.match(r"file=(\S+)$", rest)
        if fm:
            dest = os.path.join(work, fm.group(1))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w", encoding="utf-8") as f:
                f.write(text)
            last = None
        elif lang == "sh":
            p = subprocess.run(["bash", "-euo", "pipefail", "-c", text], cwd=work,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode != 0:
                sys.exit(f"{where}: FAILED: the block exited {p.returncode}:\n{text}\n--- output:\n{p.stdout}")
            last = (line, p.stdout)
            ran += 1
        elif lang == "text" and last is not None:
            if last[1] != text:
                sys.exit(f"{where}: FAILED: the output of the block at line {last[0]} differs:\n"
                         f"--- expected:\n{text}--- got:\n{last[1]}")
            last = None
        else:
            last = None
    print(f"{doc}: {ran} command blocks passed")

if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    for k, doc in enumerate(sys.argv[2:]):
        run(os.path.abspath(doc), os.path.join(sys.argv[1], f"doc{k}"))
