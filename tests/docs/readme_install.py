#!/usr/bin/env python3
"""readme_install.py BUILD_DIR SOURCE_DIR WORKDIR - runs the README's install
commands (the indented block after the paragraph that starts with
`**Install**`), word for word but for four places, so that the test fails
when the README changes without its commands working:

  cmake -S . -B B ARGS   the README's configure step: not run again; the
                         build folder under test must be one it makes (the
                         same source folder, generator and -D values)
  B                      that build folder (BUILD_DIR)
  --prefix P             WORKDIR/prefix
  apt install F...       `apt-get install --simulate F...` with no package
                         lists: the packages' dependencies are installed
                         on this machine, and nothing is installed

Everything else runs as written: `cmake --build B` (nothing to do after the
suite's own build), `cmake --install B --prefix P`, `cd B`, then cpack (in
WORKDIR/cd-B, standing for the build folder, whose package goes there).  A
command of another form fails the test, naming it.  Prints the prefix.
"""
import glob, os, shlex, subprocess, sys

def fail(msg):
    sys.exit(f"readme_install: FAILED: {msg}")

def readme_block(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    start = next((i for i, l in enumerate(lines) if l.startswith("**Install**")), None)
    if start is None:
        fail(f"{path}: no paragraph starting with **Install**")
    i = start
    while i < len(lines) and not lines[i].startswith("    "):
        if i > start and lines[i].startswith("**"):
            fail(f"{path}:{start + 1}: the **Install** paragraph has no indented commands")
        i += 1
    block = []
    while i < len(lines) and lines[i].startswith("    "):
        block.append((i + 1, lines[i].strip()))
        i += 1
    if not block:
        fail(f"{path}:{start + 1}: the **Install** paragraph has no indented commands")
    return block

def commands(line):
    """The commands of one line, split at `&&`, comments dropped."""
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    cmds, cur = [], []
    for tok in lex:
        if tok == "&&":
            cmds.append(cur)
            cur = []
        elif tok in (";", "|", "||", "&", ">", "<", ">>"):
            fail(f"`{line}`: the test runs commands joined by && only, not {tok!r}")
        else:
            cur.append(tok)
    cmds.append(cur)
    return [c for c in cmds if c]

def cache(build):
    vals = {}
    for l in open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8"):
        if "=" in l and ":" in l.split("=", 1)[0] and not l.startswith(("//", "#")):
            k, v = l.rstrip("\n").split("=", 1)
            vals[k.split(":", 1)[0]] = v
    return vals

def run(argv, cwd, where):
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        fail(f"{where}: `{shlex.join(argv)}` exited {p.returncode}:\n{p.stdout}")
    return p.stdout

def main(build, src, work):
    build, src, work = os.path.realpath(build), os.path.realpath(src), os.path.abspath(work)
    prefix = os.path.join(work, "prefix")
    os.makedirs(work, exist_ok=True)
    c = cache(build)
    bname = None            # the README's name for the build folder
    cwd = "source"          # the README runs "from this folder"
    ran = 0
    for lineno, line in readme_block(os.path.join(src, "README.md")):
        where = f"README.md:{lineno}"
        for cmd in commands(line):
            prog, args = cmd[0], cmd[1:]
            if prog == "cmake" and args[:1] == ["-S"]:
                if len(args) < 4 or args[2] != "-B" or args[1] != "." or cwd != "source":
                    fail(f"{where}: expected `cmake -S . -B BUILD ...` from the source folder: {shlex.join(cmd)}")
                bname = args[3]
                if os.path.realpath(c.get("CMAKE_HOME_DIRECTORY", "")) != src:
                    fail(f"{build} was not configured from {src}")
                rest = args[4:]
                while rest:
                    a = rest.pop(0)
                    if a == "-G" and rest:
                        g = rest.pop(0)
                        if c.get("CMAKE_GENERATOR") != g:
                            fail(f"{where}: -G {g}, but the build under test uses {c.get('CMAKE_GENERATOR')}")
                    elif a.startswith("-D") and "=" in a:
                        k, v = a[2:].split("=", 1)
                        if c.get(k.split(":", 1)[0]) != v:
                            fail(f"{where}: {a}, but the build under test has {k}={c.get(k)}")
                    else:
                        fail(f"{where}: the test does not know the configure option {a!r}")
            elif prog == "cmake" and args[:1] in (["--build"], ["--install"]):
                if len(args) < 2 or args[1] != bname:
                    fail(f"{where}: {shlex.join(cmd)} does not name the build folder {bname!r}")
                if args[0] == "--install" and "--prefix" not in args:
                    fail(f"{where}: {shlex.join(cmd)} names no --prefix (the test will not install into /usr/local)")
                argv = ["cmake", args[0], build]
                rest = args[2:]
                while rest:
                    a = rest.pop(0)
                    if a == "--prefix" and args[0] == "--install" and rest:
                        rest.pop(0)
                        argv += ["--prefix", prefix]
                    else:
                        argv.append(a)
                run(argv, work, where)
            elif prog == "cd":
                if args != [bname]:
                    fail(f"{where}: the test knows `cd {bname}` only: {shlex.join(cmd)}")
                cwd = os.path.join(work, "cd-" + bname)
                os.makedirs(cwd, exist_ok=True)
            elif prog == "cpack":
                if cwd == "source":
                    fail(f"{where}: cpack runs in the build folder")
                run(["cpack", "--config", os.path.join(build, "CPackConfig.cmake"), "-B", cwd] + args, cwd, where)
            elif prog in ("apt", "apt-get") and args[:1] == ["install"]:
                if cwd == "source":
                    fail(f"{where}: the packages are in the build folder")
                files = []
                for a in args[1:]:
                    m = sorted(glob.glob(os.path.join(cwd, a)))
                    if not m:
                        fail(f"{where}: {a} matches no file after the commands before it")
                    files += m
                # against the installed packages only (no package lists): fast, offline
                quiet = ["Dir::Etc::SourceList=/dev/null", "Dir::Etc::SourceParts=/dev/null",
                         "Dir::State::Lists=/nonexistent", "Debug::NoLocking=1"]
                out = run(["apt-get", "install", "--simulate"] + [x for q in quiet for x in ("-o", q)] + files,
                          cwd, where)
                if "Inst recov " not in out:
                    fail(f"{where}: apt would not install recov:\n{out}")
            else:
                fail(f"{where}: the test does not know how to run `{shlex.join(cmd)}`: "
                     "teach tests/docs/readme_install.py")
            ran += 1
    if not os.path.isfile(os.path.join(prefix, "bin", "recovc")):
        fail("the README's commands installed no bin/recovc under --prefix")
    print(f"README.md: {ran} install commands ran")
    print(prefix)

if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
