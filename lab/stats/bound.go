package stats

import "math"

// One definition for "the failure rate is below p with confidence c".
//
// The claim rejects every rate q ≥ p: at such a rate, seeing k or fewer
// failures in n runs must be an event of probability at most 1 − c. The
// binomial CDF P(X ≤ k | q) falls as q grows, so it is enough that
// P(X ≤ k | p) ≤ 1 − c, that is UpperBound(k, n, c) ≤ p, where UpperBound is
// the exact one-sided (Clopper–Pearson) upper confidence bound: the rate at
// which P(X ≤ k) is exactly 1 − c. The confidence set is [0, UpperBound).
//
// With no failure (k = 0) the CDF is (1 − p)ⁿ, so the bound is
// 1 − (1 − c)^(1/n) (about 3/n at 95 %: the "rule of three"), and the claim
// holds once (1 − p)ⁿ ≤ 1 − c, i.e. n ≥ ln(1 − c) / ln(1 − p). That is the
// same inequality as "a failure rate p shows at least one failure in n runs
// with probability ≥ c": how many runs it takes to detect a rate and how many
// clean runs it takes to rule it out are one number (299 for 1 % at 95 %).
//
// The two-sided Wilson interval is the wrong tool for this one-sided claim:
// its 95 % upper end leaves 2.5 % above it, not 5 %, and at k = 0 it is
// z²/(n + z²) ≈ 3.84/n, so it would ask for 381 runs where 299 prove it.

// UpperBound is the exact one-sided upper confidence bound on the failure
// rate after k failures in n runs, at confidence c (0.95 for 95 %). n <= 0 or
// k >= n gives 1.
func UpperBound(k, n int, c float64) float64 {
	switch {
	case n <= 0 || k >= n:
		return 1
	case k <= 0:
		return 1 - math.Pow(1-c, 1/float64(n))
	}
	// P(X ≤ k | p) is decreasing in p: bisect for the p where it equals 1 − c.
	lo, hi := float64(k)/float64(n), 1.0
	for range 100 {
		mid := (lo + hi) / 2
		if binomCDF(k, n, mid) > 1-c {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// RunsToDetect returns the smallest n with UpperBound(0, n, c) ≤ p: the runs
// needed to see at least one failure with probability c when failures happen
// at rate p, and equally the clean runs needed to claim a rate below p with
// confidence c (see the derivation above). p = 0.01, c = 0.95 gives 299. It
// returns 0 for p outside (0, 1] or c outside (0, 1).
func RunsToDetect(p, c float64) int {
	if p <= 0 || p > 1 || c <= 0 || c >= 1 {
		return 0
	}
	if p == 1 {
		return 1
	}
	n := max(1, int(math.Ceil(math.Log(1-c)/math.Log(1-p)-1e-9)))
	// The closed form can land one off through rounding: settle it on the
	// bound itself, so that both answers come from one function.
	for UpperBound(0, n, c) > p {
		n++
	}
	for n > 1 && UpperBound(0, n-1, c) <= p {
		n--
	}
	return n
}

// UpperBoundNoFailure is UpperBound(0, n, c): the exact one-sided upper
// bound on the failure rate when n runs all succeeded. For n = 300,
// c = 0.95 it is 0.0099. n <= 0 gives 1.
func UpperBoundNoFailure(n int, c float64) float64 { return UpperBound(0, n, c) }

// binomCDF is P(X ≤ k) for X ~ Binomial(n, p), summed in log space so that
// large n does not underflow.
func binomCDF(k, n int, p float64) float64 {
	if p <= 0 {
		return 1
	}
	if p >= 1 {
		return 0
	}
	lp, lq := math.Log(p), math.Log1p(-p)
	ln, _ := math.Lgamma(float64(n + 1))
	var sum float64
	for i := 0; i <= k; i++ {
		li, _ := math.Lgamma(float64(i + 1))
		lr, _ := math.Lgamma(float64(n - i + 1))
		sum += math.Exp(ln - li - lr + float64(i)*lp + float64(n-i)*lq)
	}
	return math.Min(1, sum)
}
