#!/usr/bin/env python3
"""Writes ys.csv: 100 observations of the hmm workload's model,
x_0 = 0, x_t ~ normal(0.9 x_{t-1}, 1), y_t ~ normal(x_t, 1), simulated with a
fixed seed, and prints the Kalman filter's exact log evidence and final
filtering mean for them (kalman.txt)."""
import math
import random

rng = random.Random(20261122)
x, ys = 0.0, []
for _ in range(100):
    x = rng.gauss(0.9 * x, 1.0)
    ys.append(rng.gauss(x, 1.0))
with open("ys.csv", "w") as f:
    f.write("y\n")
    for y in ys:
        f.write("%.17g\n" % y)
m, p, ll = 0.0, 0.0, 0.0
for y in ys:
    mp, pp = 0.9 * m, 0.81 * p + 1
    s = pp + 1
    ll += -0.5 * (math.log(2 * math.pi * s) + (y - mp) ** 2 / s)
    k = pp / s
    m, p = mp + k * (y - mp), (1 - k) * pp
with open("kalman.txt", "w") as f:
    f.write("log_evidence %.17g\nfiltering_mean %.17g\nfiltering_variance %.17g\n" % (ll, m, p))
print(open("kalman.txt").read(), end="")
