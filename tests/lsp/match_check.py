#!/usr/bin/env python3
"""match_check.py RECOVC FILE... - the language server's diagnostics are
recovc check's: every policy is opened in one `recovc lsp` (UTF-8
positions, so columns are bytes as in recovc's output) and its published
diagnostics are compared with `recovc check --format json`: the same
messages in the same order, each with the same range, severity, -W code,
and the same notes (messages and ranges) as relatedInformation."""
import json
import os
import subprocess
import sys


def frame(msg):
    body = json.dumps(msg, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def lsp_diags(recovc, files):
    data = frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"capabilities": {"general": {"positionEncodings": ["utf-8"]}}}})
    for f in files:
        data += frame({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                       "params": {"textDocument": {"uri": "file://" + f, "languageId": "recov",
                                                   "version": 1, "text": open(f, encoding="utf-8").read()}}})
    data += frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}) + frame({"jsonrpc": "2.0", "method": "exit"})
    out = subprocess.run([recovc, "lsp"], input=data, stdout=subprocess.PIPE, check=True, timeout=600).stdout
    got, i = {}, 0
    while i < len(out):
        h = out.index(b"\r\n\r\n", i)
        n = int(out[i + 16:h])
        m = json.loads(out[h + 4:h + 4 + n])
        i = h + 4 + n
        if m.get("method") == "textDocument/publishDiagnostics":
            got[m["params"]["uri"]] = m["params"]["diagnostics"]
    return got


def rng(d):
    # recovc: 1-based, end column inclusive; LSP: 0-based, end exclusive
    line, col = d["line"], d["column"]
    el, ec = d.get("endLine", line), d.get("endColumn", col)
    return {"start": {"line": line - 1, "character": col - 1}, "end": {"line": el - 1, "character": ec}}


def expected(recovc, f):
    p = subprocess.run([recovc, "check", "--format", "json", f], stdout=subprocess.PIPE, timeout=600)
    want = []
    for d in json.loads(p.stdout)["diagnostics"]:
        want.append({"range": rng(d) if d["line"] > 0 else rng({"line": 1, "column": 1, "endLine": 1, "endColumn": 0}),
                     "severity": 1 if d["severity"] == "error" else 2, "code": d["warning"],
                     "message": d["message"]})
        for n in d.get("notes", []):
            r = rng(n) if n["line"] > 0 else want[-1]["range"]
            want[-1].setdefault("related", []).append((r, ("fix: " if n["kind"] == "fix" else "") + n["message"]))
    return want


def main():
    recovc = os.path.abspath(sys.argv[1])
    files = [os.path.abspath(f) for f in sys.argv[2:]]
    got = lsp_diags(recovc, files)
    bad = ndiag = 0
    for f in files:
        have = [{"range": g["range"], "severity": g["severity"], "code": g.get("code"), "message": g["message"],
                 **({"related": [(r["location"]["range"], r["message"]) for r in g["relatedInformation"]]}
                    if "relatedInformation" in g else {})} for g in got.get("file://" + f, [])]
        want = expected(recovc, f)
        ndiag += len(want)
        if have != want:
            bad += 1
            print("%s differs:\n  check: %s\n  lsp:   %s" % (f, json.dumps(want)[:2000], json.dumps(have)[:2000]))
    print("%d policies, %d diagnostics, %d differ" % (len(files), ndiag, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
