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
