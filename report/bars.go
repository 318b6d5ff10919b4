package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bars writes to path a grouped bar chart of values in [0, 1], such as
// accuracies: one cluster of bars per label, one bar per group in each
// cluster, in the group's colour, with a legend of the group names. When
// there are at most 24 bars each is annotated with its value. The Y axis
// is labelled "accuracy"; an empty title draws none.
//
// A NaN value means "no value" (a classifier that does not apply to that
// label, say): its bar is not drawn, and its slot in the cluster stays
// empty. Every group must have len(labels) values, each NaN or in [0, 1];
// otherwise, or if labels or groups is empty, Bars returns an error.
func Bars(path, title string, labels []string, groups []Series) error {
	if err := checkBars(labels, groups); err != nil {
		return fmt.Errorf("report: bars %s: %w", path, err)
	}
	return render(path, wideWidth, wideHeight, func(dc draw.Canvas) error {
		p := newPlot(title, "", "accuracy")
		p.Add(&gridLinesY{})
		p.NominalX(labels...)
		p.X.Tick.Label.Font.Size = vg.Points(10)
		p.Y.Min, p.Y.Max = 0, 1.08
		p.Y.Tick.Marker = plot.ConstantTicks{
			{Value: 0, Label: "0"}, {Value: 0.2, Label: "0.2"}, {Value: 0.4, Label: "0.4"},
			{Value: 0.6, Label: "0.6"}, {Value: 0.8, Label: "0.8"}, {Value: 1, Label: "1"},
		}
		leg := newLegend()
		const cluster = 0.8 // fraction of a label slot taken by its bars
		w := cluster / float64(len(groups))
		for gi, g := range groups {
			b := &bars{
				x0:       -cluster/2 + (float64(gi)+0.5)*w,
				width:    w * 0.92,
				y:        g.Y,
				fill:     seriesColor(gi),
				annotate: len(groups)*len(labels) <= 24,
			}
			p.Add(b)
			leg.Add(g.Name, b)
		}
		p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
		p.Draw(legendRight(dc, leg, len(groups), titleHeight(p)))
		return nil
	})
}

// checkBars validates the inputs of Bars.
func checkBars(labels []string, groups []Series) error {
	if len(labels) == 0 || len(groups) == 0 {
		return errors.New("no labels or no groups")
	}
	for i, g := range groups {
		if len(g.Y) != len(labels) {
			return fmt.Errorf("group %d (%q) has %d values, want len(labels) = %d", i, g.Name, len(g.Y), len(labels))
		}
		for j, v := range g.Y {
			if math.IsNaN(v) {
				continue
			}
			if v < 0 || v > 1 {
				return fmt.Errorf("group %q value %d = %v outside [0, 1]", g.Name, j, v)
			}
		}
	}
	return nil
}

// bars draws one group of a grouped bar chart: bar j is centred at
// j + x0 in data coordinates.
type bars struct {
	x0, width float64
	y         []float64
	fill      color.Color
	annotate  bool
}

// Plot implements plot.Plotter.
func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := p.X.Tick.Label
	sty.Font.Size = vg.Points(7)
	sty.XAlign = draw.XCenter
	sty.YAlign = draw.YBottom
	for j, v := range b.y {
		if math.IsNaN(v) {
			continue // no value: no bar
		}
		xc := float64(j) + b.x0
		x0, x1 := trX(xc-b.width/2), trX(xc+b.width/2)
		y0, y1 := trY(0), trY(v)
		c.FillPolygon(b.fill, c.ClipPolygonXY([]vg.Point{
			{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0},
		}))
		if b.annotate {
			c.FillText(sty, vg.Point{X: trX(xc), Y: y1 + vg.Points(2)}, strconv.FormatFloat(v, 'f', 2, 64))
		}
	}
}

// DataRange implements plot.DataRanger.
func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	return b.x0 - b.width/2, float64(len(b.y)-1) + b.x0 + b.width/2, 0, 1
}

// Thumbnail implements plot.Thumbnailer.
func (b *bars) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(b.fill, c.ClipPolygonY([]vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y},
		{X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y},
	}))
}

// gridLinesY draws light horizontal lines at the major Y ticks.
type gridLinesY struct{}

// Plot implements plot.Plotter.
func (gridLinesY) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.Gray{Y: 0xdd}, Width: vg.Points(0.5)}
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.IsMinor() {
			continue
		}
		y := trY(t.Value)
		c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
	}
}
