package dashboard

import (
	"bytes"
	"image/color"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stickylab/stickylab/lab/stats"
)

// The chart shows the last chartWindow, in bins of binWidth, as the HTML
// reports do (lab/report): dots for the failure rate of the runs that
// started in each bin, a shaded 95 % Wilson band, and a dashed line at
// every control that changed the lab.
const (
	chartWindow = 3 * time.Minute
	binWidth    = 2 * time.Second
)

// The report's colours (Okabe–Ito, colour-blind safe).
var (
	colFail  = color.RGBA{R: 213, G: 94, B: 0, A: 255}
	colBand  = color.NRGBA{R: 213, G: 94, B: 0, A: 60}
	colMark  = color.RGBA{R: 0, G: 114, B: 178, A: 255}
	colMuted = color.RGBA{R: 120, G: 120, B: 120, A: 255}
)

type bin struct {
	mid            float64 // seconds since the dashboard started
	runs, failures int
}

// bins groups the points of the window ending at now by binWidth.
func bins(v view, now time.Time) []bin {
	from := now.Add(-chartWindow)
	if from.Before(v.Start) {
		from = v.Start
	}
	byIndex := map[int]*bin{}
	var order []int
	for _, p := range v.Points {
		if p.Start.Before(from) {
			continue
		}
		i := int(p.Start.Sub(v.Start) / binWidth)
		b, ok := byIndex[i]
		if !ok {
			b = &bin{mid: (time.Duration(i)*binWidth + binWidth/2).Seconds()}
			byIndex[i] = b
			order = append(order, i)
		}
		b.runs++
		if !p.OK {
			b.failures++
		}
	}
	out := make([]bin, 0, len(order))
	slices.Sort(order)
	for _, i := range order {
		out = append(out, *byIndex[i])
	}
	return out
}

// rateChart draws the failure rate over time as inline SVG.
func rateChart(v view, now time.Time) (string, error) {
	p := plot.New()
	p.Title.Text = "Failure rate over time (95 % confidence band)"
	p.X.Label.Text, p.Y.Label.Text = "seconds since the dashboard started", "failed runs (%)"
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font} {
		f.Variant = "Sans"
	}
	p.Y.Min, p.Y.Max = 0, 105
	end := now.Sub(v.Start).Seconds()
	p.X.Min, p.X.Max = max(0, end-chartWindow.Seconds()), max(end, 10)
	bs := bins(v, now)
	if len(bs) > 1 {
		band := make(plotter.XYs, 0, 2*len(bs))
		for _, b := range bs {
			_, hi := stats.Wilson(b.failures, b.runs, 0.95)
			band = append(band, plotter.XY{X: b.mid, Y: 100 * hi})
		}
		for i := len(bs) - 1; i >= 0; i-- {
			lo, _ := stats.Wilson(bs[i].failures, bs[i].runs, 0.95)
			band = append(band, plotter.XY{X: bs[i].mid, Y: 100 * lo})
		}
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return "", err
		}
		poly.Color, poly.LineStyle.Width = colBand, 0
		p.Add(poly)
	}
	if len(bs) > 0 {
		line := make(plotter.XYs, len(bs))
		for i, b := range bs {
			line[i] = plotter.XY{X: b.mid, Y: 100 * ratio(b.failures, b.runs)}
		}
		l, pts, err := plotter.NewLinePoints(line)
		if err != nil {
			return "", err
		}
		l.Color, l.Width = colFail, vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = colFail, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(l, pts)
	}
	if err := addMarks(p, v); err != nil {
		return "", err
	}
	p.Add(plotter.NewGrid())
	return render(p)
}

// addMarks draws each control that changed the lab as a dashed line with
// its label at the top.
func addMarks(p *plot.Plot, v view) error {
	var at plotter.XYs
	var labels []string
	for _, m := range v.Marks {
		x := m.At.Sub(v.Start).Seconds()
		if x < p.X.Min {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: 100}})
		if err != nil {
			return err
		}
		l.Color, l.Dashes, l.Width = colMark, []vg.Length{vg.Points(4), vg.Points(3)}, vg.Points(1)
		p.Add(l)
		at = append(at, plotter.XY{X: x, Y: 101})
		labels = append(labels, " "+m.Label)
	}
	if len(at) == 0 {
		return nil
	}
	ls, err := plotter.NewLabels(plotter.XYLabels{XYs: at, Labels: labels})
	if err != nil {
		return err
	}
	for i := range ls.TextStyle {
		ls.TextStyle[i].Color = colMark
		ls.TextStyle[i].Font.Variant = "Sans"
		ls.TextStyle[i].Font.Size = vg.Points(9)
	}
	p.Add(ls)
	return nil
}

func render(p *plot.Plot) (string, error) {
	wt, err := p.WriterTo(18*vg.Centimeter, 8*vg.Centimeter, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	s := buf.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return s, nil
}
