#!/usr/bin/env python3
"""Reference values of log densities and cdfs for tests/unit/test_dist.c.

usage: python3 tests/reference/dist_reference.py > tests/reference/dist_reference.inc

The values are computed here, independently of the C code under test, with
Python's decimal module at 60 significant digits (extra digits where a
series cancels), from the textbook formulas of each family:

  * Every input (parameter or point) is a double. It is written into the
    ppl source as repr(float), which reads back as the same double, and it
    enters the computation as Decimal(float), its exact binary value. So
    the reference is the exact answer for exactly the inputs the C code
    sees, and only the C code's own rounding is measured.
  * pi from Machin's formula, 16 atan(1/5) - 4 atan(1/239), with the
    arctangent series; ln, exp and sqrt are Decimal's own (correctly
    rounded); log1p(x) for |x| < 1e-3 by its series, so that log1p(-1e-300)
    keeps all its digits.
  * log Gamma(x), x > 0: the recurrence Gamma(x) = Gamma(x + n) / (x (x+1)
    ... (x+n-1)) lifts the argument to x + n >= 60, where Stirling's series
    (z - 1/2) ln z - z + ln(2 pi)/2 + sum_k B_2k / (2k (2k-1) z^(2k-1)) with
    30 terms is accurate far beyond 60 digits. The Bernoulli numbers are
    exact fractions (Akiyama-Tanigawa). Checked below against ln((n-1)!)
    and ln(sqrt(pi)).
  * erfc(z): for z < 3 as 1 - erf(z) with erf's Taylor series at 100 digits;
    for z >= 3 by the continued fraction erfc(z) = exp(-z^2)/sqrt(pi) /
    (z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))) evaluated backwards (the
    number of terms is doubled until the value is stable to 1e-50). The
    two are checked against each other at z = 3 and 3.5.
  * The regularized incomplete gamma P(a, x) by its power series
    x^a e^-x / Gamma(a+1) * sum_n x^n / ((a+1)...(a+n)); the regularized
    incomplete beta I_x(a, b) by x^a (1-x)^b / (a B(a, b)) * sum_n
    (a+b)_n / (a+1)_n x^n for x <= 1/2, and 1 - I_(1-x)(b, a) above
    (both at 100 digits).
  * Discrete cdfs as exact sums of their mass functions.
  * multivariate_normal: the determinant and the quadratic form in exact
    rational arithmetic (fractions.Fraction), then logs in Decimal.

The C test compares with a relative tolerance of 1e-10. A relative test is
only fair where the value is not the small difference of large terms, so
points whose log density is close to 0 are chosen only where it is small by
nature (log1p(-1e-300), lambda = 1e-5 at 0, ...), never where terms cancel.
"""
from decimal import Decimal, getcontext, localcontext
from fractions import Fraction
import math
import sys

getcontext().prec = 60
D = Decimal


def ex(x):
    """The exact value of a double (or an int) as a Decimal."""
    return D(float(x)) if isinstance(x, float) else D(x)


# ------------------------------------------------------------- constants

def atan_series(x):
    """atan(x) for small |x| by its Taylor series."""
    with localcontext() as c:
        c.prec += 10
        x = D(x)
        total, term, n = D(0), x, 0
        x2 = x * x
        while True:
            t = term / (2 * n + 1)
            if abs(t) < D(10) ** -(c.prec + 5):
                break
            total += t if n % 2 == 0 else -t
            term *= x2
            n += 1
    return +total


def compute_pi():
    with localcontext() as c:
        c.prec += 10
        p = 16 * atan_series(D(1) / 5) - 4 * atan_series(D(1) / 239)
    return +p


PI = compute_pi()
assert str(PI).startswith("3.14159265358979323846264338327950288419716939937510")
LN2 = D(2).ln()


def atan(x):
    x = D(x)
    if x < 0:
        return -atan(-x)
    if x > 1:
        return PI / 2 - atan(1 / x)
    halvings = 0
    with localcontext() as c:
        c.prec += 10
        while x > D("0.1"):
            x = x / (1 + (1 + x * x).sqrt())
            halvings += 1
        r = atan_series(x) * (2 ** halvings)
    return +r


def ln(x):
    return D(x).ln()


def exp(x):
    return D(x).exp()


def log1p(x):
    x = D(x)
    if abs(x) < D("1e-3"):
        total, term, n = D(0), x, 1
        while abs(term) > abs(x) * D(10) ** -70:
            total += term / n
            n += 1
            term *= -x
        return total
    return (1 + x).ln()


# ------------------------------------------------------------- log gamma

def bernoulli_numbers(n):
    """B_0 .. B_n as fractions (Akiyama-Tanigawa; B_1 = +1/2)."""
    a = [Fraction(0)] * (n + 1)
    out = []
    for m in range(n + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        out.append(a[0])
    return out


BERN = bernoulli_numbers(62)
HALF_LN_2PI = (2 * PI).ln() / 2


def lgamma(x):
    x = D(x)
    assert x > 0
    with localcontext() as c:
        c.prec += 20
        shift = D(1)
        z = x
        while z < 60:
            shift *= z
            z += 1
        s = (z - D("0.5")) * z.ln() - z + HALF_LN_2PI
        zpow = z
        z2 = z * z
        for k in range(1, 31):
            b = BERN[2 * k]
            s += (D(b.numerator) / D(b.denominator)) / (2 * k * (2 * k - 1) * zpow)
            zpow *= z2
        r = s - shift.ln()
    return +r


def lbeta(a, b):
    return lgamma(a) + lgamma(b) - lgamma(D(a) + D(b))


def lchoose(n, k):
    return lgamma(D(n) + 1) - lgamma(D(k) + 1) - lgamma(D(n) - D(k) + 1)


def lfact_exact(n):
    return D(math.factorial(n)).ln()


assert abs(lgamma(D(1))) < D("1e-55")
assert abs(lgamma(D(2))) < D("1e-55")
assert abs(lgamma(D("0.5")) - PI.sqrt().ln()) < D("1e-55")
for n in (3, 10, 100, 171, 1000):
    assert abs(lgamma(D(n)) - lfact_exact(n - 1)) < D("1e-50") * abs(lfact_exact(n - 1)), n


# -------------------------------------------------------------- erf, erfc

def erf_series(z):
    with localcontext() as c:
        c.prec = 100
        z = D(z)
        total, term, n = D(0), z, 0
        z2 = z * z
        while True:
            t = term / (2 * n + 1)
            if abs(t) < D(10) ** -110:
                break
            total += t
            n += 1
            term *= -z2 / n
        r = 2 / PI.sqrt() * total
    return r


def erfc_cf(z, terms):
    with localcontext() as c:
        c.prec = 80
        z = D(z)
        t = z
        for k in range(terms, 0, -1):
            t = z + D(k) / 2 / t
        r = (-z * z).exp() / PI.sqrt() / t
    return r


def erfc(z):
    z = D(z)
    if z < 0:
        return 2 - erfc(-z)
    if z < 3:
        with localcontext() as c:
            c.prec = 100
            r = 1 - erf_series(z)
        return +r
    terms = 200
    prev = erfc_cf(z, terms)
    while True:
        terms *= 2
        cur = erfc_cf(z, terms)
        if abs(cur - prev) <= abs(cur) * D("1e-50"):
            return +cur
        prev = cur


for zz in ("3", "3.5"):
    with localcontext() as c:
        c.prec = 100
        a = 1 - erf_series(D(zz))
    b = erfc(D(zz))
    assert abs(a - b) < abs(b) * D("1e-40"), zz


def normal_cdf(z):
    return erfc(-D(z) / D(2).sqrt()) / 2


# --------------------------------------------------- incomplete functions

def gamma_p(a, x):
    """The regularized lower incomplete gamma P(a, x)."""
    a, x = D(a), D(x)
    if x <= 0:
        return D(0)
    with localcontext() as c:
        c.prec = 100
        term = D(1)
        total = D(0)
        n = 0
        while True:
            total += term
            n += 1
            term *= x / (a + n)
            if term < total * D(10) ** -105:
                break
        r = (a * x.ln() - x - lgamma(a + 1)).exp() * total
    return +r


def beta_i(x, a, b):
    """The regularized incomplete beta I_x(a, b)."""
    x, a, b = D(x), D(a), D(b)
    if x <= 0:
        return D(0)
    if x >= 1:
        return D(1)
    if x > D("0.5"):
        with localcontext() as c:
            c.prec = 100
            r = 1 - beta_i(1 - x, b, a)
        return +r
    with localcontext() as c:
        c.prec = 100
        term = D(1)
        total = D(0)
        n = 0
        while True:
            total += term
            term *= (a + b + n) / (a + 1 + n) * x
            n += 1
            if term < total * D(10) ** -105:
                break
        r = (a * x.ln() + b * log1p(-x) - lbeta(a, b)).exp() / a * total
    return +r


# ------------------------------------------------------- log densities

def normal_lpdf(mu, sigma, x):
    z = (D(x) - D(mu)) / D(sigma)
    return -z * z / 2 - D(sigma).ln() - HALF_LN_2PI


def families_logpdf():
    """(ppl distribution, ppl value, reference) for every family."""
    rows = []

    def add(dist, value, ref):
        rows.append((dist, value, ref))

    # normal(mu, sigma)
    for mu, sigma, xs in ((0.0, 1.0, (0.0, 1.5, -3.0, 10.0, -40.0, 1e3)),
                          (2.5, 0.3, (2.2, 10.0)),
                          (-1e3, 1e-3, (-999.99, -1000.5))):
        for x in xs:
            add(call("normal", mu, sigma), num(x), normal_lpdf(ex(mu), ex(sigma), ex(x)))

    # lognormal(mu, sigma)
    for mu, sigma, xs in ((0.0, 1.0, (1.0, 0.01, 100.0, 1e-10, 1e10)),
                          (1.5, 0.25, (4.0, 20.0))):
        for x in xs:
            add(call("lognormal", mu, sigma), num(x), normal_lpdf(ex(mu), ex(sigma), ln(ex(x))) - ln(ex(x)))

    # uniform(lo, hi)
    for x in (0.0, -2.0, 3.5, 1.25):
        add(call("uniform", -2.0, 3.5), num(x), -ln(ex(3.5) - ex(-2.0)))
    add(call("uniform", 0.0, 1e-3), num(5e-4), -ln(ex(1e-3)))

    # exponential(rate)
    for rate, xs in ((2.5, (0.0, 0.3, 10.0, 1e3)), (1e-3, (50.0, 1e5))):
        for x in xs:
            add(call("exponential", rate), num(x), ln(ex(rate)) - ex(rate) * ex(x))

    # gamma(shape, rate)
    def gamma_lpdf(a, b, x):
        a, b, x = ex(a), ex(b), ex(x)
        return a * ln(b) - lgamma(a) + (a - 1) * ln(x) - b * x

    for a, b, xs in ((2.0, 4.0, (0.5, 3.0)), (0.5, 1.0, (1e-8, 30.0)), (50.0, 2.0, (25.0, 100.0, 2.0)),
                     (3.0, 0.1, (1e-3,)), (7.5, 1.0, (1e-5,)), (1e6, 1e6, (1.001, 1.0)), (1e6, 2.0, (5e5,)),
                     (2.0, 1e-300, (1e-300,))):
        for x in xs:
            add(call("gamma", a, b), num(x), gamma_lpdf(a, b, x))
    add(call("gamma", 1.0, 3.0), num(0.0), ln(D(3)))

    # inverse_gamma(shape, scale)
    def inv_gamma_lpdf(a, b, x):
        a, b, x = ex(a), ex(b), ex(x)
        return a * ln(b) - lgamma(a) - (a + 1) * ln(x) - b / x

    for a, b, xs in ((3.0, 2.0, (0.5, 1e-3, 100.0)), (0.5, 0.1, (10.0, 1e-2)), (1e6, 1e6, (1.0, 1.002))):
        for x in xs:
            add(call("inverse_gamma", a, b), num(x), inv_gamma_lpdf(a, b, x))

    # beta(a, b)
    def beta_lpdf(a, b, x):
        a, b, x = ex(a), ex(b), ex(x)
        return (a - 1) * ln(x) + (b - 1) * log1p(-x) - lbeta(a, b)

    for a, b, xs in ((2.0, 3.0, (0.3, 1e-10, 1 - 1e-10, 0.95)), (0.5, 0.5, (0.5, 1e-12, 0.999)),
                     (100.0, 200.0, (0.33, 0.1)), (1.0, 3.0, (0.0,)), (1e5, 2e5, (0.333, 0.3335)),
                     (3.5, 1e6, (3e-6, 1e-4))):
        for x in xs:
            add(call("beta", a, b), num(x), beta_lpdf(a, b, x) if x > 0 else -lbeta(ex(a), ex(b)) + 0)

    # student_t(nu, mu, sigma)
    def t_lpdf(nu, mu, sigma, x):
        nu, mu, sigma, x = ex(nu), ex(mu), ex(sigma), ex(x)
        z = (x - mu) / sigma
        return (lgamma((nu + 1) / 2) - lgamma(nu / 2) - ln(nu * PI) / 2 - ln(sigma)
                - (nu + 1) / 2 * ln(1 + z * z / nu))

    for nu, mu, sigma, xs in ((3.0, 0.0, 1.0, (0.0, 2.0, -50.0, 1e6)), (1.5, 2.0, 0.5, (3.0, 1e10)),
                              (30.0, -1.0, 2.0, (5.0,)), (0.5, 0.0, 1.0, (1e200,)), (50.0, 0.0, 1.0, (3.0,)),
                              (1e8, 0.0, 1.0, (1.5,))):
        for x in xs:
            add(call("student_t", nu, mu, sigma), num(x), t_lpdf(nu, mu, sigma, x))

    # cauchy(mu, sigma)
    def cauchy_lpdf(mu, sigma, x):
        mu, sigma, x = ex(mu), ex(sigma), ex(x)
        z = (x - mu) / sigma
        return -ln(PI * sigma) - ln(1 + z * z)

    for mu, sigma, xs in ((0.0, 1.0, (0.0, 1.0, -1e3, 1e20, 1e200)), (-2.0, 0.1, (3.0,))):
        for x in xs:
            add(call("cauchy", mu, sigma), num(x), cauchy_lpdf(mu, sigma, x))

    # half_normal(sigma)
    for sigma, xs in ((1.0, (0.0, 2.0, 30.0)), (2.5, (1.0,))):
        for x in xs:
            add(call("half_normal", sigma), num(x), LN2 + normal_lpdf(D(0), ex(sigma), ex(x)))

    # half_cauchy(sigma)
    for sigma, xs in ((1.0, (0.0, 3.0, 1e8)), (0.2, (1.0,))):
        for x in xs:
            add(call("half_cauchy", sigma), num(x), LN2 + cauchy_lpdf(0.0, sigma, x))

    # laplace(mu, b)
    for mu, b, xs in ((0.0, 1.0, (0.0, 2.5, -100.0)), (3.0, 0.5, (1.0,))):
        for x in xs:
            add(call("laplace", mu, b), num(x), -ln(2 * ex(b)) - abs(ex(x) - ex(mu)) / ex(b))

    # bernoulli(p)
    for p in (0.3, 1e-300, 1 - 1e-15):
        add(call("bernoulli", p), "true", ln(ex(p)))
        add(call("bernoulli", p), "false", log1p(-ex(p)))
    add(call("bernoulli", 1e-300), "1", ln(ex(1e-300)))
    add(call("bernoulli", 1e-300), "0", log1p(-ex(1e-300)))

    # binomial(n, p)
    def binomial_lpmf(n, p, k):
        p = ex(p)
        return lchoose(n, k) + k * ln(p) + (n - k) * log1p(-p)

    for n, p, ks in ((10, 0.3, (0, 3, 10)), (1000, 1e-9, (0, 2)), (50, 0.999999, (50, 45)),
                     (1000, 0.5, (500, 0)), (20, 1e-200, (1,)), (10000000, 0.3, (3000000, 3001000)),
                     (100, 1 - 1e-12, (100, 99))):
        for k in ks:
            add(call("binomial", n, p), num(k), binomial_lpmf(n, p, k))

    # poisson(lambda)
    for lam, ks in ((3.5, (0, 2, 20, 200)), (1e-5, (0, 3)), (1000.0, (1000, 1200)),
                    (1e7, (10000000, 10003000)), (1e15, (1000000000000000,))):
        for k in ks:
            add(call("poisson", lam), num(k), k * ln(ex(lam)) - ex(lam) - lgamma(D(k) + 1))

    # geometric(p): failures before the first success
    for p, ks in ((0.2, (0, 5, 100)), (1e-6, (0, 1000000)), (0.999, (3,))):
        for k in ks:
            add(call("geometric", p), num(k), ln(ex(p)) + k * log1p(-ex(p)))

    # negative_binomial(alpha, beta): C(k + alpha - 1, k) (beta/(1+beta))^alpha (1/(1+beta))^k
    def nb_lpmf(a, b, k):
        a, b = ex(a), ex(b)
        return (lgamma(k + a) - lgamma(D(k) + 1) - lgamma(a) + a * ln(b / (1 + b)) - k * ln(1 + b))

    for a, b, ks in ((2.5, 0.5, (0, 3, 40)), (0.1, 1e-3, (1000,)), (100.0, 10.0, (10, 0)), (5e7, 2e6, (30,)),
                     (2.0, 1e-6, (2000000,))):
        for k in ks:
            add(call("negative_binomial", a, b), num(k), nb_lpmf(a, b, k))

    # negative_binomial_2(mu, phi): C(k + phi - 1, k) (mu/(mu+phi))^k (phi/(mu+phi))^phi
    def nb2_lpmf(mu, phi, k):
        mu, phi = ex(mu), ex(phi)
        return (lgamma(k + phi) - lgamma(D(k) + 1) - lgamma(phi) + k * ln(mu / (mu + phi))
                + phi * ln(phi / (mu + phi)))

    for mu, phi, ks in ((4.0, 2.0, (0, 4, 50)), (3.0, 1e8, (3, 0)), (100.0, 0.5, (1000,)), (50.0, 30.0, (40,)),
                        (1e7, 2.0, (30, 10000000)), (1e7, 1e9, (10000000,)), (3.0, 1e17, (3, 0))):
        for k in ks:
            add(call("negative_binomial_2", mu, phi), num(k), nb2_lpmf(mu, phi, k))

    # categorical(weights), categorical(weights, values)
    def normalised(ws):
        total = sum(Fraction(w) for w in ws)
        return [Fraction(w) / total for w in ws]

    def frac_ln(f):
        return ln(D(f.numerator)) - ln(D(f.denominator))

    for ws, ks in (([0.2, 0.5, 0.3], (0, 1, 2)), ([1.0, 3.0], (1,)), ([1e-300, 1.0], (0,))):
        p = normalised(ws)
        for k in ks:
            add("categorical(%s)" % arr(ws), num(k), frac_ln(p[k]))
    p = normalised([0.2, 0.8])
    add('categorical([0.2, 0.8], ["a", "b"])', '"b"', frac_ln(p[1]))
    p = normalised([1.0, 2.0, 3.0])
    add('categorical([1, 2, 3], ["x", "y", "x"])', '"x"', frac_ln(p[0] + p[2]))

    # uniform_int(lo, hi)
    add(call("uniform_int", 1, 6), num(3), -ln(D(6)))
    add(call("uniform_int", -1000, 1000), num(0), -ln(D(2001)))

    # dirichlet(alpha)
    def dirichlet_lpdf(alpha, x):
        alpha = [ex(a) for a in alpha]
        x = [ex(v) for v in x]
        s = lgamma(sum(alpha)) - sum(lgamma(a) for a in alpha)
        return s + sum((a - 1) * ln(v) for a, v in zip(alpha, x))

    for alpha, x in (([1.0, 2.0, 3.0], [0.2, 0.3, 0.5]), ([0.5, 0.5], [1e-10, 1 - 1e-10]),
                     ([10.0, 20.0, 30.0, 40.0], [0.1, 0.2, 0.3, 0.4])):
        add("dirichlet(%s)" % arr(alpha), arr(x), dirichlet_lpdf(alpha, x))

    # multivariate_normal(mu, cov)
    for mu, cov, xs in (([0.0, 1.0], [[1.0, 0.5], [0.5, 2.0]], ([0.0, 1.0], [3.0, -2.0])),
                        ([1.0, 2.0, 3.0], [[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]],
                         ([0.0, 0.0, 0.0], [10.0, -10.0, 5.0]))):
        for x in xs:
            add("multivariate_normal(%s, %s)" % (arr(mu), "[" + ", ".join(arr(r) for r in cov) + "]"), arr(x),
                mvn_lpdf(mu, cov, x))

    # mixture(weights, components)
    w = normalised([0.3, 0.7])
    for x in (0.0, 2.5, 30.0, -30.0):
        lp = [frac_ln(w[0]) + normal_lpdf(D(0), D(1), ex(x)), frac_ln(w[1]) + normal_lpdf(D(5), D(2), ex(x))]
        add("mixture([0.3, 0.7], [normal(0, 1), normal(5, 2)])", num(x), logsumexp(lp))
    w = normalised([1.0, 1.0])
    for k in (3, 30):
        lp = [frac_ln(w[0]) + k * ln(D(2)) - 2 - lgamma(D(k) + 1), frac_ln(w[1]) + k * ln(D(20)) - 20 - lgamma(D(k) + 1)]
        add("mixture([1, 1], [poisson(2), poisson(20)])", num(k), logsumexp(lp))
    w = normalised([0.25, 0.75])
    add("mixture([0.25, 0.75], [bernoulli(0.1), bernoulli(0.6)])", "true",
        frac_ln(w[0] * Fraction(0.1) + w[1] * Fraction(0.6)))

    # delta(v)
    add("delta(3)", "3", D(0))
    add('delta("a")', '"a"', D(0))
    return rows


def logsumexp(xs):
    m = max(xs)
    return m + sum((x - m).exp() for x in xs).ln()


def mvn_lpdf(mu, cov, x):
    k = len(mu)
    a = [[Fraction(v) for v in row] for row in cov]
    r = [Fraction(xi) - Fraction(mi) for xi, mi in zip(x, mu)]
    # Gaussian elimination on [A | r]: det(A) and A^-1 r, exactly
    m = [row[:] + [ri] for row, ri in zip(a, r)]
    det = Fraction(1)
    for i in range(k):
        piv = m[i][i]
        assert piv != 0
        det *= piv
        for j in range(i + 1, k):
            f = m[j][i] / piv
            for c in range(i, k + 1):
                m[j][c] -= f * m[i][c]
    sol = [Fraction(0)] * k
    for i in range(k - 1, -1, -1):
        s = m[i][k] - sum(m[i][c] * sol[c] for c in range(i + 1, k))
        sol[i] = s / m[i][i]
    quad = sum(ri * si for ri, si in zip(r, sol))
    dq = D(quad.numerator) / D(quad.denominator)
    ldet = ln(D(det.numerator)) - ln(D(det.denominator))
    return -dq / 2 - ldet / 2 - k * HALF_LN_2PI


# ------------------------------------------------------------------ cdfs

def families_cdf():
    rows = []

    def add(dist, x, ref):
        rows.append((dist, num(x), ref))

    for mu, sigma, xs in ((0.0, 1.0, (0.0, 1.5, -3.0, -10.0, -30.0, 5.0)), (2.5, 0.3, (2.2, 3.0))):
        for x in xs:
            add(call("normal", mu, sigma), x, normal_cdf((ex(x) - ex(mu)) / ex(sigma)))
    for x in (1.0, 0.01, 20.0):
        add(call("lognormal", 0.0, 1.0), x, normal_cdf(ln(ex(x))))
    for x in (0.0, 1.25, 3.0):
        add(call("uniform", -2.0, 3.5), x, (ex(x) + 2) / (ex(3.5) + 2))
    for x in (0.3, 1e-6, 10.0):
        add(call("exponential", 2.5), x, 1 - exp(-ex(2.5) * ex(x)) if x > 1e-3 else -expm1_small(-ex(2.5) * ex(x)))
    for a, b, xs in ((2.0, 4.0, (0.5, 1e-3, 3.0)), (0.5, 1.0, (1e-8, 2.0)), (50.0, 2.0, (20.0, 25.0)),
                     (1e5, 1.0, (99500.0, 100000.0, 100700.0)), (1e7, 2.0, (4998000.0, 5000000.0, 5003000.0))):
        for x in xs:
            add(call("gamma", a, b), x, gamma_p(ex(a), ex(b) * ex(x)))
    for a, b, xs in ((3.0, 2.0, (0.5, 2.0, 10.0)),):
        for x in xs:
            add(call("inverse_gamma", a, b), x, 1 - gamma_p(ex(a), ex(b) / ex(x)))
    for a, b, xs in ((2.0, 3.0, (0.3, 1e-5, 0.99)), (0.5, 0.5, (0.5, 1e-8)), (100.0, 200.0, (0.33, 0.3)),
                     (0.01, 0.02, (1e-100, 0.5, 0.999)), (1e4, 2e4, (0.333, 0.336)), (1e5, 2e5, (0.333, 0.3345)),
                     (1e6, 2e6, (0.3333, 0.3337)), (3e6, 6e6, (0.3333,)), (5.0, 1e6, (2e-6, 1e-5))):
        for x in xs:
            add(call("beta", a, b), x, beta_i(ex(x), ex(a), ex(b)))
    for nu, mu, sigma, xs in ((3.0, 0.0, 1.0, (0.0, 2.0, -50.0)), (1.5, 2.0, 0.5, (3.0, -10.0)),
                              (30.0, -1.0, 2.0, (5.0,)), (1e6, 0.0, 1.0, (2.0, -3.0)), (0.2, 0.0, 1.0, (1e10,))):
        for x in xs:
            t = (ex(x) - ex(mu)) / ex(sigma)
            tail = beta_i(ex(nu) / (ex(nu) + t * t), ex(nu) / 2, D("0.5")) / 2
            add(call("student_t", nu, mu, sigma), x, 1 - tail if t > 0 else tail)
    for x in (0.0, 1.0, -1e3, 30.0):
        add(call("cauchy", 0.0, 1.0), x, D("0.5") + atan(ex(x)) / PI)
    for x in (0.5, 2.0):
        add(call("half_normal", 1.0), x, 1 - erfc(ex(x) / D(2).sqrt()))
    for x in (0.5, 1e3):
        add(call("half_cauchy", 1.0), x, 2 * atan(ex(x)) / PI)
    for x in (-2.0, 0.5, 3.0):
        z = (ex(x) - 1) / D(2)
        add(call("laplace", 1.0, 2.0), x, exp(z) / 2 if z < 0 else 1 - exp(-z) / 2)

    def binom_cdf(n, p, k):
        p = Fraction(p)
        return frac(sum(Fraction(math.comb(n, j)) * p ** j * (1 - p) ** (n - j) for j in range(k + 1)))

    for n, p, ks in ((10, 0.3, (0, 3, 7)), (100, 0.05, (2, 10))):
        for k in ks:
            add(call("binomial", n, p), k, binom_cdf(n, p, k))
    # large counts, as incomplete betas: P(K <= k) = I_(1-p)(n - k, k + 1)
    for n, p, ks in ((10000000, 0.3, (3000000, 2999000, 3002000)), (1000000000, 0.5, (500000000, 499990000))):
        for k in ks:
            add(call("binomial", n, p), k, beta_i(1 - ex(p), D(n - k), D(k + 1)))

    def poisson_cdf(lam, k):
        lam = ex(lam)
        with localcontext() as c:
            c.prec = 100
            term, total = D(1), D(0)
            for j in range(k + 1):
                total += term
                term *= lam / (j + 1)
            r = (-lam).exp() * total
        return +r

    for lam, ks in ((3.5, (0, 2, 10)), (100.0, (80, 100))):
        for k in ks:
            add(call("poisson", lam), k, poisson_cdf(lam, k))
    # large counts, as an incomplete gamma: P(K <= k) = 1 - P(k + 1, lambda)
    for lam, ks in ((1e7, (10000000, 9995000)),):
        for k in ks:
            with localcontext() as c:
                c.prec = 100
                v = 1 - gamma_p(D(k + 1), ex(lam))
            add(call("poisson", lam), k, +v)
    for p, ks in ((0.2, (0, 5, 30)),):
        for k in ks:
            add(call("geometric", p), k, 1 - (1 - ex(p)) ** (k + 1))

    def nb_cdf(r, q, k):
        # P(K <= k) for the mass C(j + r - 1, j) q^r (1 - q)^j
        r, q = D(r), D(q)
        return sum((lgamma(j + r) - lgamma(D(j) + 1) - lgamma(r) + r * ln(q) + j * log1p(-q)).exp()
                   for j in range(k + 1))

    for a, b, ks in ((2.5, 0.5, (0, 3, 15)),):
        for k in ks:
            add(call("negative_binomial", a, b), k, nb_cdf(ex(a), ex(b) / (1 + ex(b)), k))
    for mu, phi, ks in ((4.0, 2.0, (0, 4, 12)),):
        for k in ks:
            add(call("negative_binomial_2", mu, phi), k, nb_cdf(ex(phi), ex(phi) / (ex(mu) + ex(phi)), k))
    # large counts, as incomplete betas: P(K <= k) = I_q(r, k + 1)
    for a, b, ks in ((1e7, 1.0, (10000000, 9990000)), (2.0, 1e-7, (20000000, 1000000))):
        for k in ks:
            add(call("negative_binomial", a, b), k, beta_i(ex(b) / (1 + ex(b)), ex(a), D(k + 1)))
    for mu, phi, ks in ((1e7, 1e7, (10000000, 10010000)),):
        for k in ks:
            add(call("negative_binomial_2", mu, phi), k, beta_i(ex(phi) / (ex(mu) + ex(phi)), ex(phi), D(k + 1)))
    return rows


def expm1_small(x):
    x = D(x)
    total, term, n = D(0), x, 1
    while abs(term) > D(10) ** -70:
        total += term
        n += 1
        term *= x / n
    return total


def frac(f):
    return D(f.numerator) / D(f.denominator)


# ---------------------------------------------------------------- output

def num(x):
    x = float(x)
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def arr(xs):
    return "[" + ", ".join(num(x) for x in xs) + "]"


def call(name, *params):
    return "%s(%s)" % (name, ", ".join(num(p) for p in params))


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def c_double(d):
    if d == 0:
        return "0.0"
    return format(d, ".40e")


def emit(name, rows, out):
    out.write("static const RefPoint %s[] = {\n" % name)
    for dist, value, ref in rows:
        ref = +ref
        out.write("    {%s, %s, %s},\n" % (c_string(dist), c_string(value), c_double(ref)))
    out.write("};\n\n")


def main():
    out = sys.stdout
    out.write("/* Generated by tests/reference/dist_reference.py (the method is described\n"
              " * there); do not edit. Each row: a distribution and a value, as ppl\n"
              " * source, and the exact log density (or cdf) to 40 digits. */\n\n")
    emit("dist_ref_logpdf", families_logpdf(), out)
    emit("dist_ref_cdf", families_cdf(), out)


if __name__ == "__main__":
    main()
