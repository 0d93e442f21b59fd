package replay

// Partial reports whether the replay ended before it was done: its context
// ended (Ctrl-C, a deadline) before every planned run completed.
func (r *Result) Partial() bool { return r != nil && r.Interrupted != "" }

// Completed is the result without the runs the interruption cut: only the
// runs that measured the endpoint to their end or to their failure. It is r
// itself when no run was cut. Statistics, reports and HAR files of an
// interrupted replay are built from it.
func (r *Result) Completed() *Result {
	if r == nil {
		return nil
	}
	cut := 0
	for _, run := range r.Runs {
		if run.Interrupted {
			cut++
		}
	}
	if cut == 0 {
		return r
	}
	c := *r
	c.Runs = make([]Run, 0, len(r.Runs)-cut)
	for _, run := range r.Runs {
		if !run.Interrupted {
			c.Runs = append(c.Runs, run)
		}
	}
	c.Dropped += cut
	return &c
}
