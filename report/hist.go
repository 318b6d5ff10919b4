package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HistBins is the number of bins of [SimilarityHistogram].
const HistBins = 50

// HistGroup is a named group of values for [SimilarityHistogram].
type HistGroup struct {
	// Name is shown in the legend, followed by the number of values.
	Name string
	// Values are the samples, normally similarities in [0, 1].
	Values []float64
}

// SimilarityHistogram writes to path overlaid density histograms of the
// groups, each normalised to unit area, with [HistBins] bins on [0, 1] (or
// on the range of the values if any falls outside [0, 1]). Each group is a
// semi-transparent filled step outline in its own colour, listed in the
// legend with its number of values. An empty title becomes
// "similarity histogram".
//
// It returns an error if there are no groups, all groups are empty, or any
// value is NaN or infinite. An empty group is listed in the legend but
// draws nothing.
func SimilarityHistogram(path, title string, groups ...HistGroup) error {
	lo, hi, err := histRange(groups)
	if err != nil {
		return fmt.Errorf("report: histogram %s: %w", path, err)
	}
	if title == "" {
		title = "similarity histogram"
	}
	return render(path, wideWidth, wideHeight, func(dc draw.Canvas) error {
		p := newPlot(title, "|cosine similarity|", "density")
		p.X.Min, p.X.Max = lo, hi
		p.Y.Min = 0
		leg := newLegend()
		ymax := 0.0
		for i, g := range groups {
			h := &stepHist{
				lo:      lo,
				hi:      hi,
				density: density(g.Values, lo, hi, HistBins),
				line: draw.LineStyle{
					Color: seriesColor(i),
					Width: vg.Points(1.3),
				},
				fill: withAlpha(seriesColor(i), 0x50),
			}
			if len(g.Values) > 0 {
				p.Add(h)
				_, _, _, top := h.DataRange()
				ymax = math.Max(ymax, top)
			}
			leg.Add(fmt.Sprintf("%s (n=%d)", g.Name, len(g.Values)), h)
		}
		p.Y.Max = 1.05 * ymax // headroom above the highest bin
		// The legend goes inside, top right, where similarity histograms
		// rarely reach, so the plot keeps the whole width for its title.
		p.Legend = leg
		p.Legend.Top = true
		p.Draw(dc)
		return nil
	})
}

// histRange validates groups and returns the histogram range: [0, 1] unless
// a value falls outside it, else the range of all values.
func histRange(groups []HistGroup) (lo, hi float64, err error) {
	if len(groups) == 0 {
		return 0, 0, fmt.Errorf("no groups: %w", errEmpty)
	}
	lo, hi = 0, 1
	n := 0
	for _, g := range groups {
		if err := checkFinite(fmt.Sprintf("group %q", g.Name), g.Values); err != nil {
			return 0, 0, err
		}
		for _, v := range g.Values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		n += len(g.Values)
	}
	if n == 0 {
		return 0, 0, fmt.Errorf("all groups empty: %w", errEmpty)
	}
	return lo, hi, nil
}

// density returns the normalised histogram of v with n equal bins on
// [lo, hi] (the last bin closed): count/(len(v)·width).
func density(v []float64, lo, hi float64, n int) []float64 {
	h := make([]float64, n)
	if len(v) == 0 {
		return h
	}
	w := (hi - lo) / float64(n)
	for _, x := range v {
		b := int((x - lo) / w)
		h[min(max(b, 0), n-1)]++
	}
	for i := range h {
		h[i] /= float64(len(v)) * w
	}
	return h
}

// stepHist draws a density histogram as a filled step outline.
type stepHist struct {
	lo, hi  float64
	density []float64
	line    draw.LineStyle
	fill    color.Color
}

// outline returns the step outline of h in data coordinates, from
// (lo, 0) to (hi, 0).
func (h *stepHist) outline() [][2]float64 {
	n := len(h.density)
	w := (h.hi - h.lo) / float64(n)
	pts := make([][2]float64, 0, 2*n+2)
	pts = append(pts, [2]float64{h.lo, 0})
	for i, d := range h.density {
		x0 := h.lo + float64(i)*w
		pts = append(pts, [2]float64{x0, d}, [2]float64{x0 + w, d})
	}
	return append(pts, [2]float64{h.hi, 0})
}

// Plot implements plot.Plotter.
func (h *stepHist) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var pts []vg.Point
	for _, q := range h.outline() {
		pts = append(pts, vg.Point{X: trX(q[0]), Y: trY(q[1])})
	}
	c.FillPolygon(h.fill, c.ClipPolygonXY(pts))
	c.StrokeLines(h.line, c.ClipLinesXY(pts)...)
}

// DataRange implements plot.DataRanger.
func (h *stepHist) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymax = 0
	for _, d := range h.density {
		ymax = math.Max(ymax, d)
	}
	return h.lo, h.hi, 0, ymax
}

// Thumbnail implements plot.Thumbnailer: a filled box with the outline
// colour.
func (h *stepHist) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y},
		{X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y},
	}
	c.FillPolygon(h.fill, c.ClipPolygonY(pts))
	c.StrokeLines(h.line, append(pts, pts[0]))
}
