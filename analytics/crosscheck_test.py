#!/usr/bin/python3
"""Cross-checks Tractus's outcome statistics against scipy and numpy.

Runs analytics/crosscheck_driver on thousands of seeded random inputs and
compares every figure with an independent implementation: Theil-Sen slope
and Sen's tie-corrected interval (scipy.stats.theilslopes), OLS
(numpy.polyfit), the week-12 prediction interval (the textbook formula with
scipy's t quantile), Wilson (scipy.stats.binomtest), Student's t mean
interval (scipy.stats.t), exact binomial median ranks (scipy.stats.binom),
Spearman with ties (scipy.stats.spearmanr) and Kaplan-Meier with Greenwood
log-log intervals (written out here in numpy). No expected value comes from
the code under test. Exits 1 on any disagreement.

  crosscheck_test.py --driver build/release/analytics/analytics_crosscheck_driver
"""
import argparse
import math
import subprocess
import sys
import warnings

import numpy as np
from scipy import stats

Z = 1.959963984540054


def close(a, b, rel=1e-9, abs_=1e-12):
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or math.isnan(a)) and (b is None or math.isnan(b))
    return abs(a - b) <= abs_ + rel * max(abs(a), abs(b))


def daily(days, values):
    """One point per day: the day's median (as Tractus reduces a series)."""
    out = {}
    for d, v in zip(days, values):
        out.setdefault(d, []).append(v)
    xs = sorted(out)
    return np.array(xs, float), np.array([np.median(out[d]) for d in xs])


def series(rng, n, repeat_days):
    days = np.sort(rng.choice(91, size=n, replace=False))
    if repeat_days:
        days = np.sort(rng.choice(days[: max(3, n // 2)], size=n, replace=True))
    if rng.random() < 0.5:
        values = rng.integers(0, 11, size=n).astype(float)  # NPRS-like: ties
    else:
        values = np.round(rng.normal(50, 12, size=n) - 0.2 * days, 1)
    return [int(d) for d in days], [float(v) for v in values]


def expect_theilsen(days, values):
    x, y = daily(days, values)
    if len(x) < 3:
        return None
    r = stats.theilslopes(y, x, 0.95)
    ols = np.polyfit(x, y, 1)[0]
    lo, hi = (r[2] * 7, r[3] * 7) if len(x) >= 5 else (math.nan, math.nan)
    return [r[0] * 7, lo, hi, ols * 7]


def expect_predict(days, values, day, low, high):
    x, y = daily(days, values)
    if len(x) < 3 or len(set(d // 7 for d in days)) < 3:
        return None
    b = stats.theilslopes(y, x, 0.95)[0]
    a = np.median(y - b * x)
    n = len(x)
    s = math.sqrt(((y - (a + b * x)) ** 2).sum() / (n - 2))
    sxx = ((x - x.mean()) ** 2).sum()
    half = stats.t.ppf(0.975, n - 2) * s * math.sqrt(1 + 1 / n + (day - x.mean()) ** 2 / sxx)
    value = a + b * day
    clip = lambda v: min(max(v, low), high)
    return [clip(value), clip(value - half), clip(value + half)]


def expect_median(values):
    v = np.sort(values)
    n = len(v)
    l = 1
    for k in range(2, n // 2 + 1):
        if stats.binom.cdf(k - 1, n, 0.5) <= 0.025:
            l = k
        else:
            break
    return [float(np.median(v)), float(v[l - 1]), float(v[n - l])]


def expect_km(subjects):
    """Product limit with Greenwood's variance on the log-log scale."""
    steps = []
    at_risk = len(subjects)
    survival, greenwood = 1.0, 0.0
    for t in sorted(set(s[0] for s in subjects)):
        d = sum(1 for s in subjects if s[0] == t and s[1])
        c = sum(1 for s in subjects if s[0] == t and not s[1])
        survival *= 1 - d / at_risk
        if 0 < d < at_risk:
            greenwood += d / (at_risk * (at_risk - d))
        lo = hi = math.nan
        if 0 < survival < 1:
            se = math.sqrt(greenwood) / abs(math.log(survival))
            lo = 1 - survival ** math.exp(-Z * se)
            hi = 1 - survival ** math.exp(Z * se)
        steps.append([t, at_risk, d, c, survival, lo, hi])
        at_risk -= d + c
    return steps


def make_cases(seed, scale):
    rng = np.random.default_rng(seed)
    cases = []  # (line, expected, kind)
    for i in range(int(3000 * scale)):
        days, values = series(rng, int(rng.integers(3, 61)), repeat_days=i % 5 == 0)
        line = "theilsen %d %s" % (len(days), " ".join("%d %r" % dv for dv in zip(days, values)))
        cases.append((line, expect_theilsen(days, values), "theilsen"))
    for i in range(int(1500 * scale)):
        days, values = series(rng, int(rng.integers(3, 61)), repeat_days=i % 5 == 0)
        low, high = (0.0, 10.0) if max(values) <= 10 else (0.0, 120.0)
        line = "predict %d %s 84 %r %r" % (
            len(days), " ".join("%d %r" % dv for dv in zip(days, values)), low, high)
        cases.append((line, expect_predict(days, values, 84, low, high), "predict"))
    for _ in range(int(2000 * scale)):
        n = int(rng.integers(1, 400))
        k = int(rng.integers(0, n + 1))
        ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
        cases.append(("wilson %d %d" % (k, n), [k / n, ci.low, ci.high], "wilson"))
    for _ in range(int(2000 * scale)):
        n = int(rng.integers(2, 300))
        v = np.round(rng.normal(5, 2.5, size=n), int(rng.integers(0, 3)))
        lo, hi = stats.t.interval(0.95, n - 1, loc=v.mean(), scale=stats.sem(v))
        cases.append(("mean %d %s" % (n, " ".join(repr(float(x)) for x in v)),
                      [float(v.mean()), lo, hi], "mean"))
    for _ in range(int(2000 * scale)):
        n = int(rng.integers(1, 300))
        v = rng.integers(0, 11, size=n).astype(float)
        cases.append(("median %d %s" % (n, " ".join(repr(float(x)) for x in v)),
                      expect_median(v), "median"))
    for _ in range(int(2000 * scale)):
        n = int(rng.integers(3, 200))
        x = rng.integers(0, 8, size=n).astype(float)
        y = np.round(x * rng.normal(0.5, 1) + rng.normal(0, 3, size=n))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rho = stats.spearmanr(x, y)[0]
        cases.append(("spearman %d %s %s" % (n, " ".join(repr(float(a)) for a in x),
                                             " ".join(repr(float(b)) for b in y)),
                      None if math.isnan(rho) else [float(rho)], "spearman"))
    for _ in range(int(1000 * scale)):
        n = int(rng.integers(1, 250))
        subjects = [(int(rng.integers(0, 13)), bool(rng.random() < 0.6)) for _ in range(n)]
        line = "km %d %s" % (n, " ".join("%d %d" % (t, e) for t, e in subjects))
        cases.append((line, expect_km(subjects), "km"))
    return cases


def parse(answer, kind):
    answer = answer.strip()
    if answer == "none":
        return None
    if kind == "km":
        steps = []
        for chunk in answer.split(";"):
            if chunk.strip():
                f = chunk.split()
                steps.append([int(f[0]), int(f[1]), int(f[2]), int(f[3])] +
                             [float(v) for v in f[4:]])
        return steps
    return [float(v) for v in answer.split()]


# scipy 1.10's t quantile (cephes stdtri) is good to about 1e-9 relative:
# t(0.975, 1) is exactly tan(0.475 pi) = 12.706204736174707, which Boost.Math
# gives to 1e-15 and scipy as 12.706204736432095; t(0.975, 6) = 2.4469118511449692
# (tables), scipy 2.4469118487916806. Figures built on t are compared at the
# reference's accuracy, relative to the interval's magnitude (the error is
# in the half-width, so a bound near zero carries it in absolute terms).
RELATIVE = {"mean": 1e-8, "predict": 1e-8}


def agree(got, want, kind):
    if want is None or got is None:
        return want is None and got is None
    rel = RELATIVE.get(kind, 1e-9)
    scale = max([abs(v) for v in want if not math.isnan(v)] + [1.0]) if kind in RELATIVE else 0
    if kind == "km":
        if len(got) != len(want):
            return False
        return all(g[:4] == w[:4] and all(close(a, b) for a, b in zip(g[4:], w[4:]))
                   for g, w in zip(got, want))
    return len(got) == len(want) and all(close(a, b, rel, 1e-12 + rel * scale)
                                         for a, b in zip(got, want))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--driver", required=True)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the case counts")
    args = parser.parse_args()
    cases = make_cases(args.seed, args.scale)
    out = subprocess.run([args.driver], input="\n".join(c[0] for c in cases) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    if len(out) != len(cases):
        print("driver answered %d of %d cases" % (len(out), len(cases)))
        return 1
    failures, counts = {}, {}
    for (line, want, kind), answer in zip(cases, out):
        counts[kind] = counts.get(kind, 0) + 1
        got = parse(answer, kind)
        if not agree(got, want, kind):
            failures.setdefault(kind, []).append((line[:200], answer[:200], want))
    for kind in counts:
        print("%-9s %5d cases, %d disagree" % (kind, counts[kind], len(failures.get(kind, []))))
    for kind, rows in failures.items():
        for line, answer, want in rows[:3]:
            print("  %s\n    tractus: %s\n    reference: %s" % (line, answer, want))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
