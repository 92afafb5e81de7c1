#!/usr/bin/env python3
"""src/gui keeps one direction of dependency: a file includes GUI headers only from its own layer or a lower one.

Layers, bottom up (src/gui/meson.build says what each folder holds); peers on one rank do not include each
other. Exits 1 naming every include that points up or sideways, or a file in a folder no layer names."""
import os
import re
import sys

RANK = {
    'widgets': 0,
    'scans': 1,
    'printing': 2,
    'wizard': 3, 'reports': 3, 'settings': 3,
    'shell': 4,
}

def layer_of(rel):
    top = rel.split('/')[0]
    return top if top in RANK else None

def main():
    root = os.path.join(sys.argv[1] if len(sys.argv) > 1 else '.', 'src', 'gui')
    where = {}          # header name -> layer
    files = []
    for d, _, names in os.walk(root):
        for n in names:
            if not n.endswith(('.c', '.h')):
                continue
            rel = os.path.relpath(os.path.join(d, n), root)
            files.append(rel)
            if n.endswith('.h'):
                where[n] = layer_of(rel)
    faults = []
    for rel in sorted(files):
        own = layer_of(rel)
        if own is None:
            faults.append(f'src/gui/{rel}: not in a layer folder ({", ".join(RANK)})')
            continue
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            for no, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m or m.group(1) not in where:
                    continue
                other = where[m.group(1)]
                if other == own or RANK[other] < RANK[own]:
                    continue
                faults.append(f'src/gui/{rel}:{no}: {own}/ includes {m.group(1)} from {other}/ '
                              f'({"a peer" if RANK[other] == RANK[own] else "a higher layer"})')
    for f in faults:
        print(f)
    print(f'{len(files)} files, {len(faults)} faults')
    return 1 if faults else 0

if __name__ == '__main__':
    sys.exit(main())
