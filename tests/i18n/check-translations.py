#!/usr/bin/python3
"""Fails when a source or UI file with translatable strings is missing from po/POTFILES.in, or when a string
of those files has no Simplified Chinese translation in po/zh_CN.po (or only a fuzzy one)."""
import os, re, subprocess, sys, tempfile

top = sys.argv[1]
os.chdir(top)
listed = [l.strip() for l in open("po/POTFILES.in", encoding="utf-8") if l.strip() and not l.startswith("#")]
problems = []

marker = re.compile(r'\b(?:_|N_|C_|NC_|g_dngettext)\s*\(\s*"|translatable="yes"')
for folder in ("src", "ui", "data"):
    for root, _, files in os.walk(folder):
        for name in files:
            if not name.endswith((".c", ".ui", ".desktop.in", ".metainfo.xml.in", ".gschema.xml")):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                if marker.search(f.read()) and path not in listed:
                    problems.append("%s has translatable strings but is not in po/POTFILES.in" % path)
for path in listed:
    if not os.path.exists(path):
        problems.append("po/POTFILES.in lists %s, which does not exist" % path)

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "certdesk.pot")
    merged = os.path.join(tmp, "zh_CN.po")
    existing = [p for p in listed if os.path.exists(p)]
    subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2",
                    "--keyword=NC_:1c,2", "--keyword=g_dngettext:2,3", "-o", pot] + existing, check=True,
                   stderr=subprocess.DEVNULL)  # GtkBuilder ITS fallback warnings
    subprocess.run(["msgmerge", "-q", "--no-fuzzy-matching", "-o", merged, "po/zh_CN.po", pot], check=True)
    untranslated = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", merged],
                                  capture_output=True, text=True, check=True).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", merged],
                           capture_output=True, text=True, check=True).stdout
    for label, text in (("untranslated", untranslated), ("fuzzy", fuzzy)):
        for m in re.finditer(r'^msgid "(.+)"$', text, re.M):
            problems.append("%s in zh_CN: %s" % (label, m.group(1)))
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", "po/zh_CN.po"], capture_output=True, text=True)
    if check.returncode != 0:
        problems.append("msgfmt --check: " + check.stderr.strip())

for p in problems:
    print(p)
print("%d problem(s)" % len(problems))
sys.exit(1 if problems else 0)
