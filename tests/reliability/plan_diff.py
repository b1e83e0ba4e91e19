#!/usr/bin/env python3
"""plan_diff.py RECOVC OUTDIR [--cc CC]... - classification by several DFAs
(compiler/patterns/dfa_plan.h) on the simulator and on the generated C.

Generates pattern sets (seeded, so every run is the same), each with
messages, and writes per set a policy (one classify rule per pattern, in
order, each to its own error, `_` last) and an .rtest whose expectations
come from Python's `re` (the first pattern, in rule order, that occurs
anywhere in the message).  `recovc test --via c --cc CC` then runs every
message on the simulator and on the generated C built by each compiler and
requires the three to agree.  The sets:

  - mixes of literals, case-insensitive literals, regexes with `+` (which
    the plan groups on their own) and regexes like `c[cd]{11}x` (each over
    its own pair of letters: about 2^11 DFA states each, which add up) of
    24 to 60 patterns: one DFA of all of them would exceed the
    20,000-state budget, so the plan has several DFAs;
  - one set that fits one DFA (the plan must not split it);
  - 3,000 literals and regexes (above the old 20,000-state limit with no
    heavy pattern at all): the literal prefilter (prefilter.h), with 10
    regexes without a literal of 2 bytes (`[xz][0-9]{2}[jq]`) in residual
    DFAs, so that its scan keeps the mask (the other prefilter sets return
    their lowest pattern alone, spec/patterns.md "Lowest pattern alone");
  - the prefilter's own set, 2,000 patterns and 2,000 messages: literals
    and `~i` literals sharing words (keys shared by many patterns), finite
    regexes (`(a|b)`, ` ?`: keyed as their literals), regexes confirmed
    by their own DFA (`[0-9]+`, `[a-z]+`), anchored ones (`^...`,
    `...$`), and literals of 2 and 3 bytes (short keys of 2 bytes,
    spec/patterns.md); messages put samples at the start and the end, cut
    them, change their case;
  - the reach set, 120 patterns and 600 messages: regexes confirmed by
    their DFA from where their key allows (spec/patterns.md, "reach"):
    bounded prefixes (`[a-z]{0,3}`, `(ab|cd)?`, `x{1,4}`) before the key,
    two top-level branches each with its key, and patterns sharing a key
    (one confirmation DFA); messages hold keys without a match before a
    match, and a second branch's match before the first branch's key.

Each set's plan is read from `recovc explain` and checked: split sets
have 2 or more DFAs, the small set 1, the wide and the prefilter sets the
prefilter.  Exit 0 when everything agrees.
With RECOV_SANITIZED set (the asan test preset) only heavy0, heavy1,
small and the first 200 messages of the prefilter set run: the sanitized
compiler's plan and prefilter code at a fraction of the cost.
"""
import os
import random
import re
import subprocess
import sys

WORDS = ("timeout refused reset denied unavailable exhausted overflow corrupt invalid "
         "missing expired busy locked stale socket disk memory token gateway").split()


PAIRS = ("ab", "cd", "ef", "gh", "ij", "kl", "mn", "op", "qr", "st", "uv")


def pattern(rnd, i, heavy):
    """(recov source, python regex, python flags, sample text)"""
    k = rnd.random()
    if heavy and k < 0.3:
        pair = rnd.choice(PAIRS)
        lead, n, tail = pair[0], rnd.randint(11, 12), rnd.choice("xyzw")
        body = "".join(rnd.choice(pair) for _ in range(n))
        src = "%s[%s]{%d}%s" % (lead, pair, n, tail)
        return "/%s/" % src, src, 0, lead + body + tail
    if k < 0.55:
        w = "%s %s %d" % (rnd.choice(WORDS), rnd.choice(WORDS), i)
        return '"%s"' % w, re.escape(w), 0, w
    if k < 0.75:
        w = "%s-%s-%d" % (rnd.choice(WORDS).upper(), rnd.choice(WORDS), i)
        sample = "".join(c.lower() if rnd.random() < 0.5 else c.upper() for c in w)
        return '~i "%s"' % w, re.escape(w), re.IGNORECASE, sample
    a, b = rnd.choice(WORDS), rnd.choice(WORDS)
    src = "%s_(%s|%s) [0-9]+ e%d" % (a, b, a, i)
    return "/%s/" % src, src, 0, "%s_%s %d e%d" % (a, rnd.choice([a, b]), rnd.randint(0, 999), i)


def pre_pattern(rnd, i):
    """the prefilter set's patterns: (source, python regex, flags, sample)"""
    k = rnd.random()
    a, b, c = rnd.choice(WORDS), rnd.choice(WORDS), rnd.choice(WORDS)
    if k < 0.35:
        w = "%s %s %d" % (a, b, i)
        return '"%s"' % w, re.escape(w), 0, w
    if k < 0.5:
        w = "%s %s %d" % (a.upper(), b, i)
        sample = "".join(ch.lower() if rnd.random() < 0.5 else ch.upper() for ch in w)
        return '~i "%s"' % w, re.escape(w), re.IGNORECASE, sample
    if k < 0.6:
        src = "%s (%s|%s) ?%d" % (a, b, c, i)
        return "/%s/" % src, src, 0, "%s %s%s%d" % (a, rnd.choice([b, c]), rnd.choice(["", " "]), i)
    if k < 0.7:
        src = "%s [0-9]+ %s%d" % (a, b, i)
        return "/%s/" % src, src, 0, "%s %d %s%d" % (a, rnd.randint(0, 99999), b, i)
    if k < 0.77:
        src = "e%d[a-z]+ %s" % (i, a)
        return '~i /%s/' % src, src, re.IGNORECASE, "E%d%s %s" % (i, b, a.upper())
    if k < 0.84:
        src = "^%s %s%d" % (a, b, i)
        return "/%s/" % src, src, 0, "%s %s%d" % (a, b, i)
    if k < 0.91:
        src = "%s%d %s$" % (a, i, b)
        return "/%s/" % src, src, 0, "%s%d %s" % (a, i, b)
    w = "%s%d" % (rnd.choice("xyz"), i % 100) if rnd.random() < 0.7 else rnd.choice("qj") + rnd.choice("xyz")
    return '"%s"' % w, re.escape(w), 0, w


def residual_pattern(rnd):
    """a regex without a literal of 2 bytes (a residual DFA beside the
    prefilter): the field's scan keeps its mask"""
    a, b = rnd.sample("vwxyz", 2), rnd.sample("jkq", 2)
    src = "[%s%s][0-9]{2}[%s%s]" % (a[0], a[1], b[0], b[1])
    return "/%s/" % src, src, 0, "%s%d%s" % (a[0], rnd.randint(10, 99), b[1])


def reach_pattern(rnd, i):
    """the reach set's patterns: (source, python regex, flags, sample, a key alone)"""
    a, b = rnd.choice(WORDS), rnd.choice(WORDS)
    k = rnd.random()
    pre = "".join(rnd.choice("abcxyz") for _ in range(rnd.randint(0, 3)))
    if k < 0.3:
        src = "[a-z]{0,3}w%d%s[0-9]+%s|%s[a-z]+q%d" % (i, a, b, b, i)
        smp = rnd.choice(["%sw%d%s%d%s" % (pre, i, a, rnd.randint(0, 999), b), "%s%sq%d" % (b, a, i)])
        return "/%s/" % src, src, 0, smp, "w%d%s" % (i, a)
    if k < 0.5:
        src = "(ab|cd)?%s%d[0-9]+z" % (a, i)
        return "/%s/" % src, src, 0, "%s%s%d%dz" % (rnd.choice(["", "ab", "cd"]), a, i, rnd.randint(0, 99)), \
            "%s%d" % (a, i)
    if k < 0.7:
        src = "x{1,4}%s%d[a-z]+y" % (a, i)
        return "/%s/" % src, src, 0, "%s%s%d%sy" % ("x" * rnd.randint(1, 5), a, i, b), "x%s%d" % (a, i)
    # patterns sharing their key (the word and the prefix): one confirmation DFA
    n, z = 1 + i % 4, rnd.choice("xyz")
    src = "shared%s[0-9]{%d}%s" % (a, n, z)
    return "/%s/" % src, src, 0, "shared%s%s%s" % (a, "7" * n, z), "shared%s" % a


def reach_message(rnd, pats):
    parts = []
    for _ in range(rnd.randint(1, 4)):
        p = rnd.choice(pats)
        k = rnd.random()
        if k < 0.4:
            parts.append(p[4] + rnd.choice(["", " ", "x", "12"]))      # a key, no match
        elif k < 0.9:
            parts.append(p[3])
        else:
            parts.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 3))))
    return rnd.choice(["", " ", "-", "xx"]).join(parts)


def pre_message(rnd, pats):
    parts = []
    for _ in range(rnd.randint(0, 4)):
        k = rnd.random()
        s = rnd.choice(pats)[3]
        if k < 0.5:
            parts.append(s)
        elif k < 0.65:      # cut at either end
            parts.append(s[rnd.randint(0, 3):] if rnd.random() < 0.5 else s[:-rnd.randint(1, 3)])
        elif k < 0.8:
            parts.append(s.upper())
        else:
            parts.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 4))))
    glue = rnd.choice(["", " ", "-"])
    return glue.join(parts)


def message(rnd, pats):
    parts = []
    for _ in range(rnd.randint(1, 5)):
        k = rnd.random()
        if k < 0.45:
            parts.append(rnd.choice(pats)[3])
        elif k < 0.6:   # a near miss: a sample with one byte changed
            s = list(rnd.choice(pats)[3])
            j = rnd.randrange(len(s))
            s[j] = rnd.choice("abxyz09 ")
            parts.append("".join(s))
        elif k < 0.8:
            pair = rnd.choice(PAIRS)
            parts.append("".join(rnd.choice(pair) for _ in range(rnd.randint(5, 30))) + rnd.choice("xyzw"))
        else:
            parts.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 4))))
    glue = rnd.choice(["", " ", "ab", ":"])
    return glue.join(parts)


COMPILED = {}


def expected(pats, msg):
    # compiled once per set: re's own cache holds 512 patterns, and the
    # sets of 2,000 and 3,000 would be compiled again for every message
    if id(pats) not in COMPILED:
        COMPILED[id(pats)] = [re.compile(p[1], p[2]) for p in pats]
    for i, r in enumerate(COMPILED[id(pats)]):
        if r.search(msg):
            return "e%d" % i
    return "none"


def write_set(out, name, pats, msgs):
    pol = os.path.join(out, name + ".recov")
    with open(pol, "w") as f:
        f.write("policy %s version 1;\nfault { msg : text; }\nclass c;\n" % name)
        for i in range(len(pats)):
            f.write("error e%d : c, low;\n" % i)
        f.write("error none : c, low;\nclassify {\n")
        for i, p in enumerate(pats):
            f.write("    msg ~ %s => e%d;\n" % (p[0], i) if not p[0].startswith("~i")
                    else "    msg %s => e%d;\n" % (p[0], i))
        f.write("    _ => none;\n}\non _ { abort; }\n")
    rt = os.path.join(out, name + ".rtest")
    with open(rt, "w") as f:
        f.write("policy %s.recov\n" % name)
        for j, m in enumerate(msgs):
            if j % 200 == 0:
                f.write('scenario "part %d"\n' % (j // 200))
            f.write('  at %d fail msg="%s" -> abort as %s\n' % (j % 200, m, expected(pats, m)))
    return pol, rt


def dfas(recovc, pol):
    """the plan: its number of DFAs, or "pre" for the literal prefilter"""
    out = subprocess.run([recovc, "explain", pol], capture_output=True, text=True).stdout
    if re.search(r"field msg: \d+ patterns? -> literal prefilter", out):
        return "pre"
    m = re.search(r"field msg: \d+ patterns? -> (\d+) DFAs", out)
    return int(m.group(1)) if m else 1


def main():
    recovc, out = sys.argv[1], sys.argv[2]
    ccs = [sys.argv[i + 1] for i in range(3, len(sys.argv) - 1) if sys.argv[i] == "--cc"]
    os.makedirs(out, exist_ok=True)
    sets = []
    for s in range(6):
        rnd = random.Random(7100 + s)
        pats = [pattern(rnd, i, True) for i in range(rnd.randint(24, 60))]
        sets.append(("heavy%d" % s, pats, [message(rnd, pats) for _ in range(400)], 2))
    rnd = random.Random(7200)
    pats = [pattern(rnd, i, False) for i in range(30)]
    sets.append(("small", pats, [message(rnd, pats) for _ in range(200)], 1))
    rnd = random.Random(7300)
    pats = [pattern(rnd, i, False) if i % 300 != 7 else residual_pattern(rnd) for i in range(3000)]
    res = [p for i, p in enumerate(pats) if i % 300 == 7]
    msgs = [message(rnd, pats) for _ in range(400)]
    # every fourth message with a residual pattern's sample (before or after)
    msgs = [m if j % 4 else (m + " " + rnd.choice(res)[3] if j % 8 else rnd.choice(res)[3] + m)
            for j, m in enumerate(msgs)]
    sets.append(("wide", pats, msgs, "pre"))
    rnd = random.Random(7400)
    pats = [pre_pattern(rnd, i) for i in range(2000)]
    sets.append(("pre", pats, [pre_message(rnd, pats) for _ in range(2000)], "pre"))
    rnd = random.Random(7500)
    pats = [reach_pattern(rnd, i) for i in range(120)]
    sets.append(("reach", pats, [reach_message(rnd, pats) for _ in range(600)], "pre"))
    if os.environ.get("RECOV_SANITIZED"):
        # the ASan preset (CMakePresets.json): the plan code of a sanitized
        # recovc on two split sets, the small one and the prefilter's set
        # with its first 200 messages, and the reach set (about 8 s of CPU: most of it is the
        # sanitized recovc building 2,000 patterns); the plain suite runs all
        pre = [(n, p, m[:200], w) for n, p, m, w in sets if n == "pre"]
        sets = sets[:2] + [s for s in sets if s[0] in ("small", "reach")] + pre
    status = 0
    for name, pats, msgs, want in sets:
        pol, rt = write_set(out, name, pats, msgs)
        n = dfas(recovc, pol)
        if (want == 1) != (n == 1) or (want == "pre") != (n == "pre"):
            print("FAIL %s: %d patterns gave %s DFAs" % (name, len(pats), n))
            status = 1
        cmd = [recovc, "test", "--via", "c"] + sum([["--cc", c] for c in ccs], []) + [rt]
        r = subprocess.run(cmd, capture_output=True, text=True)
        hits = sum(1 for m in msgs if expected(pats, m) != "none")
        print("%-7s %5d patterns, %s DFAs, %d messages (%d match): exit %d" %
              (name, len(pats), n, len(msgs), hits, r.returncode))
        if r.returncode != 0:
            print(r.stdout[-3000:] + r.stderr[-3000:])
            status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
