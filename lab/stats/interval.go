package stats

import "math"

// z returns the two-sided normal quantile for a confidence such as 0.95 (1.96).
func z(confidence float64) float64 {
	return math.Sqrt2 * math.Erfinv(confidence)
}

// Wilson returns the Wilson score interval for k failures in n runs at the
// given two-sided confidence (0.95 for 95 %). With n == 0 it is [0, 1].
func Wilson(k, n int, confidence float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	zz := z(confidence)
	z2 := zz * zz
	fn := float64(n)
	p := float64(k) / fn
	den := 1 + z2/fn
	center := (p + z2/(2*fn)) / den
	half := zz * math.Sqrt(p*(1-p)/fn+z2/(4*fn*fn)) / den
	lo, hi = math.Max(0, center-half), math.Min(1, center+half)
	if k == 0 {
		lo = 0
	}
	if k == n {
		hi = 1
	}
	return lo, hi
}

// WilsonUpper is the upper end of the Wilson interval: the highest failure rate
// consistent with k failures in n runs. 0 of 300 at 0.95 gives 0.0126.
func WilsonUpper(k, n int, confidence float64) float64 {
	_, hi := Wilson(k, n, confidence)
	return hi
}

// RunsToDetect returns how many runs are needed to see at least one failure
// with probability c when failures happen at rate p: the smallest n with
// 1 − (1 − p)ⁿ ≥ c. p = 0.01, c = 0.95 gives 299. It returns 0 for p outside
// (0, 1] or c outside (0, 1).
func RunsToDetect(p, c float64) int {
	if p <= 0 || p > 1 || c <= 0 || c >= 1 {
		return 0
	}
	if p == 1 {
		return 1
	}
	n := math.Log(1-c) / math.Log(1-p)
	// Guard against n landing a hair above an integer through rounding.
	if r := math.Round(n); math.Abs(n-r) < 1e-9 {
		return int(r)
	}
	return int(math.Ceil(n))
}

// UpperBoundNoFailure is the exact (Clopper–Pearson one-sided) upper bound on
// the failure rate when n runs all succeeded: 1 − (1 − c)^(1/n). For n = 300,
// c = 0.95 it is 0.0099 (the "rule of three": about 3/n). n <= 0 gives 1.
func UpperBoundNoFailure(n int, c float64) float64 {
	if n <= 0 {
		return 1
	}
	return 1 - math.Pow(1-c, 1/float64(n))
}
