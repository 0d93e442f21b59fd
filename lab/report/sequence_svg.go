package report

import (
	"bytes"
	"fmt"
	"image/color"
	"net/http"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/stickylab/stickylab/lab/replay"
)

// Layout of a sequence diagram, in points.
const (
	seqColumn = 112 // between two lifelines
	seqMargin = 64  // left and right of the outer lifelines
	seqHead   = 34  // participant boxes
	seqRow    = 17  // one arrow
	seqNote   = 11  // one line of a note
)

var (
	colInk   = color.Gray{Y: 40}
	colLife  = color.Gray{Y: 170}
	colBox   = color.RGBA{R: 232, G: 240, B: 250, A: 255}
	colBad   = color.RGBA{R: 190, G: 40, B: 0, A: 255}
	colMuted = color.Gray{Y: 100}
)

// participant is a lifeline of the diagram.
type participant struct{ id, label string }

// SequenceSVG draws one run as a sequence diagram (client → edge →
// datacenter LB → instance), the same content as Sequence's Mermaid text:
// reasons on the arrows, the answers, Set-Cookie notes with re-issued
// cookies and failures in red. It uses gonum's vector canvas.
func SequenceSVG(run replay.Run) ([]byte, error) {
	parts := []participant{{"client", "client"}, {"edge", "edge"}}
	col := map[string]int{"client": 0, "edge": 1}
	add := func(id, label string) {
		if _, ok := col[id]; !ok {
			col[id] = len(parts)
			parts = append(parts, participant{id, label})
		}
	}
	rows, notes := 0, 0
	for _, h := range run.Hops {
		if h.Datacenter != "" {
			add("lb:"+h.Datacenter, h.Datacenter+" LB")
		}
		if h.Instance != "" {
			add("app:"+h.Instance, h.Instance)
		}
		rows += 2
		notes += len(hopNotes(h))
		if h.Datacenter != "" {
			rows++
		}
		if h.Instance != "" {
			rows++
		}
	}
	width := vg.Length(2*seqMargin + (len(parts)-1)*seqColumn)
	height := vg.Length(seqHead + 16 + rows*seqRow + notes*seqNote)
	svg := vgsvg.New(width, height)
	c := draw.New(svg)
	d := seqDrawer{c: c, top: height}
	x := func(id string) vg.Length { return vg.Length(seqMargin + col[id]*seqColumn) }

	for _, p := range parts {
		px := x(p.id)
		c.FillPolygon(colBox, rect(px-48, height-26, px+48, height-6))
		c.StrokeLines(draw.LineStyle{Color: colInk, Width: 0.6}, append(rect(px-48, height-26, px+48, height-6), vg.Point{X: px - 48, Y: height - 26}))
		d.text(p.label, px, height-19, 9, colInk, draw.XCenter)
		c.StrokeLine2(draw.LineStyle{Color: colLife, Width: 0.6, Dashes: []vg.Length{3, 2}}, px, height-26, px, 4)
	}
	y := height - seqHead - 8
	for _, h := range run.Hops {
		d.arrow(x("client"), x("edge"), y, h.Method+" "+pathOf(h.URL), false, colInk)
		y -= seqRow
		last := x("edge")
		if h.Datacenter != "" {
			lb := x("lb:" + h.Datacenter)
			d.arrow(last, lb, y, reason("", h.EdgeReason), false, colMuted)
			y -= seqRow
			last = lb
			if h.Instance != "" {
				app := x("app:" + h.Instance)
				d.arrow(lb, app, y, reason("", h.LBReason), false, colMuted)
				y -= seqRow
				last = app
			}
		}
		answer := fmt.Sprintf("%d %s", h.Status, http.StatusText(h.Status))
		var ink color.Color = colInk
		switch {
		case h.Err != "":
			answer, ink = "error: "+shorten(h.Err, 50), colBad
		case h.Location != "":
			answer = fmt.Sprintf("%d → %s", h.Status, pathOf(h.Location))
		}
		if h.Failure != "" || h.Status >= 500 {
			ink = colBad
		}
		d.arrow(last, x("client"), y, answer, true, ink)
		y -= seqRow
		for _, n := range hopNotes(h) {
			var ink color.Color = colMuted
			if n.bad {
				ink = colBad
			}
			d.note(n.text, x("client")+6, y+seqRow-seqNote, ink)
			y -= seqNote
		}
		y -= seqRow - seqNote
	}
	var buf bytes.Buffer
	if _, err := svg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("sequence diagram of run %d: %w", run.Index, err)
	}
	return buf.Bytes(), nil
}

type note struct {
	text string
	bad  bool
}

// hopNotes are the Set-Cookie lines (re-issued ones marked) and the failure.
func hopNotes(h replay.Hop) []note {
	var notes []note
	for _, c := range (&http.Response{Header: h.ResponseHeader}).Cookies() {
		n := note{text: "Set-Cookie " + c.Name + "=" + shorten(c.Value, 14)}
		for _, r := range h.Reissued {
			if r == c.Name {
				n.text += "   ← re-issued: a new value"
				n.bad = true
			}
		}
		notes = append(notes, n)
	}
	if h.Failure != "" {
		notes = append(notes, note{text: "X-Stickylab-Failure: " + h.Failure, bad: true})
	}
	return notes
}

type seqDrawer struct {
	c   draw.Canvas
	top vg.Length
}

func (d seqDrawer) text(s string, x, y vg.Length, size float64, ink color.Color, align text.XAlignment) {
	sty := draw.TextStyle{Color: ink, Font: font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, vg.Length(size)),
		Handler: plot.DefaultTextHandler, XAlign: align}
	d.c.FillText(sty, vg.Point{X: x, Y: y}, s)
}

// note writes one line of a note on a white ground, over the lifelines.
func (d seqDrawer) note(s string, x, y vg.Length, ink color.Color) {
	sty := draw.TextStyle{Font: font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 7.5), Handler: plot.DefaultTextHandler}
	d.c.FillPolygon(color.White, rect(x-2, y-2, x+sty.Width(s)+2, y+7.5))
	d.text(s, x, y, 7.5, ink, draw.XLeft)
}

// arrow draws from x0 to x1 at height y with label above it; dashed for answers.
func (d seqDrawer) arrow(x0, x1, y vg.Length, label string, dashed bool, ink color.Color) {
	sty := draw.LineStyle{Color: ink, Width: 0.9}
	if dashed {
		sty.Dashes = []vg.Length{4, 2}
	}
	d.c.StrokeLine2(sty, x0, y, x1, y)
	dir := vg.Length(1)
	if x1 < x0 {
		dir = -1
	}
	d.c.FillPolygon(ink, []vg.Point{{X: x1, Y: y}, {X: x1 - dir*6, Y: y + 2.5}, {X: x1 - dir*6, Y: y - 2.5}})
	d.text(label, (x0+x1)/2, y+3, 8, ink, draw.XCenter)
}

func rect(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}
