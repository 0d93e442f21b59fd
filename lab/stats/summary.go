package stats

// Summary counts what a replay saw. Build it with Add and Served (replay's
// Result.Summary does); the rate and interval are kept current by Add.
type Summary struct {
	Runs        int            `json:"runs"`
	Failures    int            `json:"failed"`
	FailureRate float64        `json:"failure_rate"`
	CILow       float64        `json:"ci95_low"`    // 95 % Wilson interval
	CIHigh      float64        `json:"ci95_high"`   // 95 % Wilson interval
	Causes      map[string]int `json:"causes"`      // failure class -> failed runs
	Datacenters map[string]int `json:"datacenters"` // datacenter -> requests served
	Instances   map[string]int `json:"instances"`   // instance -> requests served
	// CrossedFailed and CrossedOK count failed and successful runs whose
	// consecutive requests landed in different datacenters.
	CrossedFailed int `json:"crossed_failed"`
	CrossedOK     int `json:"crossed_ok"`
}

// NewSummary returns an empty summary with its maps ready.
func NewSummary() Summary {
	return Summary{Causes: map[string]int{}, Datacenters: map[string]int{}, Instances: map[string]int{}, CIHigh: 1}
}

// Add counts one run: whether it succeeded, its failure class, whether it crossed.
func (s *Summary) Add(ok bool, failure string, crossed bool) {
	s.ensure()
	s.Runs++
	switch {
	case ok && crossed:
		s.CrossedOK++
	case !ok:
		s.Failures++
		s.Causes[failure]++
		if crossed {
			s.CrossedFailed++
		}
	}
	s.FailureRate = float64(s.Failures) / float64(s.Runs)
	s.CILow, s.CIHigh = Wilson(s.Failures, s.Runs, 0.95)
}

// Served counts one request answered by instance in datacenter; empty names
// (a hop with no X-Served-By) are not counted.
func (s *Summary) Served(datacenter, instance string) {
	s.ensure()
	if datacenter != "" {
		s.Datacenters[datacenter]++
	}
	if instance != "" {
		s.Instances[instance]++
	}
}

// Succeeded is Runs − Failures.
func (s Summary) Succeeded() int { return s.Runs - s.Failures }

func (s *Summary) ensure() {
	if s.Causes == nil {
		s.Causes = map[string]int{}
	}
	if s.Datacenters == nil {
		s.Datacenters = map[string]int{}
	}
	if s.Instances == nil {
		s.Instances = map[string]int{}
	}
}
