package report

import (
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// barChart draws one bar per key, in key order; colour picks each bar's
// colour from its key (nil: one colour per bar from the palette).
func barChart(title, ylabel string, counts map[string]int, colour func(string) color.Color) (*plot.Plot, error) {
	p := newPlot(title, "", ylabel)
	keys := sortedKeys(counts)
	if len(keys) == 0 {
		keys = []string{"none"}
	}
	p.NominalX(keys...)
	top := 0
	for _, k := range keys {
		top = max(top, counts[k])
	}
	p.Y.Min, p.Y.Max = 0, 1.1*float64(max(top, 1))
	p.X.Min, p.X.Max = -0.6, float64(len(keys))-0.4
	w := vg.Points(min(60, 360/float64(len(keys))))
	for i, k := range keys {
		// One BarChart per bar, offset to its slot, so that each gets its colour.
		vals := make(plotter.Values, len(keys))
		vals[i] = float64(counts[k])
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		b.LineStyle.Width = 0
		b.Color = palette[i%len(palette)]
		if colour != nil {
			b.Color = colour(k)
		}
		p.Add(b)
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	p.Add(grid)
	return p, nil
}

// datacenterColours gives each datacenter a palette colour (in name order)
// and each instance (dc-east-1) the colour of its datacenter (dc-east).
func datacenterColours(datacenters []string) func(string) color.Color {
	return func(name string) color.Color {
		for i, dc := range datacenters {
			if name == dc || strings.HasPrefix(name, dc+"-") {
				return palette[i%len(palette)]
			}
		}
		return colMuted
	}
}
