#!/usr/bin/env python3
"""editors/keywords.py - the one keyword list, carried into every grammar.

The lexer's table (dsl/recov.l, `rc_keywords`) is the only list of recov's
keywords.  This script copies it into the places that repeat it:

  spec/grammar.md                               the "Keywords (N):" block
  editors/vim/syntax/recov.vim                  `syn keyword recovKeyword ...`
  editors/emacs/recov-mode.el                   `(defconst recov-keywords ...)`
  editors/vscode/syntaxes/recov.tmLanguage.json the `keywords` rule's regex

    python3 editors/keywords.py          rewrite those places from the lexer
    python3 editors/keywords.py --check  change nothing; exit 1 and say what
                                         differs (the ctest `editors.keywords`)

The check also holds the table against the parser's `KW_` tokens
(dsl/recov.y), so a keyword added to one and not the other fails too.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def lexer_keywords():
    src = read("dsl/recov.l")
    m = re.search(r"rc_keywords\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        sys.exit("keywords.py: no rc_keywords table in dsl/recov.l")
    pairs = re.findall(r'\{\s*"([^"]+)"\s*,\s*RC_TOK_(KW_[A-Z_]+)\s*\}', m.group(1))
    words = [w for w, _ in pairs]
    if words != sorted(words):
        sys.exit("keywords.py: dsl/recov.l's rc_keywords is not sorted (bsearch needs it)")
    tokens = set(re.findall(r"\b(KW_[A-Z_]+)\s+\"'", read("dsl/recov.y")))
    table = {t for _, t in pairs}
    if tokens != table:
        sys.exit("keywords.py: dsl/recov.y's KW_ tokens and dsl/recov.l's table differ: "
                 "only in recov.y: %s; only in recov.l: %s"
                 % (sorted(tokens - table), sorted(table - tokens)))
    return words


def wrap(words, width, first, rest, sep=" "):
    """Lines of at most `width` characters: `first` then the words, further
    lines starting with `rest`."""
    lines, cur = [], first
    for w in words:
        add = w if cur in (first, rest) else sep + w
        if len(cur) + len(add) > width and cur not in (first, rest):
            lines.append(cur.rstrip())
            cur, add = rest, w
        cur += add
    lines.append(cur)
    return lines


def between(text, begin, end, body, path):
    """Replace the lines strictly between the marker lines."""
    i = text.find(begin)
    j = text.find(end, i + 1)
    if i < 0 or j < 0:
        sys.exit("keywords.py: %s lacks the markers %r ... %r" % (path, begin, end))
    i = text.index("\n", i) + 1
    j = text.rindex("\n", 0, j) + 1
    return text[:i] + body + text[j:]


def tm_regex(words):
    """The TextMate (Oniguruma) regex of the keywords: a whole word of the
    lexer's identifier alphabet, so `3on`, `on_x` and `x2on` are not keywords."""
    return "(?<![A-Za-z0-9_])(?:" + "|".join(words) + ")(?![A-Za-z0-9_])"


def grammar_md(text, words):
    body = "".join("    " + l + "\n" for l in wrap(words, 75, "", ""))
    text = re.sub(r"Keywords \(\d+\):", "Keywords (%d):" % len(words), text)
    m = re.search(r"Keywords \(\d+\):\n\n((?:    .*\n)+)", text)
    if not m:
        sys.exit("keywords.py: spec/grammar.md has no `Keywords (N):` block")
    return text[:m.start(1)] + body + text[m.end(1):]


def vim(text, words):
    body = "".join(l + "\n" for l in wrap(words, 78, "syn keyword recovKeyword ", "syn keyword recovKeyword "))
    return between(text, '" BEGIN KEYWORDS', '" END KEYWORDS', body, "recov.vim")


def emacs(text, words):
    quoted = ['"%s"' % w for w in words]
    lines = wrap(quoted, 78, "  '(", "    ")
    lines[-1] += ")"
    body = "(defconst recov-keywords\n" + "\n".join(lines) + "\n" + \
        '  "The keywords of recov, as the lexer (dsl/recov.l) knows them.")\n'
    return between(text, ";; BEGIN KEYWORDS", ";; END KEYWORDS", body, "recov-mode.el")


def textmate(text, words):
    g = json.loads(text)
    g["repository"]["keywords"]["match"] = tm_regex(words)
    return json.dumps(g, indent=2, ensure_ascii=False) + "\n"


TARGETS = [
    ("spec/grammar.md", grammar_md),
    ("editors/vim/syntax/recov.vim", vim),
    ("editors/emacs/recov-mode.el", emacs),
    ("editors/vscode/syntaxes/recov.tmLanguage.json", textmate),
]


def main():
    check = "--check" in sys.argv[1:]
    words = lexer_keywords()
    stale = []
    for rel, fn in TARGETS:
        old = read(rel)
        new = fn(old, words)
        if new == old:
            continue
        stale.append(rel)
        if not check:
            with open(os.path.join(ROOT, rel), "w", encoding="utf-8") as f:
                f.write(new)
    if check and stale:
        print("keywords.py: out of date with dsl/recov.l's %d keywords: %s\n"
              "run: python3 editors/keywords.py" % (len(words), ", ".join(stale)))
        return 1
    if not check:
        print("%d keywords; rewrote: %s" % (len(words), ", ".join(stale) or "nothing"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
