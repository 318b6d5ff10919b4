package report

import (
	"fmt"
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SimilarityHeatmap writes to path a heatmap of the absolute cosine
// similarities between all rows of x (m×d, row-major, labelled by labels),
// with rows and columns sorted by class (stably, so samples keep their order
// within a class). Row 0 is at the top. A colour bar on the right maps
// colours to [0, 1]; thin lines and axis ticks mark the class boundaries,
// and each class is labelled by its label value (when there are at most 20
// classes). An empty title becomes "|cosine similarity|".
//
// If m exceeds [MaxHeatmapRows], each class is subsampled evenly (every
// k-th sample in class order) to its share of MaxHeatmapRows, so the matrix
// has at most MaxHeatmapRows² entries; the title then notes the sample
// count.
//
// It returns an error if d ≤ 0, len(x) is not a positive multiple of d,
// len(labels) ≠ m, or x holds a NaN or infinite value.
func SimilarityHeatmap(path, title string, x []float64, d int, labels []int) error {
	switch {
	case d <= 0:
		return fmt.Errorf("report: heatmap %s: d = %d, want > 0", path, d)
	case len(x) == 0 || len(x)%d != 0:
		return fmt.Errorf("report: heatmap %s: len(x) = %d is not a positive multiple of d = %d", path, len(x), d)
	case len(labels) != len(x)/d:
		return fmt.Errorf("report: heatmap %s: %d labels for %d rows", path, len(labels), len(x)/d)
	}
	if err := checkFinite("x", x); err != nil {
		return fmt.Errorf("report: heatmap %s: %w", path, err)
	}
	m := len(labels)
	order, classes, starts := classOrder(labels)
	order, starts = subsampleByClass(order, starts, MaxHeatmapRows)
	n := len(order)
	if title == "" {
		title = "|cosine similarity|"
	}
	if n < m {
		title = fmt.Sprintf("%s (%d of %d samples)", title, n, m)
	}
	s := similarityMatrix(x, d, order)

	return render(path, heatmapWidth, heatmapHeight, func(dc draw.Canvas) error {
		cmap := moreland.ExtendedBlackBody()
		cmap.SetMin(0)
		cmap.SetMax(1)

		p := newPlot(title, "sample (sorted by class)", "sample (sorted by class)")
		p.X.Padding, p.Y.Padding = 0, 0
		hm := plotter.NewHeatMap(simGrid{s: s, n: n}, cmap.Palette(256))
		hm.Min, hm.Max = 0, 1
		hm.Rasterized = true
		p.Add(hm)

		if len(classes) > 1 && len(classes) <= 100 {
			for _, b := range starts[1 : len(starts)-1] {
				v := float64(b) - 0.5
				for _, seg := range []plotter.XYs{
					{{X: v, Y: -0.5}, {X: v, Y: float64(n) - 0.5}},
					{{X: -0.5, Y: float64(n-1) - v}, {X: float64(n) - 0.5, Y: float64(n-1) - v}},
				} {
					l, err := plotter.NewLine(seg)
					if err != nil {
						return err
					}
					l.Color = color.NRGBA{R: 0x00, G: 0xd0, B: 0xff, A: 0xff}
					l.Width = vg.Points(0.7)
					p.Add(l)
				}
			}
		}
		p.X.Tick.Marker = classTicks(classes, starts, n, false)
		p.Y.Tick.Marker = classTicks(classes, starts, n, true)

		// Leave room for the colour bar on the right, then make the data
		// area square.
		barW := 0.85 * vg.Inch
		hc := draw.Crop(dc, 0, -barW, 0, 0)
		da := p.DataCanvas(hc)
		if dw, dh := da.Max.X-da.Min.X, da.Max.Y-da.Min.Y; dh > dw {
			hc = draw.Crop(hc, 0, 0, (dh-dw)/2, -(dh-dw)/2)
		} else {
			hc = draw.Crop(hc, 0, -(dw - dh), 0, 0)
		}
		da = p.DataCanvas(hc)
		p.Draw(hc)

		// The colour bar, level with the data area.
		bc := da
		bc.Min.X = da.Max.X + vg.Points(14)
		bc.Max.X = bc.Min.X + vg.Points(16)
		drawColorBar(bc, cmap, p.Y.Tick.Label, p.Y.Tick.LineStyle, p.Y.Tick.Length)
		return nil
	})
}

// drawColorBar draws the colour map cmap (on [0, 1]) as a vertical bar
// filling c, framed, with ticks and labels on its right.
func drawColorBar(c draw.Canvas, cmap palette.ColorMap, label text.Style, line draw.LineStyle, tick vg.Length) {
	cb := plot.New()
	cb.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true})
	cb.HideAxes()
	cb.X.Padding, cb.Y.Padding = 0, 0
	cb.Draw(c)

	label.XAlign = draw.XLeft
	label.YAlign = draw.YCenter
	for _, t := range []plot.Tick{
		{Value: 0, Label: "0"}, {Value: 0.25}, {Value: 0.5, Label: "0.5"},
		{Value: 0.75}, {Value: 1, Label: "1"},
	} {
		y := c.Min.Y + vg.Length(t.Value)*(c.Max.Y-c.Min.Y)
		l := tick
		if t.IsMinor() {
			l /= 2
		}
		c.StrokeLine2(line, c.Max.X, y, c.Max.X+l, y)
		if t.Label != "" {
			c.FillText(label, vg.Point{X: c.Max.X + tick + vg.Points(2), Y: y}, t.Label)
		}
	}
	c.StrokeLines(line, []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y},
		{X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Min.Y},
	})
}

// classTicks returns a ticker with minor ticks at the class boundaries and,
// for at most 20 classes, a labelled tick at each class centre. If flip,
// positions are mirrored as for the heatmap's Y axis (row 0 at the top).
func classTicks(classes, starts []int, n int, flip bool) plot.Ticker {
	pos := func(v float64) float64 {
		if flip {
			return float64(n-1) - v
		}
		return v
	}
	var ts plot.ConstantTicks
	for c := range classes {
		lo, hi := starts[c], starts[c+1]
		ts = append(ts, plot.Tick{Value: pos(float64(lo) - 0.5)})
		if len(classes) <= 20 {
			ts = append(ts, plot.Tick{Value: pos(float64(lo+hi-1) / 2), Label: strconv.Itoa(classes[c])})
		}
	}
	ts = append(ts, plot.Tick{Value: pos(float64(n) - 0.5)})
	return ts
}

// simGrid is an n×n similarity matrix as a plotter.GridXYZ, with row 0 of
// the matrix at the top of the plot.
type simGrid struct {
	s []float64
	n int
}

// Dims returns the grid size.
func (g simGrid) Dims() (c, r int) { return g.n, g.n }

// Z returns the similarity of sample c with sample n-1-r.
func (g simGrid) Z(c, r int) float64 { return g.s[(g.n-1-r)*g.n+c] }

// X returns the column coordinate.
func (g simGrid) X(c int) float64 { return float64(c) }

// Y returns the row coordinate.
func (g simGrid) Y(r int) float64 { return float64(r) }
