package report

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// Bin is the failure rate of the runs that started in one slice of time.
type Bin struct {
	From           time.Duration // since the replay started
	Runs, Failures int
	Low, High      float64 // 95 % Wilson interval of the rate
}

// Rate is Failures / Runs.
func (b Bin) Rate() float64 { return float64(b.Failures) / float64(max(b.Runs, 1)) }

// RateOverTime bins the runs by the second of the replay they started in.
// A replay shorter than 5 s is cut into 10 equal slices instead, so that
// the chart still shows a course. Empty slices are left out.
func RateOverTime(res *replay.Result) (bins []Bin, width time.Duration) {
	if res == nil || len(res.Runs) == 0 {
		return nil, time.Second
	}
	start, end := res.Runs[0].Start, res.Runs[0].Start
	for _, r := range res.Runs {
		start, end = minTime(start, r.Start), maxTime(end, r.Start)
	}
	if !res.Started.IsZero() && res.Started.Before(start) {
		start = res.Started
	}
	width = time.Second
	if span := end.Sub(start); span < 5*time.Second {
		width = max((span+time.Millisecond)/10, time.Millisecond)
	}
	byBin := map[int]*Bin{}
	last := 0
	for _, r := range res.Runs {
		i := int(r.Start.Sub(start) / width)
		b, ok := byBin[i]
		if !ok {
			b = &Bin{From: time.Duration(i) * width}
			byBin[i] = b
		}
		b.Runs++
		if !r.OK {
			b.Failures++
		}
		last = max(last, i)
	}
	for i := 0; i <= last; i++ {
		if b, ok := byBin[i]; ok {
			b.Low, b.High = stats.Wilson(b.Failures, b.Runs, 0.95)
			bins = append(bins, *b)
		}
	}
	return bins, width
}

func rateChart(res *replay.Result) (*plot.Plot, error) {
	bins, width := RateOverTime(res)
	xlabel := "second of the run"
	if width != time.Second {
		xlabel = fmt.Sprintf("time into the run (s), slices of %s", width.Round(time.Millisecond))
	}
	p := newPlot("Failure rate over time", xlabel, "failure rate (%)")
	p.Y.Min, p.Y.Max = 0, 100
	mid := func(b Bin) float64 { return (b.From + width/2).Seconds() }
	line := make(plotter.XYs, len(bins))
	band := make(plotter.XYs, 0, 2*len(bins))
	for i, b := range bins {
		line[i] = plotter.XY{X: mid(b), Y: 100 * b.Rate()}
		band = append(band, plotter.XY{X: mid(b), Y: 100 * b.High})
	}
	for i := len(bins) - 1; i >= 0; i-- {
		band = append(band, plotter.XY{X: mid(bins[i]), Y: 100 * bins[i].Low})
	}
	if len(bins) > 1 {
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return nil, err
		}
		poly.Color, poly.LineStyle.Width = colBand, 0
		p.Add(poly)
	}
	l, pts, err := plotter.NewLinePoints(line)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width = colFail, vg.Points(1.5)
	pts.Color, pts.Shape, pts.Radius = colFail, draw.CircleGlyph{}, vg.Points(2.5)
	p.Add(l, pts, plotter.NewGrid())
	s := res.Summary()
	overall := plotter.NewFunction(func(float64) float64 { return 100 * s.FailureRate })
	overall.Color, overall.Dashes, overall.Width = colMuted, []vg.Length{vg.Points(4), vg.Points(3)}, vg.Points(1)
	p.Add(overall)
	p.X.Min = 0
	p.X.Max = math.Max(p.X.Max, (bins[len(bins)-1].From + width).Seconds())
	return p, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
