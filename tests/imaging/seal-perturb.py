#!/usr/bin/python3
"""Robustness of seal-extract: the public forms perturbed one way at a time, scored by score.py.

    /usr/bin/python3 seal-perturb.py EVAL_DIR CERTDESK_CLI [--sets public,public-hard] [--only rotate,jpeg]
                     [--forms N] [--seed S] [--min-rate R] [--keep DIR]

Each perturbation the public-hard README names (rotation of up to ±3°, keystone, 150/200/300 dpi, JPEG
quality 30–55, uneven light, a yellowish paper tint, blur, noise) is applied alone to every form of the
sets (or to N of them, spread over the sets), and the ground truth goes with it: the geometric ones are a
single homography applied to the form, to every ink mask (area-averaged, then the README's ≥ 50 % rule) and
to the box corners; the dpi is written into the file and the ground truth.  score.py (not a copy of its
rules) scores each perturbed set; the pass rate of every perturbation is printed.  Exit 1 when one of them
is below --min-rate, 77 when the evaluation set or numpy/PIL is missing.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from PIL import Image, ImageFilter
except ImportError:
    print('python3-numpy and python3-pil are needed: skipped')
    sys.exit(77)

from seal_geometry import homography  # noqa: E402 (after the check that numpy is there)


def apply_h(h, pts):
    out = []
    for x, y in pts:
        p = h @ np.array([x, y, 1.0])
        out.append([float(p[0] / p[2]), float(p[1] / p[2])])
    return out


def warp(img, h, size, resample):
    """img warped by the forward homography h (input -> output pixel centres) into size.  A pure
    rescaling is a resize, which averages over the area (a perspective transform only interpolates:
    aliased strokes when it shrinks)."""
    if h[0, 1] == 0 and h[1, 0] == 0 and h[2, 0] == 0 and h[2, 1] == 0:
        return img.resize(size, Image.BOX if resample == Image.BILINEAR else Image.LANCZOS)
    # PIL maps output to input with pixel-corner coordinates; h is in pixel centres.
    t = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])
    inv = np.linalg.inv(t @ h @ np.linalg.inv(t))
    inv = inv / inv[2, 2]
    return img.transform(size, Image.PERSPECTIVE, tuple(inv.flatten()[:8]), resample=resample,
                         fillcolor=None)


def paper_rgb(arr):
    """The paper's colour: the median of the brighter half of the page."""
    lum = arr.mean(axis=2)
    return np.median(arr[lum >= np.median(lum)], axis=0)


# ------------------------------------------------------------------------------ the perturbations
# Each returns (image array, homography or None, new dpi or None).  rng: random.Random of the form.

def p_rotate(arr, gt, rng):
    """The sheet turned to 2–3° either way in all (the README's forms are within ±3°)."""
    h, w = arr.shape[:2]
    target = rng.choice([-1, 1]) * rng.uniform(2.0, 3.0)
    a = np.radians(target - gt.get('rotation_deg', 0.0))
    gt['rotation_deg'] = target
    c, s = np.cos(a), np.sin(a)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    m = np.array([[c, -s, cx - c * cx + s * cy], [s, c, cy - s * cx - c * cy], [0, 0, 1.0]])
    return arr, m, None


def p_keystone(arr, gt, rng):
    """A phone held a little tilted: one edge of the sheet shorter than the other (up to 3 %)."""
    h, w = arr.shape[:2]
    k = rng.uniform(0.015, 0.03)
    src = [(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)]
    if rng.random() < 0.5:       # top narrower than bottom
        dst = [(k * w, 0), ((1 - k) * w - 1, 0), (w - 1, h - 1), (0, h - 1)]
    else:                        # left shorter than right
        dst = [(0, k * h), (w - 1, 0), (w - 1, h - 1), (0, (1 - k) * h - 1)]
    return arr, homography(src, dst), None


def p_dpi(arr, gt, rng):
    choices = [d for d in (150, 200, 300) if d != gt['dpi']]
    dpi = rng.choice(choices)
    f = dpi / gt['dpi']
    # pixel centres: x' + 0.5 = f (x + 0.5)
    m = np.array([[f, 0, 0.5 * f - 0.5], [0, f, 0.5 * f - 0.5], [0, 0, 1.0]])
    return arr, m, dpi


def p_jpeg(arr, gt, rng):
    return arr, None, None       # the quality is chosen when the file is written


def p_light(arr, gt, rng):
    """Uneven light: a linear fall-off from one side (to 78–85 %) and vignetting."""
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ang = rng.uniform(0, 2 * np.pi)
    t = ((xx / w - 0.5) * np.cos(ang) + (yy / h - 0.5) * np.sin(ang)) + 0.5
    low = rng.uniform(0.78, 0.85)
    g = 1 - (1 - low) * np.clip(t, 0, 1)
    r2 = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) / 0.5
    g *= 1 - 0.06 * r2
    return np.clip(arr * g[..., None], 0, 255), None, None


def p_tint(arr, gt, rng):
    """Yellowish paper: blue (and a little green) absorbed; not so yellow that it is a coloured paper."""
    p = paper_rgb(arr)
    spread_now = p.max() - p.min()
    if 'background' in gt.get('flags', []):
        target = spread_now + rng.uniform(6, 12)
    else:
        target = max(spread_now, rng.uniform(12, 16))     # the README's white paper keeps max-min <= 19
    b = min(1.0, max(0.80, 1 - (target - (p[0] - p[2])) / max(p[2], 1)))
    g = 1 - 0.35 * (1 - b)
    return np.clip(arr * np.array([1.0, g, b], dtype=np.float32), 0, 255), None, None


def p_blur(arr, gt, rng):
    radius = rng.uniform(0.9, 1.3) * gt['dpi'] / 300
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(radius))
    return np.asarray(img, dtype=np.float32), None, None


def p_noise(arr, gt, rng):
    """Sensor noise: 4–5 grey levels in all (the public-hard forms have up to 4.5)."""
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    sigma = np.sqrt(max(0.0, rng.uniform(4.0, 5.0) ** 2 - gt.get('noise_sigma', 0.0) ** 2))
    return arr + nrng.normal(0, sigma, arr.shape).astype(np.float32), None, None


PERTURBATIONS = {
    'rotate': p_rotate, 'keystone': p_keystone, 'dpi': p_dpi, 'jpeg': p_jpeg,
    'light': p_light, 'tint': p_tint, 'blur': p_blur, 'noise': p_noise,
}


def perturb_form(set_dir, gt, name, out_dir, rng):
    img = Image.open(os.path.join(set_dir, gt['image'])).convert('RGB')
    w, h = img.size
    arr = np.asarray(img, dtype=np.float32)
    gt = json.loads(json.dumps(gt))
    arr, m, dpi = PERTURBATIONS[name](arr, gt, rng)
    img = Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8))
    nw, nh = w, h
    if m is not None:
        if dpi is not None:
            nw, nh = int(round(w * dpi / gt['dpi'])), int(round(h * dpi / gt['dpi']))
        paper = tuple(int(v) for v in paper_rgb(np.asarray(img, dtype=np.float32)))
        # the uncovered corners are the paper (a scanner's lid), not black
        img = warp(img, m, (nw, nh), Image.BICUBIC)
        cover = warp(Image.new('L', (w, h), 255), m, (nw, nh), Image.BILINEAR)
        bg = Image.new('RGB', (nw, nh), paper)
        img = Image.composite(img, bg, cover)
    gid = gt['id']
    if name == 'jpeg':
        path = os.path.join('forms', gid + '.jpg')
        q = rng.randint(30, 55)
        img.save(os.path.join(out_dir, path), quality=q, subsampling=2, dpi=(dpi or gt['dpi'],) * 2)
        gt['format'], gt['jpeg_quality'] = 'jpeg', q
    else:
        path = os.path.join('forms', gid + '.png')
        img.save(os.path.join(out_dir, path), compress_level=1, dpi=(dpi or gt['dpi'],) * 2)
        gt['format'] = 'png'
    gt['image'] = path
    gt['width'], gt['height'] = nw, nh
    if dpi is not None:
        gt['dpi'] = dpi
    for b in gt['boxes']:
        if m is not None:
            b['corners'] = apply_h(m, b['corners'])
            xs, ys = [p[0] for p in b['corners']], [p[1] for p in b['corners']]
            b['box'] = [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]
        if b.get('mask'):
            mk = Image.open(os.path.join(set_dir, b['mask'])).convert('L')
            if m is not None:
                mk = warp(mk, m, (nw, nh), Image.BILINEAR)
            ma = np.asarray(mk) >= 128          # ink where the coverage is >= 50 %
            rel = os.path.join('masks', '%s_b%d.png' % (gid, b['index']))
            Image.fromarray((ma * 255).astype(np.uint8)).convert('1').save(os.path.join(out_dir, rel))
            b['mask'] = rel
            ys_, xs_ = np.nonzero(ma)
            b['ink_area_px'] = int(ma.sum())
            b['ink_bbox'] = ([int(xs_.min()), int(ys_.min()), int(xs_.max() - xs_.min() + 1),
                              int(ys_.max() - ys_.min() + 1)] if len(xs_) else None)
    with open(os.path.join(out_dir, 'gt', gid + '.json'), 'w', encoding='utf-8') as fh:
        json.dump(gt, fh, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('eval_dir')
    ap.add_argument('cli')
    ap.add_argument('--sets', default='public,public-hard')
    ap.add_argument('--only', help='comma-separated perturbations (default: all)')
    ap.add_argument('--forms', type=int, default=0, help='forms per perturbation, spread over the sets (0: all)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--min-rate', type=float, default=0.0, help='lowest pass rate a perturbation may have')
    ap.add_argument('--keep', help='keep the perturbed sets here (then score.py --set DIR/NAME)')
    ap.add_argument('-v', '--verbose', action='store_true', help='print every failed sample')
    args = ap.parse_args()

    score = os.path.join(args.eval_dir, 'score.py')
    forms = []
    for s in args.sets.split(','):
        d = os.path.join(args.eval_dir, s)
        gdir = os.path.join(d, 'gt')
        if os.path.isdir(gdir):
            forms += [(d, os.path.join(gdir, f)) for f in sorted(os.listdir(gdir)) if f.endswith('.json')]
    if not os.path.isfile(score) or not forms:
        print('seal evaluation set not found at %s: skipped' % args.eval_dir)
        return 77
    names = args.only.split(',') if args.only else list(PERTURBATIONS)
    work = args.keep or tempfile.mkdtemp(prefix='seal-perturb-')
    rates, status = {}, 0
    try:
        for k, name in enumerate(names):
            pick = forms
            if args.forms and args.forms < len(forms):
                # a different, evenly spread share of the forms for each perturbation
                step = len(forms) / args.forms
                pick = [forms[int((i * step + k * 1.7 + args.seed) % len(forms))] for i in range(args.forms)]
            out = os.path.join(work, name)
            shutil.rmtree(out, ignore_errors=True)
            for sub in ('forms', 'gt', 'masks'):
                os.makedirs(os.path.join(out, sub))
            for set_dir, gp in pick:
                with open(gp, encoding='utf-8') as fh:
                    gt = json.load(fh)
                seed = int(hashlib.sha1(('%s/%s/%d' % (gt['id'], name, args.seed)).encode()).hexdigest()[:8], 16)
                perturb_form(set_dir, gt, name, out, random.Random(seed))
            cmd = ['/usr/bin/python3', score, '--cli', args.cli, '--set', out, '--threshold', '0']
            if args.verbose:
                cmd.append('-v')
            res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            m = re.search(r'^seal-extract: (\d+) passed, (\d+) failed', res.stdout, re.M)
            if m is None:
                print(res.stdout)
                print('%s: score.py gave no result' % name)
                return 1
            npass, nfail = int(m.group(1)), int(m.group(2))
            rates[name] = (npass, npass + nfail)
            fails = [l for l in res.stdout.splitlines() if l.startswith('  FAIL ')]
            print('%-9s %3d/%3d passed (%5.1f %%)' % (name, npass, npass + nfail, 100.0 * npass / (npass + nfail)),
                  flush=True)
            for l in fails if args.verbose else []:
                print('   ', l.strip())
            if npass < args.min_rate * (npass + nfail):
                print('%s: pass rate below %.0f %%' % (name, 100 * args.min_rate))
                status = 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    tp = sum(p for p, _ in rates.values())
    tn = sum(n for _, n in rates.values())
    print('seal-perturb: %d passed, %d failed (%.1f %%)' % (tp, tn - tp, 100.0 * tp / max(tn, 1)))
    return status


if __name__ == '__main__':
    sys.exit(main())
