package report

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"

	"github.com/stickylab/stickylab/lab/replay"
)

// Chart is one picture of a replay as a standalone SVG document.
type Chart struct {
	Name  string // file-name friendly: failure-rate, datacenters, instances, failure-classes
	Title string // alt text and caption
	SVG   []byte
}

// Inline is the SVG without its XML prelude, to put inside an HTML page.
func (c Chart) Inline() string {
	s := string(c.SVG)
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return s
}

// Colours of the charts (colour-blind safe: Okabe–Ito).
var (
	colFail = color.RGBA{R: 213, G: 94, B: 0, A: 255}
	colBand = color.NRGBA{R: 213, G: 94, B: 0, A: 60} // not premultiplied: RGBA would need R <= A
	palette = []color.Color{
		color.RGBA{R: 0, G: 114, B: 178, A: 255}, color.RGBA{R: 230, G: 159, B: 0, A: 255},
		color.RGBA{R: 0, G: 158, B: 115, A: 255}, color.RGBA{R: 204, G: 121, B: 167, A: 255},
		color.RGBA{R: 86, G: 180, B: 233, A: 255}, color.RGBA{R: 240, G: 228, B: 66, A: 255},
	}
)

// Charts draws the pictures of a replay with gonum's plot: the failure rate
// over time, requests per datacenter and per instance, and the failure
// classes (omitted when nothing failed). A nil or empty result has none.
func Charts(res *replay.Result) ([]Chart, error) {
	if res == nil || len(res.Runs) == 0 {
		return nil, nil
	}
	s := res.Summary()
	dcColour := datacenterColours(sortedKeys(s.Datacenters))
	type draw struct {
		name, title string
		build       func() (*plot.Plot, error)
	}
	draws := []draw{
		{"failure-rate", "Failure rate of the runs started in each slice of time (dots), its 95 % confidence band (shaded) and the whole run's rate (dashed)", func() (*plot.Plot, error) { return rateChart(res) }},
		{"datacenters", "Requests per datacenter", func() (*plot.Plot, error) {
			return barChart("Requests per datacenter", "requests", s.Datacenters, dcColour)
		}},
		{"instances", "Requests per instance", func() (*plot.Plot, error) {
			return barChart("Requests per instance", "requests", s.Instances, dcColour)
		}},
	}
	if len(s.Causes) > 0 {
		draws = append(draws, draw{"failure-classes", "Failed runs per failure class", func() (*plot.Plot, error) {
			return barChart("Failed runs per failure class", "runs", s.Causes, func(string) color.Color { return colFail })
		}})
	}
	var charts []Chart
	for _, d := range draws {
		p, err := d.build()
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", d.name, err)
		}
		svg, err := render(p, 16*vg.Centimeter, 8*vg.Centimeter)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", d.name, err)
		}
		charts = append(charts, Chart{Name: d.name, Title: d.title, SVG: svg})
	}
	return charts, nil
}

// newPlot is a plot with sans-serif text, which reads better on screens.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, x, y
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		f.Variant = "Sans"
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	return p
}

func render(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	wt, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
