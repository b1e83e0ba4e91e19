#!/usr/bin/env python3
"""gen.py N: a policy with N classify rules (integer ranges and equalities on
two fields, text patterns on one, a few `when` blocks), for timing
`recovc check`.  Deterministic: the same N gives the same policy."""
import sys

n = int(sys.argv[1])
errs = 40
out = ["policy scale_%d version 1;" % n,
       "fault { status : u32; code : i32; message : text; }",
       "class transient retryable;"]
for e in range(errs):
    out.append("error e%d : transient, low;" % e)
out.append("classify {")
words = ["timeout", "reset", "refused", "quota", "busy", "denied", "overload", "corrupt"]
for i in range(n - 1):
    k = i % 10
    if k < 6:
        out.append("    status == %d => e%d;" % (1000 + i, i % errs))
    elif k < 8:
        out.append("    code in %d..%d => e%d;" % (i * 10, i * 10 + 5, i % errs))
    elif k == 8 and i < 80:
        out.append('    message ~ "%s%d" => e%d;' % (words[i % len(words)], i, i % errs))
    else:
        out.append("    status == %d && code > %d => e%d;" % (1000 + i, i, i % errs))
out.append("    _ => e0;")
out.append("}")
out.append("retry r { attempts 3; backoff exponential base 100ms factor 2 max 5s; jitter 20%; }")
out.append("on e1, e2 when attempt < 3 { retry r; abort; }")
out.append("on e3 when status > 2000 { retry r; abort; }")
out.append("on _ { abort; }")
print("\n".join(out))
