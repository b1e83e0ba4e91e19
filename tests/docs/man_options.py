#!/usr/bin/env python3
"""man_options.py RECOVC MANPAGE - the man page and `recovc --help` agree.

Every command of `recovc --help` has a `.B recovc CMD` line in the man page;
every option named in the option column of `recovc --help` or of any
`recovc CMD --help` appears in the man page; every option in the man page's
SYNOPSIS is one that some help text names.  Exit 1 with the differences.
"""
import re, subprocess, sys

OPT = re.compile(r"(?<![\w<-])(--?[A-Za-z][A-Za-z0-9-]*=?)")

def helptext(recovc, *args):
    p = subprocess.run([recovc, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.exit(f"{recovc} {' '.join(args)}: exit {p.returncode}\n{p.stdout}")
    return p.stdout

def option_column(text):
    """Options in the left column of the help's option lines."""
    opts = set()
    text = re.sub(r"<([a-z]+)>", r"\1", text)     # -W<name> is -W\fIname\fR in roff
    for line in text.split("\n"):
        m = re.match(r"^\s+(-.*?)(\s{2,}|$)", line)
        if m:
            opts.update(o.rstrip("=") for o in OPT.findall(m.group(1)))
    return opts

def roff_text(s):
    s = re.sub(r"\\f[BIRP]", "", s).replace("\\-", "-").replace("\\(dq", '"')
    return "\n".join(l[l.index(" ") + 1:] if l.startswith(".") and " " in l else
                     ("" if l.startswith(".") else l) for l in s.split("\n"))

def main(recovc, manpath):
    top = helptext(recovc, "--help")
    cmds = re.findall(r"^  ([a-z]+) ", top.split("commands", 1)[1].split("\n\n", 1)[0], re.M)
    if len(cmds) < 5:
        sys.exit(f"could not read the commands of recovc --help:\n{top}")
    helps = {"": top}
    for c in cmds:
        helps[c] = helptext(recovc, c, "--help")
    raw = open(manpath, encoding="utf-8").read()
    man = roff_text(raw)
    errs = []
    for c in cmds:
        if not re.search(rf"^\.B recovc {c}\b", raw, re.M):
            errs.append(f"command '{c}' has no '.B recovc {c}' line in the man page's synopsis")
    every = set()      # options named anywhere in the help texts
    for text in helps.values():
        every.update(o.rstrip("=") for o in OPT.findall(re.sub(r"<([a-z]+)>", r"\1", text)))
    for c, text in helps.items():
        for o in sorted(option_column(text)):
            if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", man):
                errs.append(f"option '{o}' of `recovc {c + ' ' if c else ''}--help` is not in the man page")
    syn = roff_text(raw.split(".SH SYNOPSIS", 1)[1].split(".SH ", 1)[0])
    for o in sorted(set(x.rstrip("=") for x in OPT.findall(syn))):
        if o not in every:
            errs.append(f"option '{o}' of the man page's synopsis is in no `recovc --help` text")
    for e in errs:
        print(e)
    if errs:
        sys.exit(1)
    print(f"man page: {len(cmds)} commands, {len(every)} options agree with --help")

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
