#!/usr/bin/env python3
"""Property: every policy that `recovc check` accepts compiles, and its C
builds warning-free with gcc and clang (-std=c99, -O0 and -O2) and for
Cortex-M4; a policy check refuses is refused with an error located at the
offending name or construct (issue 19, spec/language.md "Names and limits").

Policies at the extremes: every C and C++ keyword, every macro the standard
C headers define (read from the host compiler with -dM), every runtime
identifier (read from runtime/include/recov/*.h), every identifier a
generated file contains (read from the output for examples/agent_call),
names of 63 and 64 characters, in every position a name can take;
conditions at and past the term and nesting limits, patterns that can never
match, texts at and past the length limit.

Batched: one policy holds many names of one position, one per line; the
errors of `check --format json` name the lines to drop, and the rest is
checked again until it passes.  All accepted policies are built in one
compiler run per compiler and level.

usage: names_build.py RECOVC SOURCE_DIR WORK_DIR
"""
import json, os, re, shutil, subprocess, sys

recovc, root, work = (os.path.abspath(a) for a in sys.argv[1:4])
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
runtime_inc = os.path.join(root, "runtime", "include")
fails = []


def fail(msg):
    fails.append(msg)
    print("FAIL:", msg)


# ---- the names -----------------------------------------------------------------

C_KEYWORDS = """auto break case char const continue default do double else enum extern float for goto if
inline int long register restrict return short signed sizeof static struct switch typedef union unsigned
void volatile while _Bool _Complex _Imaginary _Alignas _Alignof _Atomic _Generic _Noreturn _Static_assert
_Thread_local bool true false alignas alignof constexpr nullptr static_assert thread_local typeof
typeof_unqual _BitInt _Decimal32 _Decimal64 _Decimal128""".split()
CXX_KEYWORDS = """and and_eq asm bitand bitor catch char8_t char16_t char32_t class compl concept consteval
constinit const_cast co_await co_return co_yield decltype delete dynamic_cast explicit export friend
mutable namespace new noexcept not not_eq operator or or_eq private protected public reinterpret_cast
requires static_cast template this throw try typeid typename using virtual wchar_t xor xor_eq""".split()
STD_TYPES = """size_t ptrdiff_t wchar_t max_align_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t
uint64_t int_least8_t uint_least8_t int_fast8_t uint_fast32_t intptr_t uintptr_t intmax_t uintmax_t FILE
fpos_t div_t ldiv_t sig_atomic_t jmp_buf va_list clock_t time_t tm wint_t mbstate_t float_t double_t
errno assert offsetof""".split()
HOST_HEADERS = ["stdint.h", "stddef.h", "stdbool.h", "stdio.h", "stdlib.h", "errno.h", "assert.h",
                "limits.h", "signal.h", "math.h", "locale.h", "time.h", "wchar.h", "float.h", "setjmp.h",
                "stdarg.h", "iso646.h", "string.h", "ctype.h", "inttypes.h"]


def std_macros():
    src = "".join(f"#include <{h}>\n" for h in HOST_HEADERS)
    out = subprocess.run(["gcc", "-std=c99", "-E", "-dM", "-x", "c", "-"], input=src,
                         capture_output=True, text=True, check=True).stdout
    return sorted({m.group(1) for m in re.finditer(r"^#define (\w+)", out, re.M)})


def runtime_names():
    names = set()
    d = os.path.join(runtime_inc, "recov")
    for f in os.listdir(d):
        names |= set(re.findall(r"\b(?:recov|RECOV)_\w+", open(os.path.join(d, f)).read()))
    return sorted(names | {"recov", "RECOV"})


def generated_names():
    out = subprocess.run([recovc, "compile", os.path.join(root, "examples/agent_call/agent_call.recov"),
                          "-o", "-"], capture_output=True, text=True).stdout
    code = re.sub(r"/\*.*?\*/", "", out, flags=re.S)
    code = re.sub(r'"(\\.|[^"\\])*"', "", code)
    ids = set(re.findall(r"\b[A-Za-z_]\w*\b", code))
    names = set()
    for i in ids:
        names.add(i)
        if i.startswith("agent_call_"):
            names.add(i[len("agent_call_"):].lstrip("_"))
    return sorted(n for n in names if n)


DSL_WORDS = set()  # filled from the grammar's keyword list below, only for reporting


def ident_ok(n):
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) is not None and n != "_"


keywords = C_KEYWORDS + CXX_KEYWORDS
macros = std_macros()
runtime = runtime_names()
generated = generated_names()
extremes = ["count", "COUNT", "Count", "a" * 63, "b" * 64, "x" * 5000, "_x", "x_", "t_STATE_SIZE",
            "T_ERROR_COUNT", "ERR_A", "err_a", "P_ERR_COUNT"]
everything = sorted(set(n for n in keywords + STD_TYPES + macros + runtime + generated + extremes if ident_ok(n)))
print(f"{len(everything)} names: {len(keywords)} keywords, {len(macros)} standard macros, "
      f"{len(runtime)} runtime identifiers, {len(generated)} generated identifiers")

# ---- policies ------------------------------------------------------------------

HEAD = "policy {P} version 1;\n"
FAULT = "fault {{ code : u16; msg : text; }}\n"
BASE = "class c retryable;\nerror e0 : c, low;\n"
TAIL = "classify {{ code == 1 => e0; _ => e0; }}\non _ {{ abort; }}\n"


def policy_lines(P, pos, names):
    """The policy text as lines, and for each line the name it carries (or None)."""
    lines, owner = [], []

    def add(text, who=None):
        for t in text.split("\n"):
            if t:
                lines.append(t)
                owner.append(who)
    add(f"policy {P} version 1;")
    if pos == "field":
        add("fault {")
        add("code : u16; msg : text;")
        for n in names:
            add(f"{n} : u8;", n)
        add("}")
    else:
        add("fault { code : u16; msg : text; }")
    add("class c retryable;")
    add("error e0 : c, low;")
    if pos == "const":
        for n in names:
            add(f"const {n} = 1;", n)
    if pos == "class":
        for n in names:
            add(f"class {n};", n)
    if pos == "error":
        for n in names:
            add(f"error {n} : c, low;", n)
    rules = []
    if pos == "error":
        rules = [(f"code == {i + 2} => {n};", n) for i, n in enumerate(names)]
    per_block = {"alt": "fallback {n};", "mode": "degrade {n};", "handler": "run {n} timeout 1s; abort;",
                 "adjust": "adjust {n}; abort;", "retry": "retry {n}; abort;"}
    if pos == "retry":
        for n in names:
            add(f"retry {n} {{ attempts 2; backoff constant base 10ms; }}", n)
    if pos == "breaker":
        for n in names:
            add(f"breaker {n} {{ open after 5 consecutive failures; open for 60s; count c; }}", n)
    if pos == "budget":
        for n in names:
            add(f"budget {n} {{ ratio 20% min 3 per 10s; }}", n)
    if pos in per_block:
        for i, n in enumerate(names):
            add(f"error e{i + 1} : c, low;", n)
            rules.append((f"code == {i + 2} => e{i + 1};", n))
    if pos == "channel":
        add("escalation {")
        for lv, n in zip(["low", "medium", "high", "critical"], names):
            add(f"{lv} => {n};", n)
        add("}")
    add("classify {")
    for r, n in rules:
        add(r, n)
    add("_ => e0;")
    add("}")
    if pos in per_block:
        for i, n in enumerate(names):
            add(f"on e{i + 1} {{ " + per_block[pos].format(n=n) + " }", n)
    if pos == "channel":
        add("on _ { escalate; }")
    else:
        add("on _ { abort; }")
    return lines, owner


def check_json(paths):
    """check --format json over several files at once: {path: (exit, errors)}."""
    r = subprocess.run([recovc, "check", "--max-errors=0", "--format", "json"] + paths, capture_output=True,
                       text=True)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        fail(f"check --format json printed no JSON (exit {r.returncode}): {r.stderr[:300]}")
        return {p: (3, []) for p in paths}
    res = {p: (0, []) for p in paths}
    for d in doc["diagnostics"]:
        if d["severity"] == "error" and d["file"] in res:
            res[d["file"]][1].append(d)
    for p in paths:
        if res[p][1]:
            res[p] = (1, res[p][1])
    if r.returncode not in (0, 1):
        fail(f"check exit {r.returncode}: {r.stderr[:300]}")
    return res


accepted = []          # policy files to compile and build
refused = 0


def settle_all(batches):
    """batches: [(P, pos, names)].  Check every batch; drop the names check
    refuses (each must be refused at its own line); repeat until check
    accepts what is left."""
    global refused
    todo = [(P, pos, list(names)) for P, pos, names in batches]
    for _ in range(60):
        if not todo:
            return
        files = {}
        for P, pos, names in todo:
            lines, owner = policy_lines(P, pos, names)
            path = os.path.join(work, f"{P}.recov")
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
            files[path] = (P, pos, names, lines, owner)
        res = check_json(list(files))
        nxt = []
        for path, (P, pos, names, lines, owner) in files.items():
            rc, errs = res[path]
            if rc == 0:
                accepted.append((path, P))
                continue
            bad = set()
            for d in errs:
                ln = d["line"]
                if ln < 1 or ln > len(lines) or owner[ln - 1] is None:
                    fail(f"{path}:{ln}:{d['column']}: error not at a name of the batch: {d['message'][:200]}")
                    bad = None
                    break
                bad.add(owner[ln - 1])
            if bad is None:
                continue
            refused += len(bad)
            names = [n for n in names if n not in bad]
            if names:
                nxt.append((P, pos, names))
        todo = nxt
    fail(f"{[t[0] for t in todo]}: did not settle")


def chunks(v, n):
    return [v[i:i + n] for i in range(0, len(v), n)]


positions = ["field", "const", "class", "error", "retry", "breaker", "budget", "alt", "mode", "handler",
             "adjust"]
batches = []
k = 0
for pos in positions:
    # one `on` block per name in these positions, and a policy has at most 255
    size = 250 if pos in ("alt", "mode", "handler", "adjust", "retry") else len(everything)
    for part in chunks(everything, size):
        batches.append((f"np{k}", pos, part))
        k += 1
# channels: four per policy (one escalation table); the names that could
# matter once upper-cased
chan = ["count", "Count", "COUNT", "x" * 63, "y" * 64, "nel_count", "ERROR_COUNT", "CHANNEL_COUNT", "NULL",
        "int", "RECOV_MAX_TEXT", "recov_admit", "STATE_SIZE", "POLICY_HASH", "errno", "chan", "CHAN"]
for i, part in enumerate(chunks(chan, 4)):
    batches.append((f"nc{i}", "channel", part))
settle_all(batches)
# the policy name itself
pnames = ["recov", "RECOV", "Recov_x", "recov_dfa", "recovery", "_p", "int", "NULL", "errno", "EOF",
          "uint8_t", "size_t", "offsetof", "P", "a" * 63, "a" * 64, "a" * 300]
paths = []
for k, n in enumerate(pnames):
    lines = [f"policy {n} version 1;", "fault { code : u16; msg : text; }", "class c retryable;",
             "error e0 : c, low;", "classify { code == 1 => e0; _ => e0; }", "on _ { abort; }"]
    path = os.path.join(work, f"pname{k}.recov")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    paths.append(path)
res = check_json(paths)
for path, n in zip(paths, pnames):
    rc, errs = res[path]
    if rc == 0:
        accepted.append((path, n))
    elif not errs or any(d["line"] != 1 for d in errs):
        fail(f"{path}: policy name {n[:40]}: exit {rc}, errors {errs[:2]}")
    else:
        refused += 1


# ---- constructs at the limits -----------------------------------------------------

constructs = []


def construct(name, body, expect):
    """expect: 'accept', or the line the error must be on."""
    src = (f"policy {name} version 1;\nfault {{ code : u16; msg : text; }}\nclass c retryable;\n"
           f"error e0 : c, low;\nerror e1 : c, low;\n{body}\non _ {{ abort; }}\n")
    path = os.path.join(work, f"{name}.recov")
    with open(path, "w") as f:
        f.write(src)
    constructs.append((path, name, expect))


def terms(n, op="&&"):
    return f" {op} ".join(f"code != {i % 60000}" for i in range(n))


def nest(depth):
    # alternate && and || so that no chain flattens: depth levels of operators
    e = "code == 1"
    for i in range(depth):
        e = f"code != {i + 2} {'&&' if i % 2 else '||'} ({e})"
    return e


construct("flat1024", f"classify {{ {terms(1024)} => e1; _ => e0; }}", "accept")
construct("flat1025", f"classify {{ {terms(1025)} => e1; _ => e0; }}", 6)
construct("flat10000", f"classify {{ {terms(10000, '||')} => e1; _ => e0; }}", 6)
construct("nest31", f"classify {{ {nest(31)} => e1; _ => e0; }}", "accept")
construct("nest40", f"classify {{ {nest(40)} => e1; _ => e0; }}", 6)
construct("when_nest", f"classify {{ _ => e0; }}\non e1 when {nest(31).replace('code', 'attempt')} {{ abort; }}",
          "accept")
construct("never1", 'classify { msg ~ /a$b/ => e1; _ => e0; }', "accept")
construct("never2", 'classify { msg ~ /[^\\x00-\\xff]/ => e1; _ => e0; }', "accept")
construct("never3", 'classify { msg ~ /a$b/ || msg ~ /[^\\x00-\\xff]/ => e1; _ => e0; }', "accept")
construct("emptypat", 'classify { msg ~ "" => e1; _ => e0; }', 6)
construct("text4095", 'error e2 : c, low { message "' + "m?" * 2047 + 'x"; hint "' + "h" * 4095 + '"; steps "' +
          "s" * 4095 + '", "t"; }\nclassify { _ => e0; }', "accept")
construct("text4096", 'error e2 : c, low { message "' + "m" * 4096 + '"; }\nclassify { _ => e0; }', 6)
construct("text100k", 'error e2 : c, low { steps "a", "' + "s" * 100000 + '"; }\nclassify { _ => e0; }', 6)
construct("tagclash", "classify { code == 1 => e1; _ => e0; }\non e1 { fallback akoczf, aqfbpp; }", 7)

res = check_json([c[0] for c in constructs])
for path, name, expect in constructs:
    rc, errs = res[path]
    if expect == "accept":
        if rc == 0:
            accepted.append((path, name))
        else:
            fail(f"{path}: expected check to accept, exit {rc}: {errs[:2]}")
    elif rc != 1 or not errs or errs[0]["line"] != expect:
        fail(f"{path}: expected an error on line {expect}, exit {rc}: {errs[:2]}")
    else:
        refused += 1

print(f"{len(accepted)} policies accepted, {refused} names or constructs refused")

# ---- compile and build ---------------------------------------------------------------

cdir = os.path.join(work, "c")
os.makedirs(cdir)
hosts = []
for path, P in accepted:
    r = subprocess.run([recovc, "compile", path, "-o", cdir], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{path}: check accepted it, compile exit {r.returncode}: {r.stderr[:300]}")
        continue
    # a host file that sees every standard header, then the generated one
    host = os.path.join(cdir, f"host_{P}.c")
    with open(host, "w") as f:
        f.write("".join(f"#include <{h}>\n" for h in HOST_HEADERS))
        f.write(f'#include "{P}.h"\nunsigned host_{P}(const {P}_fault *x);\n'
                f"unsigned host_{P}(const {P}_fault *x) {{ return {P}_classify(x); }}\n")
    hosts.append(host)
sources = sorted(os.path.join(cdir, f) for f in os.listdir(cdir) if f.endswith(".c") and not f.startswith("host_"))
WARN = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Wshadow", "-Wstrict-prototypes", "-Werror",
        "-I", runtime_inc, "-I", cdir]


def build(cc, flags, files, what):
    out = os.path.join(work, "o_" + re.sub(r"\W", "_", " ".join([cc] + flags)))
    os.makedirs(out, exist_ok=True)
    mode = [] if "-fsyntax-only" in flags else ["-c"]
    r = subprocess.run([cc] + WARN + flags + mode + files, cwd=out, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{what}: {cc} {' '.join(flags)}: {r.stderr[:1500]}")
    return r.returncode == 0


builds = 0
# Names are the front end's business: every file is compiled in full at -O0
# by gcc and checked by clang and for Cortex-M4 (-fsyntax-only runs every
# front-end warning); -O2, whose flow analyses add warnings of their own,
# builds the files under 256 KB with both compilers (the batches of ~2,000
# breakers or retries give 2-7 MB of C, minutes each at -O2 for no name
# the smaller files do not already hold).
small = [f for f in sources if os.path.getsize(f) < 256 * 1024]
builds += build("gcc", ["-O0"], sources, "generated C")
builds += build("clang", ["-fsyntax-only"], sources, "generated C")
for cc in ("gcc", "clang"):
    builds += build(cc, ["-O2"], small, "generated C")
    builds += build(cc, ["-O2"], hosts, "host files")
if shutil.which("arm-none-eabi-gcc"):
    builds += build("arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-ffreestanding", "-fsyntax-only"], sources,
                    "generated C")
    builds += build("arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-ffreestanding", "-Os"], small,
                    "generated C")
else:
    fail("arm-none-eabi-gcc not found (apt-get install gcc-arm-none-eabi)")
# C++ hosts: the header is included from C++ too (extern "C")
if shutil.which("g++"):
    r = subprocess.run(["g++", "-std=c++11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I", runtime_inc,
                        "-I", cdir, "-x", "c++"] + hosts, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"host files as C++: {r.stderr[:1500]}")

print(f"{len(sources)} generated files built in {builds} compiler runs")
if fails:
    print(f"{len(fails)} failures")
    sys.exit(1)
print("every accepted policy compiled and built")
