#!/usr/bin/env python3
"""textmate.py KWPOS SRC - editors.textmate: the TextMate grammar
(editors/vscode/syntaxes/recov.tmLanguage.json) against the lexer.

0. editors/vscode/package.json ties .recov files to it and to `recovc lsp`.
1. Its keyword rule matches each of the lexer's keywords (editors/keywords.py
   reads them from dsl/recov.l) as a whole word and nothing longer or shorter.
2. Its rules, applied as a TextMate engine applies them (line by line; at
   each point the rule that matches earliest wins, the first listed on a tie;
   inside a begin/end rule its end and its own patterns), give the scope
   keyword.other.recov to every keyword token that recovc's scanner (KWPOS)
   finds in the source tree's .recov files, and to no identifier token and
   no keyword spelling inside a comment, string or regex.
The grammar's regexes are Oniguruma; the ones it uses mean the same in
Python's re, which this script compiles them with.
"""
import json
import os
import re
import subprocess
import sys

kwpos, src = sys.argv[1], os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(src, "editors"))
import keywords  # noqa: E402

KW_SCOPE = "keyword.other.recov"
with open(os.path.join(src, "editors/vscode/syntaxes/recov.tmLanguage.json"), encoding="utf-8") as f:
    g = json.load(f)
fail = []

# 0. the VS Code extension folder names this grammar for .recov files
vsc = os.path.join(src, "editors/vscode")
with open(os.path.join(vsc, "package.json"), encoding="utf-8") as f:
    pkg = json.load(f)
with open(os.path.join(vsc, "language-configuration.json"), encoding="utf-8") as f:
    json.load(f)
lang = pkg["contributes"]["languages"][0]
gram = pkg["contributes"]["grammars"][0]
if lang["extensions"] != [".recov"] or gram["language"] != lang["id"] or gram["scopeName"] != g["scopeName"] \
        or os.path.normpath(os.path.join(vsc, gram["path"])) != os.path.join(vsc, "syntaxes/recov.tmLanguage.json") \
        or not os.path.exists(os.path.join(vsc, lang["configuration"])) \
        or pkg["contributes"]["configuration"]["properties"]["recov.server.args"]["default"] != ["lsp"]:
    fail.append("editors/vscode/package.json does not tie .recov, the grammar and `recovc lsp` together")

# 1. the keyword rule and the keyword list
words = keywords.lexer_keywords()
kwre = re.compile(g["repository"]["keywords"]["match"])
for w in words:
    for text, want in ((w, w), ("3" + w, None), (w + "_x", None), ("_" + w, None), (w + "9", None),
                       ("(" + w + ")", w), (w[:-1], None) if len(w) > 1 else ("", None)):
        m = kwre.search(text)
        got = m.group(0) if m else None
        if got != want and not (want is None and got in words and got != w):
            fail.append("keyword rule on %r: matched %r, wanted %r" % (text, got, want))


# 2. the whole grammar over every file
def rule(r):
    if "include" in r:
        return rules_of(g["repository"][r["include"][1:]])
    return rules_of(r)


def rules_of(r):
    if "match" in r or "begin" in r:
        out = dict(r)
        for k in ("match", "begin", "end"):
            if k in out:
                out[k] = re.compile(out[k])
        out["inner"] = [x for p in r.get("patterns", []) for x in rule(p)]
        return [out]
    return [x for p in r.get("patterns", []) for x in rule(p)]


top = [x for p in g["patterns"] for x in rule(p)]


def earliest(cands, line, pos):
    best = None
    for order, (r, pat) in enumerate(cands):
        m = pat.search(line, pos)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, r)
    return best


def scan(lines):
    """The scope of every character: {(line, col): scope name}, 1-based."""
    scopes = {}
    state = None
    for ln, line in enumerate(lines, 1):
        pos = 0
        while pos <= len(line):
            if state:
                cands = [(None, state["end"])] + [(r, r.get("match") or r["begin"]) for r in state["inner"]]
                m, r = earliest(cands, line, pos) or (None, None)
                end = m.end() if m else len(line)
                for c in range(pos, end):
                    scopes[(ln, c + 1)] = state.get("name")
                if m is None:
                    break
                if r is None:
                    state = None
                pos = max(end, pos + (0 if r is None else 1))
                continue
            found = earliest([(r, r.get("match") or r["begin"]) for r in top], line, pos)
            if not found:
                break
            m, r = found
            for c in range(m.start(), m.end()):
                scopes[(ln, c + 1)] = r.get("name")
            if "begin" in r:
                state = r
            pos = m.end() if m.end() > m.start() else m.end() + 1
    return scopes


files = subprocess.run(["bash", "tests/editors/files.sh"], cwd=src, check=True,
                       capture_output=True, text=True).stdout.split()
out = subprocess.run([kwpos] + files, cwd=src, check=True, capture_output=True).stdout.decode("latin-1")
bycount = {"K": 0, "I": 0, "N": 0}
cache = {}
for row in out.splitlines():
    path, kind, line, col, word = row.split("\t")
    if path not in cache:
        with open(os.path.join(src, path), encoding="latin-1", newline="") as f:
            cache = {path: scan(f.read().split("\n"))}
    sc = cache[path].get((int(line), int(col)))
    bycount[kind] += 1
    if (sc == KW_SCOPE) != (kind == "K"):
        fail.append("%s:%s:%s: %s %s has scope %s" % (path, line, col,
                    {"K": "keyword", "I": "identifier"}.get(kind, "word in a comment, string or regex"), word, sc))
for f in fail[:20]:
    print(f)
print("%d keywords in the rule; %d files, %d keywords, %d identifiers, %d keywords in comments, strings and "
      "regexes: %d wrong" % (len(words), len(files), bycount["K"], bycount["I"], bycount["N"], len(fail)))
sys.exit(1 if fail else 0)
