#!/usr/bin/env python3
"""Every table's reads and writes go through src/core's store API (issue 16, item 1): outside src/core no C file
calls SQLite (sqlite3_*, the store's raw statement helpers) or holds SQL text in a string literal.

The one allowance: src/central talks to the central PostgreSQL, so SQL text in its string literals is PostgreSQL's
and is not the store; its SQLite use is refused like anyone's. Exits 1 naming each file:line and what was found.
The detector checks itself on known samples first, so a broken pattern fails instead of passing everything."""
import os
import re
import sys

CHECKED = ['pki', 'imaging', 'gui', 'cli', 'forms', 'central']
SQL_TEXT_ALLOWED = {'central'}      # PostgreSQL statements, not the counter's store

# Raw SQLite: the library itself, and the store's statement-level helpers that only make sense around it.
SQLITE_CODE = re.compile(r'\bsqlite3_\w+|\bsqlite3\s*\*|\bcd_store_(?:prepare|exec|step_done|get_db|column_dup|'
                         r'bind_text_or_null|set_error)\b')
# A string literal that starts (after blanks) with an SQL verb in capitals, as every statement here is written.
SQL_VERB = re.compile(r'^\s*(?:SELECT|INSERT|UPDATE|DELETE|REPLACE|UPSERT|CREATE|DROP|ALTER|PRAGMA|WITH|BEGIN|'
                      r'COMMIT|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ATTACH)\b(?:\s|\(|$)')


def split_c(text):
    """(code without comments and literals, [(line, literal)]) of a C source."""
    code, literals = [], []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            line += text.count('\n', i, j)
            code.append('\n' * text.count('\n', i, j))
            i = j
        elif c in '"\'':
            j, buf = i + 1, []
            while j < n and text[j] != c:
                if text[j] == '\\' and j + 1 < n:
                    buf.append(text[j:j + 2])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            if c == '"':
                literals.append((line, ''.join(buf)))
            line += text.count('\n', i, j)
            code.append(' ')
            i = j + 1
        else:
            if c == '\n':
                line += 1
            code.append(c)
            i += 1
    return ''.join(code), literals


def faults_in(text, sql_text_allowed):
    code, literals = split_c(text)
    found = []
    for no, src in enumerate(code.split('\n'), 1):
        for m in SQLITE_CODE.finditer(src):
            found.append((no, f'calls SQLite directly ({m.group(0).strip()})'))
    if not sql_text_allowed:
        for no, lit in literals:
            if SQL_VERB.match(lit):
                found.append((no, f'holds SQL text ("{lit.strip()[:40]}…")'))
    return found


def self_check():
    bad = [
        ('g_autoptr(sqlite3_stmt) s = NULL;', False),
        ('sqlite3 *db = cd_store_get_db (store);', False),
        ('if (!cd_store_prepare (store, q, &s, e)) return;', False),
        ('cd_store_exec (store, x, NULL);', False),
        ('const char *q = "SELECT id FROM token WHERE serial = ?1";', False),
        ('f ("  INSERT INTO scan (a) VALUES (1)");', False),
        ('f ("PRAGMA synchronous = FULL");', False),
        ('g_autoptr(sqlite3_stmt) s = NULL;', True),
    ]
    good = [
        ('/* SELECT serial FROM token: "SELECT x" sqlite3_step in a comment */ int a;', False),
        ('// cd_store_prepare (store, "SELECT 1")', False),
        ('g_print (_("Select a key"));', False),
        ('cd_store_begin (store, error) && cd_store_commit (store, error);', False),
        ('pg_exec (conn, "SELECT 1 FROM certdesk.counter", error);', True),
        ('const char *s = "A \\"SELECT\\" in quotes";', False),
    ]
    ok = True
    for src, allowed in bad:
        if not faults_in(src, allowed):
            print(f'self-check: not caught: {src}')
            ok = False
    for src, allowed in good:
        if faults_in(src, allowed):
            print(f'self-check: wrongly caught: {src} -> {faults_in(src, allowed)}')
            ok = False
    return ok


def main():
    root = os.path.join(sys.argv[1] if len(sys.argv) > 1 else '.', 'src')
    if not self_check():
        return 1
    faults, files = [], 0
    for top in CHECKED:
        for d, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith(('.c', '.h')):
                    continue
                path = os.path.join(d, name)
                files += 1
                with open(path, encoding='utf-8') as f:
                    text = f.read()
                for no, what in faults_in(text, top in SQL_TEXT_ALLOWED):
                    faults.append(f'{os.path.relpath(path, os.path.dirname(root))}:{no}: {what}')
    if files == 0:
        print(f'no source files under {root}: wrong folder?')
        return 1
    for f in faults:
        print(f)
    if faults:
        print(f'{len(faults)} place(s) outside src/core reach the database themselves: move them behind a src/core store')
        return 1
    print(f'{files} files outside src/core: no SQLite calls, no SQL text')
    return 0


if __name__ == '__main__':
    sys.exit(main())
