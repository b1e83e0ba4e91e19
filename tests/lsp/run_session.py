#!/usr/bin/env python3
"""run_session.py RECOVC SESSION - replay a JSON-RPC session against `recovc lsp`.

A session file (tests/lsp/*.session) is read line by line:

  # text            a comment
  > JSON            a message from the client, framed with Content-Length
  >raw TEXT         bytes sent exactly as written (Python escapes: \\r \\n \\x00)
  >init             initialize (no capabilities) and initialized; the answer
                    (id "init") is not compared (lifecycle.session checks it)
  >open URI FILE    textDocument/didOpen of FILE (relative to the session's
                    folder), version 1, named URI
  < JSON            the next message the server must send, exactly this text
  =exit N           the server's exit status (default 0)

In every line ${DIR} is the session's folder (absolute), ${URI} the
file:// URI of that folder and ${VERSION} recovc's version.  The whole input is sent at once; the server's
output must be exactly the `<` messages, in order, each correctly framed.
With RECOV_UPDATE_GOLDEN=1 the `<` lines and =exit are rewritten with the
actual output.
"""
import json
import os
import subprocess
import sys
import urllib.parse


def main():
    recovc, path = os.path.abspath(sys.argv[1]), sys.argv[2]
    sdir = os.path.dirname(os.path.abspath(path))
    uri = "file://" + urllib.parse.quote(sdir)
    lines = open(path, encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    version = subprocess.run([recovc, "--version"], stdout=subprocess.PIPE,
                             check=True).stdout.decode().split()[1]

    def subst(t):
        return t.replace("${DIR}", sdir).replace("${URI}", uri).replace("${VERSION}", version)

    data = b""
    expected = []
    want_exit = 0
    for n, line in enumerate(lines, 1):
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith(">raw "):
            data += subst(line[5:]).encode("latin-1").decode("unicode_escape").encode("latin-1")
        elif line == ">init":
            for msg in ({"jsonrpc": "2.0", "id": "init", "method": "initialize",
                         "params": {"capabilities": {}}},
                        {"jsonrpc": "2.0", "method": "initialized", "params": {}}):
                body = json.dumps(msg, separators=(",", ":")).encode()
                data += b"Content-Length: %d\r\n\r\n" % len(body) + body
        elif line.startswith(">open "):
            _, u, f = line.split(" ", 2)
            text = open(os.path.join(sdir, subst(f)), encoding="utf-8").read()
            msg = {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                   "params": {"textDocument": {"uri": subst(u), "languageId": "recov",
                                               "version": 1, "text": text}}}
            body = json.dumps(msg, separators=(",", ":")).encode()
            data += b"Content-Length: %d\r\n\r\n" % len(body) + body
        elif line.startswith("> "):
            body = subst(line[2:]).encode()
            data += b"Content-Length: %d\r\n\r\n" % len(body) + body
        elif line.startswith("< "):
            expected.append(subst(line[2:]))
        elif line.startswith("=exit "):
            want_exit = int(line[6:])
        else:
            sys.exit("%s:%d: cannot read this line" % (path, n))

    p = subprocess.run([recovc, "lsp"], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120, cwd=sdir)
    out, got = p.stdout, []
    i = 0
    while i < len(out):
        hdr_end = out.find(b"\r\n\r\n", i)
        if hdr_end < 0 or not out.startswith(b"Content-Length: ", i):
            sys.exit("bad framing at byte %d: %r" % (i, out[i:i + 60]))
        n = int(out[i + 16:hdr_end])
        body = out[hdr_end + 4:hdr_end + 4 + n]
        if len(body) != n:
            sys.exit("truncated message at byte %d" % i)
        text = body.decode("utf-8")
        if not text.startswith('{"jsonrpc":"2.0","id":"init",'):
            got.append(text)
        i = hdr_end + 4 + n

    def unsubst(t):
        return (t.replace(uri, "${URI}").replace(sdir, "${DIR}")
                .replace('"serverInfo":{"name":"recovc","version":"%s"}' % version,
                         '"serverInfo":{"name":"recovc","version":"${VERSION}"}'))

    if os.environ.get("RECOV_UPDATE_GOLDEN"):
        new, it = [], iter(got)
        for line in lines:
            if line.startswith("< ") or line.startswith("=exit "):
                continue
            new.append(line)
        # the answers go after the input, in order
        new += ["< " + unsubst(g) for g in got]
        if p.returncode != 0:
            new.append("=exit %d" % p.returncode)
        open(path, "w", encoding="utf-8").write("\n".join(new) + "\n")
        print("updated", path)
        return 0

    ok = True
    for k in range(max(len(got), len(expected))):
        e = expected[k] if k < len(expected) else None
        g = got[k] if k < len(got) else None
        if e != g:
            ok = False
            print("message %d differs:\n  expected: %s\n  got:      %s" % (k + 1, e, g))
    if p.returncode != want_exit:
        ok = False
        print("exit status %d, expected %d" % (p.returncode, want_exit))
    if p.stderr:
        print("stderr:", p.stderr.decode("utf-8", "replace"))
        ok = False
    if not ok:
        return 1
    print("%s: %d messages as expected" % (os.path.basename(path), len(got)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
