#!/usr/bin/env python3
"""validate_sarif.py RECOVC SOURCE_DIR - recovc check --format sarif against
SARIF 2.1.0 and GitHub code scanning's upload requirements, offline.

1. Structure: every log validates against sarif-2.1.0-recovc.schema.json
   (the objects recovc writes, from the standard's text; python3-jsonschema).
2. The standard's rules a schema cannot state: unique rule ids, ruleIndex
   naming the rule of ruleId, unique relatedLocations ids, every uriBaseId
   defined in originalUriBaseIds by an absolute URI ending in '/', URIs
   that are RFC 3986 references (percent-encoded), regions whose end
   follows their start, executionSuccessful false exactly when a file
   could not be read, associatedRule naming its rule.
3. GitHub: $schema, rules with id, name (<= 255), shortDescription,
   fullDescription and help text (<= 1024), levels note/warning/error,
   results with message text and 1..10 locations with uri, startLine,
   startColumn, endLine and endColumn.
4. Meaning: every artifact URI resolves to the file checked, each fix
   replaces the misspelt text of its message and the fixed file has one
   error fewer; --format json carries the same diagnostics with nested
   notes, the same fixes, and file-less messages as notifications, and it
   validates against its documented schema, spec/diagnostics.schema.json."""
import glob, json, os, re, shutil, subprocess, sys, tempfile, urllib.parse

import jsonschema

recovc, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(os.path.join(here, "sarif-2.1.0-recovc.schema.json")))
validator = jsonschema.Draft7Validator(schema)
json_validator = jsonschema.Draft7Validator(json.load(open(os.path.join(root, "spec/diagnostics.schema.json"))))


def validate_json(jd, tag):
    """--format json against its documented schema (spec/diagnostics.schema.json)."""
    errs = list(json_validator.iter_errors(jd))
    for e in errs[:5]:
        check(False, f"{tag}: json schema: {'/'.join(map(str, e.path))}: {e.message[:200]}")
fail = 0


def check(cond, what):
    global fail
    if not cond:
        print("FAIL:", what)
        fail = 1
    return cond


FP = re.compile(r"^[0-9a-f]{16}:[1-9][0-9]*$")
URI_REF = re.compile(r"^([a-z][a-z0-9+.-]*:)?[A-Za-z0-9\-._~/%!$&'()*+,;=:@]*$")


def to_path(uri, bases, cwd):
    """The local path an artifactLocation names."""
    u = uri["uri"]
    if "uriBaseId" in uri:
        u = bases[uri["uriBaseId"]]["uri"] + u
    p = urllib.parse.urlparse(u)
    if p.scheme == "file":
        return urllib.parse.unquote(p.path)
    return os.path.join(cwd, urllib.parse.unquote(u))


def offset(text, line, col):
    lines = text.split(b"\n")
    return sum(len(l) + 1 for l in lines[:line - 1]) + col - 1


def run(args, cwd):
    return subprocess.run([recovc] + args, capture_output=True, cwd=cwd)


def validate(doc, files, cwd, tag):
    """Parts 1-3, and the URIs of part 4; returns the run."""
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:5]:
        check(False, f"{tag}: schema: {'/'.join(map(str, e.path))}: {e.message[:200]}")
    if errs:
        return None
    check("$schema" in doc, f"{tag}: $schema")
    check(len(doc["runs"]) == 1, f"{tag}: one run")
    run0 = doc["runs"][0]
    rules = run0["tool"]["driver"].get("rules", [])
    ids = [r["id"] for r in rules]
    check(len(ids) == len(set(ids)), f"{tag}: rule ids unique")
    for r in rules:
        check(len(r.get("name", "")) <= 255, f"{tag}: rule {r['id']}: name")
        for k in ("shortDescription", "fullDescription", "help"):
            check(k in r and 0 < len(r[k]["text"]) <= 1024, f"{tag}: rule {r['id']}: {k}")
        check(r.get("defaultConfiguration", {}).get("level") in ("note", "warning", "error"),
              f"{tag}: rule {r['id']}: default level")
    bases = run0.get("originalUriBaseIds", {})
    for name, b in bases.items():
        check(b["uri"].startswith("file:///") and b["uri"].endswith("/"), f"{tag}: base {name} absolute, ends in /")

    def artifact(a):
        check(URI_REF.match(a["uri"]) is not None, f"{tag}: uri {a['uri']!r} is not percent-encoded")
        if "uriBaseId" in a:
            if not check(a["uriBaseId"] in bases, f"{tag}: uriBaseId {a['uriBaseId']} undefined"):
                return
            check(not a["uri"].startswith("/") and ":" not in a["uri"].split("/")[0], f"{tag}: relative uri")
        else:
            check(a["uri"].startswith("file:///"), f"{tag}: absolute uri {a['uri']}")
        p = to_path(a, bases, cwd)
        check(any(os.path.exists(f) and os.path.exists(p) and os.path.samefile(p, f) for f in files),
              f"{tag}: uri {a['uri']} names none of the files checked")

    def region(g):
        for k in ("startLine", "startColumn", "endLine", "endColumn"):
            check(k in g, f"{tag}: region without {k}")
        check(g["endLine"] > g["startLine"] or
              (g["endLine"] == g["startLine"] and g["endColumn"] > g["startColumn"]), f"{tag}: region end")

    seen_fp = set()
    for res in run0.get("results", []):
        fp = res.get("partialFingerprints", {}).get("primaryLocationLineHash", "")
        check(FP.match(fp) is not None, f"{tag}: primaryLocationLineHash {fp!r} is not HEX16:N")
        where = res.get("locations", [{}])[0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
        check((where, fp) not in seen_fp, f"{tag}: two results in {where} share the fingerprint {fp}")
        seen_fp.add((where, fp))
        idx = res.get("ruleIndex", -1)
        check(0 <= idx < len(rules) and rules[idx]["id"] == res["ruleId"], f"{tag}: ruleIndex of {res['ruleId']}")
        check(res.get("level") in ("note", "warning", "error"), f"{tag}: level")
        locs = res.get("locations", [])
        check(1 <= len(locs) <= 10, f"{tag}: 1..10 locations")
        for l in locs:
            check("physicalLocation" in l and "region" in l["physicalLocation"], f"{tag}: location with a region")
            artifact(l["physicalLocation"]["artifactLocation"])
            region(l["physicalLocation"]["region"])
        rel = res.get("relatedLocations", [])
        check(len({l["id"] for l in rel}) == len(rel), f"{tag}: relatedLocations ids unique")
        for l in rel:
            if "physicalLocation" in l:
                artifact(l["physicalLocation"]["artifactLocation"])
        for f in res.get("fixes", []):
            for ch in f["artifactChanges"]:
                artifact(ch["artifactLocation"])
                for rp in ch["replacements"]:
                    region(rp["deletedRegion"])
    unread = [f for f in files if not os.path.exists(f)]
    inv = run0["invocations"][0]
    check(inv["executionSuccessful"] == (not unread), f"{tag}: executionSuccessful")
    notes = inv.get("toolExecutionNotifications", [])
    check(len(notes) == len(unread), f"{tag}: one notification per unreadable file")
    for n in notes:
        a = n.get("associatedRule", {})
        check(rules[a["index"]]["id"] == a["id"], f"{tag}: associatedRule")
    return run0


# --- the policies of the tree: every warning and many errors --------------------
# one run per folder (the examples from the top, as paths with folders)
groups = [(os.path.join(root, d), sorted(os.path.basename(f) for f in glob.glob(os.path.join(root, d, "*.recov"))))
          for d in ("tests/golden/analysis", "tests/golden/syntax")]
groups.append((root, sorted(os.path.relpath(f, root) for f in glob.glob(os.path.join(root, "examples/*/*.recov")))))
results = npol = 0
for cwd, names in groups:
    npol += len(names)
    files = [os.path.join(cwd, n) for n in names]
    r = run(["check", "-Wall", "--format", "sarif"] + names, cwd)
    check(r.returncode in (0, 1), f"{cwd}: exit {r.returncode}")
    doc = json.loads(r.stdout)
    run0 = validate(doc, files, cwd, os.path.relpath(cwd, root) or ".")
    results += len(run0["results"]) if run0 else 0
    j = run(["check", "-Wall", "--format", "json"] + names, cwd)
    jd = json.loads(j.stdout)
    validate_json(jd, cwd)
    check(jd["warnings"] + jd["errors"] == len(jd["diagnostics"]), f"{cwd}: json counts")
    check(all(d["severity"] in ("error", "warning") for d in jd["diagnostics"]), f"{cwd}: json: notes are nested")
    if run0:
        check([d["rule"] for d in jd["diagnostics"]] == [x["ruleId"] for x in run0["results"]], f"{cwd}: json rules")
        check([len(d.get("notes", [])) for d in jd["diagnostics"]] ==
              [len(x.get("relatedLocations", [])) for x in run0["results"]], f"{cwd}: json notes")
        kinds = {x["ruleId"] for x in run0["results"]}
        print(f"{os.path.relpath(cwd, root) or '.'}: {len(names)} policies, {len(run0['results'])} results, "
              f"rules {' '.join(sorted(kinds))}")
    check(j.returncode == r.returncode, f"{cwd}: json and sarif exit codes differ")
check(results >= 100, f"only {results} SARIF results")

# --- the checks can fail: three broken copies of a valid log ------------------------
if run0:
    import copy
    saved = fail
    for name, spoil in (("ruleIndex", lambda d: d["runs"][0]["results"][0].update(ruleIndex=0)),
                        ("uriBaseId", lambda d: d["runs"][0].pop("originalUriBaseIds")),
                        ("extra property", lambda d: d["runs"][0]["results"][0].update(rank=1)),
                        ("fingerprint", lambda d: d["runs"][0]["results"][1].update(
                            partialFingerprints=d["runs"][0]["results"][0]["partialFingerprints"],
                            locations=d["runs"][0]["results"][0]["locations"]))):
        bad = copy.deepcopy(doc)
        spoil(bad)
        fail = 0
        out = sys.stdout
        sys.stdout = open(os.devnull, "w")
        validate(bad, files, cwd, "spoiled")
        sys.stdout = out
        if not fail:
            print(f"FAIL: a log with a broken {name} passed")
            saved = 1
    fail = saved

# --- paths, fixes and unreadable files ---------------------------------------------
HEAD = "policy p version 1;\nfault { status : u16; }\nclass c;\nerror e : c, low;\n"
w = tempfile.mkdtemp()
try:
    sub = os.path.join(w, "sub dir%")
    os.makedirs(sub)
    cases = {
        "misspelt.recov": HEAD + "classify { staus == 1 => e; _ => e; }\non _ { abort; }\n",
        "amp.recov": HEAD + "classify { status == 1 & status == 2 => e; _ => e; }\non _ { abort; }\n",
        "ok.recov": HEAD + "classify { _ => e; }\non _ { abort; }\n",
    }
    for name, text in cases.items():
        open(os.path.join(sub, name), "w").write(text)
    open(os.path.join(w, "up.recov"), "w").write(cases["misspelt.recov"])
    files = [os.path.join(sub, n) for n in cases] + [os.path.join(w, "up.recov"), os.path.join(sub, "missing.recov")]
    args = ["misspelt.recov", "amp.recov", "ok.recov", "../up.recov", "missing.recov",
            os.path.join(sub, "..", os.path.basename(sub), "misspelt.recov")]
    r = run(["check", "--format", "sarif"] + args, sub)
    check(r.returncode == 2, f"paths: exit {r.returncode}")
    doc = json.loads(r.stdout)
    run0 = validate(doc, files, sub, "paths")
    if run0:
        uris = [x["locations"][0]["physicalLocation"]["artifactLocation"] for x in run0["results"]]
        check(uris[0] == {"uri": "misspelt.recov", "uriBaseId": "SRCROOT"}, f"paths: relative uri {uris[0]}")
        check(run0["originalUriBaseIds"]["SRCROOT"]["uri"].endswith("/sub%20dir%25/"), "paths: base percent-encoded")
        check(any(u["uri"].startswith("file:///") and u["uri"].endswith("/up.recov") and "uriBaseId" not in u
                  for u in uris), "paths: ../up.recov is an absolute file URI")
        check(uris[-1] == uris[0], f"paths: an absolute path under the working directory: {uris[-1]}")
        fixed = 0
        for x in run0["results"]:
            for f in x.get("fixes", []):
                ch = f["artifactChanges"][0]
                path = to_path(ch["artifactLocation"], run0["originalUriBaseIds"], sub)
                text = open(path, "rb").read()
                g = ch["replacements"][0]["deletedRegion"]
                a, b = offset(text, g["startLine"], g["startColumn"]), offset(text, g["endLine"], g["endColumn"])
                old, new = text[a:b].decode(), ch["replacements"][0]["insertedContent"]["text"]
                check(f"'{old}'" in x["message"]["text"] and f"'{new}'" in x["message"]["text"],
                      f"fix {old!r} -> {new!r} does not match {x['message']['text']!r}")
                before = json.loads(run(["check", "--format", "json", path], sub).stdout)["errors"]
                fixed_path = path + ".fixed.recov"
                open(fixed_path, "wb").write(text[:a] + new.encode() + text[b:])
                after = json.loads(run(["check", "--format", "json", fixed_path], sub).stdout)["errors"]
                check(after == before - 1, f"fix of {os.path.basename(path)}: {before} errors, then {after}")
                os.remove(fixed_path)
                fixed += 1
        check(fixed == 4, f"paths: {fixed} fixes, expected 4 (three misspelt names, one '&')")
    # fingerprints: the same when lines move and are re-indented, another
    # when the line's text changes; equal ones in a file are numbered
    fps = lambda name: [(x["ruleId"], x["locations"][0]["physicalLocation"]["region"]["startLine"],
                         x["partialFingerprints"]["primaryLocationLineHash"])
                        for x in json.loads(run(["check", "-Wall", "--format", "sarif", name], sub).stdout)
                        ["runs"][0]["results"]]
    TWICE = HEAD + "error f : c, low;\nclassify {\n  status == 1 => e;\n  status == 1 => f;\n  status == 1 => f;\n  _ => e;\n}\non _ { abort; }\n"
    open(os.path.join(sub, "fp1.recov"), "w").write(TWICE)
    open(os.path.join(sub, "fp2.recov"), "w").write("\n// moved down\n\n" + TWICE.replace("\n  ", "\n\t  "))
    open(os.path.join(sub, "fp3.recov"), "w").write(TWICE.replace("status == 1 => f;\n  _", "status == 1 => f; // now\n  _"))
    a, b, c = fps("fp1.recov"), fps("fp2.recov"), fps("fp3.recov")
    check(len(a) >= 3 and [x[1] + 3 for x in a] == [x[1] for x in b], f"fingerprints: lines did not move: {a} {b}")
    check([(x[0], x[2]) for x in a] == [(x[0], x[2]) for x in b], f"fingerprints changed when lines moved: {a} {b}")
    dup = [x[2] for x in a if x[0] == "unreachable-rule"]
    check(len(dup) == 2 and dup[0][:16] == dup[1][:16] and dup[0].endswith(":1") and dup[1].endswith(":2"),
          f"fingerprints: two same rules on the same text: {dup}")
    check([x[2] for x in a if x[0] == "unreachable-rule"][1] != [x[2] for x in c if x[0] == "unreachable-rule"][1],
          "fingerprints: a changed line kept its fingerprint")
    j = run(["check", "--format", "json"] + args, sub)
    jd = json.loads(j.stdout)
    validate_json(jd, "paths")
    check(j.returncode == 2, "json: exit")
    check(len(jd["notifications"]) == 1 and jd["notifications"][0]["rule"] == "io-error"
          and "missing.recov" in jd["notifications"][0]["message"], f"json: notifications {jd['notifications']}")
    check(all(d["file"] for d in jd["diagnostics"]), "json: every diagnostic has a file")
    check(sum(len(d.get("fixes", [])) for d in jd["diagnostics"]) == 4, "json: fixes")
finally:
    shutil.rmtree(w)

print(f"{npol} policies, {results} SARIF results, paths and fixes: valid" if not fail else "invalid")
sys.exit(fail)
