"""seed_ref.py - time the seed's own classifier and delay calculation.

    python3 seed_ref.py SEED_DOC N

SEED_DOC is the seed system's document (seed 004, agent error workflows),
given by the caller: nothing of it is kept in this project.  Its Python
blocks that define ErrorType, ErrorSeverity, ErrorClassifier and
RetryStrategy are extracted and executed as they are, with stand-ins only for
what they import (httpx's exception types, two exception classes the
document names but never defines, a logger).  Then, on the first N faults of
stream.py, each fault becomes the exception the seed expects, and
`classify_error` + `_calculate_delay` run once per fault, attempts cycling
0..3.  Prints `python ns/fault X classified Y` (best of 3 runs).
"""
import asyncio  # noqa: F401  (the seed's code refers to it)
import logging
import random
import re
import sys
import time
import types
from enum import Enum
from typing import Any, Callable, Dict, List, Optional  # noqa: F401

import stream

WANT = ("class ErrorType", "class ErrorClassifier", "class RetryStrategy")


def seed_namespace(doc_path):
    text = open(doc_path, encoding="utf-8", errors="replace").read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    chosen = [b for b in blocks if any(b.lstrip().startswith(w) for w in WANT)]
    if len(chosen) != len(WANT):
        sys.exit("seed_ref: expected %d python blocks (%s) in %s, found %d"
                 % (len(WANT), ", ".join(WANT), doc_path, len(chosen)))

    httpx = types.ModuleType("httpx")

    class TimeoutException(Exception):
        pass

    class ConnectError(Exception):
        pass

    class HTTPStatusError(Exception):
        def __init__(self, msg, status_code):
            super().__init__(msg)
            self.status_code = status_code

    httpx.TimeoutException = TimeoutException
    httpx.ConnectError = ConnectError
    httpx.HTTPStatusError = HTTPStatusError
    sys.modules["httpx"] = httpx

    class DatabaseError(Exception):
        pass

    class AuthenticationError(Exception):
        pass

    log = logging.getLogger("seed")
    log.disabled = True
    ns = {"Enum": Enum, "httpx": httpx, "asyncio": asyncio, "random": random,
          "logger": log, "DatabaseError": DatabaseError,
          "AuthenticationError": AuthenticationError, "Callable": Callable,
          "Dict": Dict, "List": List, "Any": Any, "Optional": Optional,
          "__name__": "seed"}
    for b in chosen:
        exec(compile(b, doc_path, "exec"), ns)  # the seed's code, as is
    return ns, httpx


def to_exception(httpx, fault):
    status, kind, _ra, msg = fault
    if kind == stream.KIND_TIMEOUT:
        return httpx.TimeoutException(msg)
    if kind == stream.KIND_RESET:
        return httpx.ConnectError(msg)
    if status:
        return httpx.HTTPStatusError(msg, status)
    if "out of memory" in msg:
        return MemoryError(msg)
    return RuntimeError(msg)


def main():
    doc, n = sys.argv[1], int(sys.argv[2])
    ns, httpx = seed_namespace(doc)
    classifier = ns["ErrorClassifier"]()
    retry = ns["RetryStrategy"]()
    errs = [to_exception(httpx, f) for f in stream.faults(n)]
    best = None
    kinds = set()
    for _ in range(3):
        random.seed(1)
        t0 = time.perf_counter_ns()
        for i, e in enumerate(errs):
            et, sev = classifier.classify_error(e)
            retry._calculate_delay(i & 3, et, sev)
        dt = time.perf_counter_ns() - t0
        best = dt if best is None or dt < best else best
    for e in errs[:1000]:
        kinds.add(classifier.classify_error(e)[0].value)
    print("python ns/fault %.1f classified %d types: %s" % (best / n, len(kinds), " ".join(sorted(kinds))))


if __name__ == "__main__":
    main()
