#!/usr/bin/env python3
"""recovc check --format sarif produces the SARIF 2.1.0 fields GitHub code
scanning requires, and --format json parses; rule ids are -W names."""
import glob, json, os, subprocess, sys

recovc, root = sys.argv[1], sys.argv[2]
policies = sorted(glob.glob(os.path.join(root, "tests/golden/analysis/*.recov")))
policies += sorted(glob.glob(os.path.join(root, "examples/*/*.recov")))
names = set()
out = subprocess.run([recovc, "--help-warnings"], capture_output=True, text=True).stdout
for line in out.splitlines():
    names.add(line.split()[0][2:])
fail = 0
def check(cond, what):
    global fail
    if not cond:
        print("FAIL:", what)
        fail = 1
results = 0
for p in policies:
    r = subprocess.run([recovc, "check", "-Wall", "--format", "sarif", p], capture_output=True, text=True)
    check(r.returncode in (0, 1), f"{p}: exit {r.returncode}")
    doc = json.loads(r.stdout)
    check(doc.get("version") == "2.1.0", f"{p}: version")
    check("$schema" in doc, f"{p}: $schema")
    runs = doc.get("runs")
    check(isinstance(runs, list) and len(runs) == 1, f"{p}: runs")
    drv = runs[0]["tool"]["driver"]
    check(drv.get("name") == "recovc", f"{p}: driver name")
    ids = [x["id"] for x in drv["rules"]]
    check(set(ids) == names | {"error"}, f"{p}: rule ids {sorted(set(ids) ^ (names | {'error'}))}")
    for res in runs[0]["results"]:
        results += 1
        check(res["ruleId"] in ids, f"{p}: ruleId {res['ruleId']}")
        check(res["level"] in ("error", "warning", "note"), f"{p}: level")
        check(isinstance(res["message"]["text"], str) and res["message"]["text"], f"{p}: message")
        loc = res["locations"][0]["physicalLocation"]
        check(loc["artifactLocation"]["uri"] == p, f"{p}: uri")
        if "region" in loc:
            rg = loc["region"]
            check(rg["startLine"] >= 1 and rg["startColumn"] >= 1, f"{p}: region")
            # real ranges: an end at or after the start (SARIF endColumn is exclusive)
            check(rg["endLine"] > rg["startLine"] or
                  (rg["endLine"] == rg["startLine"] and rg["endColumn"] > rg["startColumn"]), f"{p}: region end")
        for rel in res.get("relatedLocations", []):
            check("physicalLocation" in rel and "message" in rel, f"{p}: relatedLocations")
    j = subprocess.run([recovc, "check", "-Wall", "--format", "json", p], capture_output=True, text=True)
    jd = json.loads(j.stdout)
    check(jd["warnings"] + jd["errors"] == len([d for d in jd["diagnostics"] if d["severity"] != "note"]),
          f"{p}: json counts")
    check(j.returncode == r.returncode, f"{p}: json and sarif exit codes differ")
check(results >= 10, f"only {results} results")
print(f"{len(policies)} policies, {results} SARIF results: valid")
sys.exit(fail)
