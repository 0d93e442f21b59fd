package stats

// Inside reports whether the model's rate lies in the interval lo–hi (with
// a rounding allowance): the one definition of "the model agrees" that the
// diagnosis and the matchers share.
func (m Model) Inside(lo, hi float64) bool {
	return m.FailureRate >= lo-1e-12 && m.FailureRate <= hi+1e-12
}
