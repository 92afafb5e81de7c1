#!/usr/bin/python3
"""Degrades the public seal forms into phone-photo / poor-scan forms, with their ground truth carried along.

    /usr/bin/python3 degrade-forms.py EVAL_DIR/public OUT_DIR [--seed N] [--variants K] [--only p001,...]

The forms of OUT_DIR/forms are made as the public-hard README describes the counter's scans: the box lines
re-printed in red on some forms, rotation of up to ±3°, slight keystone, the desk around the sheet, uneven
light (a gradient and vignetting), 150 or 200 dpi, JPEG quality 30–60 (ImageMagick writes the JPEG).  The
geometry is one homography, applied to the form and to every ink mask alike, and the box corners are mapped
through it, so OUT_DIR/gt and OUT_DIR/masks score with score.py --set OUT_DIR.  Used to check that the
extractor is not tuned to the ten public-hard forms (a held-out set drawn the same way decides).
"""
import argparse
import json
import os
import random
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'imaging'))
from seal_geometry import homography  # noqa: E402


def apply_h(h, x, y):
    p = h @ np.array([x, y, 1.0])
    return p[0] / p[2], p[1] / p[2]


def redden_lines(img, gt, rng):
    """Box lines re-printed in red: dark neutral pixels near each box side take a red of the same depth."""
    arr = img.astype(float)
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    red = np.array([rng.uniform(190, 225), rng.uniform(25, 100), rng.uniform(50, 120)])
    paper = np.median(arr.reshape(-1, 3), axis=0)
    sel = np.zeros((h, w), bool)
    for b in gt['boxes']:
        c = b['corners']
        lw = b['line_width_px'] / 2 + 2.5
        x0, y0 = int(max(0, min(p[0] for p in c) - 8)), int(max(0, min(p[1] for p in c) - 8))
        x1, y1 = int(min(w, max(p[0] for p in c) + 9)), int(min(h, max(p[1] for p in c) + 9))
        sx, sy = xx[y0:y1, x0:x1], yy[y0:y1, x0:x1]
        for k in range(4):
            (ax, ay), (bx, by) = c[k], c[(k + 1) % 4]
            dx, dy = bx - ax, by - ay
            n = np.hypot(dx, dy)
            t = ((sx - ax) * dx + (sy - ay) * dy) / n
            d = np.abs((sx - ax) * dy - (sy - ay) * dx) / n
            sel[y0:y1, x0:x1] |= (d <= lw) & (t >= -lw) & (t <= n + lw)
    px = arr[sel]
    spread = px.max(axis=1) - px.min(axis=1)
    lum = px.mean(axis=1)
    dark = np.clip(1 - lum / paper.mean(), 0, 1)
    neutral = (spread < 45) & (dark > 0.05)
    depth = np.clip(dark * 1.15, 0, 1)[:, None]
    newpx = paper * (1 - depth * (1 - red / 255.0))
    px[neutral] = newpx[neutral]
    arr[sel] = px
    return np.clip(arr, 0, 255).astype(np.uint8)


def degrade(src_dir, gt, out_dir, name, rng):
    img = np.asarray(Image.open(os.path.join(src_dir, gt['image'])).convert('RGB'))
    red_lines = rng.random() < 0.5
    if red_lines:
        img = redden_lines(img, gt, rng)
    h, w = img.shape[:2]
    src_dpi = gt['dpi']
    dpi = rng.choice([150, 150, 200])
    s = dpi / src_dpi
    phone = rng.random() < 0.6
    desk = rng.uniform(0.01, 0.045) if phone else 0.0
    ow, oh = int(round(w * s * (1 + 2 * desk))), int(round(h * s * (1 + 2 * desk)))
    # the sheet's corners in the output: scaled, a margin of desk, rotation about the centre, keystone
    kv, kh = (rng.uniform(-0.015, 0.015), rng.uniform(-0.01, 0.01)) if phone else (0.0, 0.0)
    # the form's boxes end up turned by at most 3° in all (the source is turned already)
    c = gt['boxes'][0]['corners']
    src_deg = np.degrees(np.arctan2(c[1][1] - c[0][1], c[1][0] - c[0][0]))
    ang = np.radians(rng.uniform(-3.0, 3.0) - src_deg)
    cx, cy = ow / 2, oh / 2
    corners = []
    for (x, y) in [(0, 0), (w, 0), (w, h), (0, h)]:
        u, v = (x - w / 2) * s, (y - h / 2) * s
        # keystone: the top edge narrower than the bottom (kv), the left taller than the right (kh)
        u *= 1 + kv * (v / (h * s / 2))
        v *= 1 + kh * (u / (w * s / 2))
        ru = u * np.cos(ang) - v * np.sin(ang)
        rv = u * np.sin(ang) + v * np.cos(ang)
        corners.append((cx + ru, cy + rv))
    hm = homography([(0, 0), (w, 0), (w, h), (0, h)], corners)
    inv = np.linalg.inv(hm)
    coeffs = (inv / inv[2, 2]).flatten()[:8]
    desk_rgb = tuple(int(v) for v in (rng.uniform(40, 90), rng.uniform(35, 80), rng.uniform(30, 70)))
    paper_img = Image.fromarray(img).transform((ow, oh), Image.PERSPECTIVE, tuple(coeffs), Image.BICUBIC,
                                               fillcolor=desk_rgb if phone else tuple(int(v) for v in
                                                                                       np.median(img.reshape(-1, 3), 0)))
    out = np.asarray(paper_img).astype(float)
    # uneven light: a linear gradient and vignetting, darkest ~0.8
    yy, xx = np.mgrid[0:oh, 0:ow]
    gdir = rng.uniform(0, 2 * np.pi)
    grad = rng.uniform(0.04, 0.12) if phone else rng.uniform(0.0, 0.04)
    vig = rng.uniform(0.04, 0.12) if phone else 0.0
    gx = ((xx - cx) * np.cos(gdir) + (yy - cy) * np.sin(gdir)) / max(ow, oh)
    r2 = ((xx - cx) / (ow / 2)) ** 2 + ((yy - cy) / (oh / 2)) ** 2
    light = 1.0 - grad * (0.5 + gx) - vig * r2 / 2
    out = np.clip(out * light[:, :, None], 0, 255).astype(np.uint8)
    tmp_png = os.path.join(out_dir, 'forms', name + '.tmp.png')
    Image.fromarray(out).save(tmp_png)
    q = rng.randint(30, 60)
    jpg = os.path.join(out_dir, 'forms', name + '.jpg')
    subprocess.run(['convert', tmp_png, '-blur', '0x%.2f' % rng.uniform(0.3, 0.7), '-attenuate',
                    '%.2f' % rng.uniform(0.3, 0.8), '+noise', 'Gaussian', '-sampling-factor', '4:2:0',
                    '-quality', str(q), '-units', 'PixelsPerInch', '-density', str(dpi), jpg], check=True)
    os.unlink(tmp_png)

    ngt = dict(gt)
    ngt.update(id=name, image='forms/%s.jpg' % name, format='jpeg', jpeg_quality=q, width=ow, height=oh,
               dpi=dpi, form_lines='red' if red_lines else 'black', degraded_from=gt['id'],
               capture={'mode': 'phone' if phone else 'flatbed'})
    boxes = []
    for b in gt['boxes']:
        nb = dict(b)
        cs = [apply_h(hm, x, y) for (x, y) in b['corners']]
        nb['corners'] = [[round(x, 1), round(y, 1)] for x, y in cs]
        xs, ys = [p[0] for p in cs], [p[1] for p in cs]
        nb['box'] = [round(min(xs), 1), round(min(ys), 1), round(max(xs) - min(xs), 1), round(max(ys) - min(ys), 1)]
        nb['line_width_px'] = max(1, int(round(b['line_width_px'] * s)))
        if b.get('mask'):
            m = Image.open(os.path.join(src_dir, b['mask'])).convert('L')
            mm = m.transform((ow, oh), Image.PERSPECTIVE, tuple(coeffs), Image.BILINEAR, fillcolor=0)
            ma = (np.asarray(mm) >= 128)
            mname = 'masks/%s_b%d.png' % (name, b['index'])
            Image.fromarray((ma * 255).astype(np.uint8)).convert('1').save(os.path.join(out_dir, mname))
            nb['mask'] = mname
            ys_, xs_ = np.nonzero(ma)
            if len(xs_):
                nb['ink_bbox'] = [int(xs_.min()), int(ys_.min()), int(xs_.max() - xs_.min() + 1),
                                  int(ys_.max() - ys_.min() + 1)]
                nb['ink_area_px'] = int(ma.sum())
        boxes.append(nb)
    ngt['boxes'] = boxes
    with open(os.path.join(out_dir, 'gt', name + '.json'), 'w', encoding='utf-8') as fh:
        json.dump(ngt, fh, ensure_ascii=False, indent=1)
    return red_lines, phone, dpi, q


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('src', help='a set folder with gt/, forms/ and masks/ (the public set)')
    ap.add_argument('out', help='output set folder (created)')
    ap.add_argument('--seed', type=int, default=18)
    ap.add_argument('--variants', type=int, default=1, help='degraded copies per form')
    ap.add_argument('--only', help='comma-separated form ids')
    args = ap.parse_args()
    for d in ('forms', 'gt', 'masks'):
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
    rng = random.Random(args.seed)
    np.random.seed(args.seed)
    names = sorted(f[:-5] for f in os.listdir(os.path.join(args.src, 'gt')) if f.endswith('.json'))
    if args.only:
        names = [n for n in names if n in args.only.split(',')]
    for n in names:
        with open(os.path.join(args.src, 'gt', n + '.json'), encoding='utf-8') as fh:
            gt = json.load(fh)
        for k in range(args.variants):
            name = 'd%s_%d' % (n, k)
            info = degrade(args.src, gt, args.out, name, rng)
            print(name, 'red lines' if info[0] else 'black lines', 'phone' if info[1] else 'flatbed',
                  '%d dpi' % info[2], 'q%d' % info[3], flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
