#!/usr/bin/env python3
"""linreg: MH iterations per second and effective samples per second of b,
for ppl, WebPPL and JAGS side by side.

usage: bench/linreg/report.py [--rounds N] [--ppl PATH]

bench/run times the whole processes and checks their answers; this adds
what it cannot: the effective sample size of each implementation's draws
of b. Each implementation runs `rounds` times in alternation (the median
wall time counts, start-up included), then once more to collect its draws
of b: ppl through --output, WebPPL with LINREG_DRAWS=1, JAGS from its CODA
file. The ESS is the one summary() reports as bulk ESS for one chain:
rank-normalised split halves, Geyer's initial monotone sequence (Vehtari et
al. 2021), computed here directly.

Iterations are 21,000 for every implementation (1,000 burn-in + 20,000);
JAGS's iterations are Gibbs/slice sweeps over a, b and s, not single-site
MH steps. The table goes to standard output and bench/results/linreg.md.
"""
import argparse
import csv
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ITERATIONS = 21000


def run(argv, cwd, env=None):
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("%s failed: %s" % (" ".join(argv), proc.stderr.strip()[:400]))
    return elapsed, proc.stdout


# ---------------------------------------------------------------- ESS


def normal_quantile(p):
    """Inverse of the standard normal CDF (Acklam's rational approximation
    refined by one Newton step)."""
    a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01]
    c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
         3.754408661907416e+00]
    if p < 0.02425:
        q = math.sqrt(-2 * math.log(p))
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    elif p > 1 - 0.02425:
        q = math.sqrt(-2 * math.log(1 - p))
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    else:
        q = p - 0.5
        r = q * q
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    e = 0.5 * math.erfc(-x / math.sqrt(2)) - p
    return x - e * math.sqrt(2 * math.pi) * math.exp(x * x / 2)


def bulk_ess(draws):
    """Bulk ESS of one chain: split in halves, rank-normalised, Geyer."""
    half = len(draws) // 2
    chains = [draws[:half], draws[(len(draws) + 1) // 2:][:half]]
    pooled = sorted((v, j, i) for j, ch in enumerate(chains) for i, v in enumerate(ch))
    s = len(pooled)
    z = [[0.0] * half for _ in chains]
    k = 0
    while k < s:
        e = k
        while e + 1 < s and pooled[e + 1][0] == pooled[k][0]:
            e += 1
        rank = (k + e) / 2 + 1
        score = normal_quantile((rank - 0.375) / (s + 0.25))
        for q in range(k, e + 1):
            z[pooled[q][1]][pooled[q][2]] = score
        k = e + 1
    m, n = len(z), half
    means = [sum(ch) / n for ch in z]

    def acov(ch, mu, t):
        return sum((ch[i] - mu) * (ch[i + t] - mu) for i in range(n - t)) / n

    cache = {}

    def mean_acov(t):
        if t not in cache:
            cache[t] = sum(acov(ch, mu, t) for ch, mu in zip(z, means)) / m
        return cache[t]

    mean_var = mean_acov(0) * n / (n - 1)
    mu = sum(means) / m
    var_plus = mean_var * (n - 1) / n + sum((x - mu) ** 2 for x in means) / (m - 1)
    rho = [0.0] * (n + 2)
    even, odd = 1.0, 1 - (mean_var - mean_acov(1)) / var_plus
    rho[0], rho[1] = even, odd
    t = 0
    while t + 5 < n and even + odd > 0:
        t += 2
        even = 1 - (mean_var - mean_acov(t)) / var_plus
        odd = 1 - (mean_var - mean_acov(t + 1)) / var_plus
        if even + odd >= 0:
            rho[t], rho[t + 1] = even, odd
    max_t = t
    if even > 0:
        rho[max_t] = even
    t = 2
    while t + 2 <= max_t:
        if rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]:
            rho[t] = rho[t + 1] = (rho[t - 2] + rho[t - 1]) / 2
        t += 2
    tau = -1 + 2 * sum(rho[:max_t]) + rho[max_t]
    tau = max(tau, 1 / math.log10(m * n))
    return m * n / tau


# ------------------------------------------------------ implementations


def ppl_impl(exe):
    def timed(cwd):
        return run([exe, "run", "ppl.ppl", "--seed", "1"], cwd)[0]

    def draws(cwd):
        out = Path(cwd) / "draws.csv"
        run([exe, "run", "ppl.ppl", "--seed", "1", "--output", str(out)], cwd)
        with open(out) as f:
            return [float(r["b"]) for r in csv.DictReader(f)]
    return "ppl", timed, draws


def webppl_impl(exe):
    def timed(cwd):
        return run([exe, "webppl.wppl", "--random-seed", "1"], cwd)[0]

    def draws(cwd):
        env = dict(os.environ, LINREG_DRAWS="1")
        out = run([exe, "webppl.wppl", "--random-seed", "1"], cwd, env)[1]
        return [float(x) for x in out.split()]
    return "WebPPL 0.9.15", timed, draws


def jags_impl(exe):
    def timed(cwd):
        return run([exe, "jags.cmd"], cwd)[0]

    def draws(cwd):
        run([exe, "jags.cmd"], cwd)
        index = {line.split()[0]: (int(line.split()[1]), int(line.split()[2]))
                 for line in open(Path(cwd) / "CODAindex.txt") if line.strip()}
        start, end = index["b"]
        values = [float(line.split()[1]) for line in open(Path(cwd) / "CODAchain1.txt") if line.strip()]
        return values[start - 1:end]
    return "JAGS 4.3", timed, draws


def find_webppl():
    for base in (ROOT, HERE.parent):
        exe = base / "node_modules" / ".bin" / "webppl"
        if exe.exists():
            return str(exe)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--ppl", default=str(ROOT / "build-bench" / "cli" / "ppl"))
    args = ap.parse_args()
    impls = []
    args.ppl = str(Path(args.ppl).resolve())
    if not Path(args.ppl).exists():
        sys.exit("no ppl at %s (build it, or give --ppl)" % args.ppl)
    impls.append(ppl_impl(args.ppl))
    web = find_webppl()
    if web:
        impls.append(webppl_impl(web))
    else:
        print("webppl not found (npm install webppl@0.9.15): skipping it", file=sys.stderr)
    if shutil.which("jags"):
        impls.append(jags_impl(shutil.which("jags")))
    else:
        print("jags not found: skipping it", file=sys.stderr)

    scratch = Path(tempfile.mkdtemp(prefix="linreg-"))
    dirs = {}
    for name, _, _ in impls:
        dirs[name] = scratch / name.split()[0]
        shutil.copytree(HERE, dirs[name])
    times = {name: [] for name, _, _ in impls}
    for r in range(args.rounds):
        for name, timed, _ in impls:
            times[name].append(timed(dirs[name]))
        print("round %d/%d: %s" % (r + 1, args.rounds,
                                   ", ".join("%s %.3f s" % (n, times[n][-1]) for n, _, _ in impls)),
              file=sys.stderr)
    rows = []
    for name, _, draws in impls:
        t = statistics.median(times[name])
        ess = bulk_ess(draws(dirs[name]))
        rows.append((name, t, ITERATIONS / t, ess, ess / t))
    shutil.rmtree(scratch, ignore_errors=True)

    web_row = next((r for r in rows if r[0].startswith("WebPPL")), None)
    lines = ["| implementation | median wall time | iterations / s | ESS of b | ESS of b / s | iterations / s vs WebPPL |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name, t, its, ess, eps in rows:
        ratio = "%.1f×" % (its / web_row[2]) if web_row else "—"
        lines.append("| %s | %.3f s | %.0f | %.0f | %.0f | %s |" % (name, t, its, ess, eps, ratio))
    table = "\n".join(lines)
    header = ["# linreg: MH iterations and effective samples per second", "",
              "- date: %s" % time.strftime("%Y-%m-%d %H:%M %Z"),
              "- machine: %s, %d CPUs; load average %.2f" % (platform.machine(), os.cpu_count() or 0,
                                                            os.getloadavg()[0]),
              "- rounds: %d, in alternation; wall time of the whole process, start-up included" % args.rounds,
              "- 21,000 iterations (1,000 burn-in); ESS of the 20,000 draws of b kept", "", ""]
    text = "\n".join(header) + table + "\n"
    print(text)
    results = HERE.parent / "results"
    results.mkdir(exist_ok=True)
    (results / "linreg.md").write_text(text)


if __name__ == "__main__":
    main()
