#!/usr/bin/env python3
"""installed_links.py PREFIX - the installed documentation and recovc's help
point only at installed files.

1. Every relative link of every Markdown file under PREFIX/share/doc/recov
   (inline `[t](x)` and `![t](x)`, reference definitions `[t]: x`, HTML
   `href="x"` and `src="x"`; not inside code) resolves to a file inside
   PREFIX.  At least one link must be found, and a spoiled copy of a
   document (a link to a file that is not installed) must fail the check.
2. Every `share/doc/recov/...` path that `recovc --help` or
   `recovc CMD --help` names exists under PREFIX, and no help text names a
   source-tree document (`spec/X.md`, `docs/X.md`) without that prefix.
"""
import os, re, shutil, subprocess, sys, tempfile

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE = re.compile(r"`[^`\n]*`")
LINKS = [re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)"),
         re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M),
         re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")]
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

def doc_links(path):
    text = CODE.sub("", FENCE.sub("", open(path, encoding="utf-8").read()))
    for rx in LINKS:
        for m in rx.finditer(text):
            yield m.group(1)

def broken(prefix):
    """(found, [problems]) for the Markdown files under prefix's docs."""
    prefix = os.path.realpath(prefix)
    found, bad = 0, []
    for d, _, files in os.walk(os.path.join(prefix, "share", "doc", "recov")):
        for f in sorted(files):
            if not f.endswith(".md"):
                continue
            path = os.path.join(d, f)
            for target in doc_links(path):
                if SCHEME.match(target) or target.startswith("#"):
                    continue
                found += 1
                rel = target.split("#", 1)[0].split("?", 1)[0]
                dest = os.path.realpath(os.path.join(d, rel))
                if not dest.startswith(prefix + os.sep) or not os.path.exists(dest):
                    bad.append(f"{os.path.relpath(path, prefix)}: links {target}, "
                               "which is not installed")
    return found, bad

def check_help(prefix):
    recovc = os.path.join(prefix, "bin", "recovc")
    out = subprocess.run([recovc, "--help"], stdout=subprocess.PIPE, text=True).stdout
    cmds = re.findall(r"^  ([a-z]+) ", out.split("options for every command")[0], re.M)
    if len(cmds) < 8:
        sys.exit(f"FAILED: recovc --help lists {len(cmds)} commands")
    bad, named = [], 0
    for argv in [["--help"]] + [[c, "--help"] for c in cmds]:
        text = subprocess.run([recovc] + argv, stdout=subprocess.PIPE, text=True).stdout
        for m in re.finditer(r"(\S*?)((?:spec|docs)/[\w./-]*\.(?:md|json))", text):
            if not m.group(1).endswith("share/doc/recov/"):
                bad.append(f"recovc {' '.join(argv)} names {m.group(1)}{m.group(2)}, a source-tree path")
                continue
            named += 1
            if not os.path.isfile(os.path.join(prefix, "share/doc/recov", m.group(2))):
                bad.append(f"recovc {' '.join(argv)} names share/doc/recov/{m.group(2)}, not installed")
    if named < 3:
        bad.append(f"the help texts name {named} installed documents (lsp, test and compile name 4)")
    return bad

def main(prefix):
    found, bad = broken(prefix)
    if found == 0:
        bad.append("no relative link found in the installed documents")
    # the check must be able to fail: a copy with one link spoiled
    with tempfile.TemporaryDirectory() as t:
        doc = os.path.join(t, "share", "doc", "recov")
        shutil.copytree(os.path.join(prefix, "share", "doc", "recov"), doc)
        with open(os.path.join(doc, "README.md"), "a", encoding="utf-8") as f:
            f.write("\nSee [the results](bench/RESULTS.md).\n")
        if len(broken(t)[1]) != len(bad) + 1:
            bad.append("a link to bench/RESULTS.md added to the README was not reported")
    bad += check_help(prefix)
    if bad:
        sys.exit("FAILED:\n  " + "\n  ".join(bad))
    print(f"installed docs: {found} relative links resolve inside the prefix; help texts name installed docs only")

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
