"""Plane geometry shared by the seal-form scripts (tests/imaging/seal-perturb.py, tests/bench/seal/degrade-forms.py)."""
import numpy as np


def homography(src, dst):
    """3x3 H with dst ~ H src for four point pairs."""
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.array(a, dtype=float))
    h = vt[-1].reshape(3, 3)
    return h / h[2, 2]
