package report

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/redunet-go/redunet/internal/atomicfile"
)

// dpi is the resolution of every figure.
const dpi = 100

// margin is the blank border of every figure, in points.
const margin = 5

// Figure sizes.
const (
	wideWidth     = 6 * vg.Inch // curves, histograms, bars
	wideHeight    = 4 * vg.Inch
	heatmapWidth  = 6 * vg.Inch
	heatmapHeight = 6 * vg.Inch
)

// render draws a figure of size w×h with fn and writes it to path as a PNG,
// atomically. A panic raised while drawing (gonum/plot panics on some
// degenerate inputs) is returned as an error.
func render(path string, w, h vg.Length, fn func(dc draw.Canvas) error) error {
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		m := vg.Points(margin)
		return fn(draw.Crop(draw.New(c), m, -m, m, -m))
	}()
	if err != nil {
		return fmt.Errorf("report: render %s: %w", path, err)
	}
	if err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// writeAtomic writes the output of wt to path through a temporary file in
// the same directory, synced and renamed over path. On any error the

// errEmpty reports an empty data set.
var errEmpty = errors.New("no values")

// errNonFinite reports a NaN or infinite input value.
var errNonFinite = errors.New("NaN or infinite value")

// checkFinite returns an error naming what if any value of v is NaN or ±Inf.
func checkFinite(what string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] = %v: %w", what, i, x, errNonFinite)
		}
	}
	return nil
}

// seriesColor returns the i-th colour of a qualitative palette (Tableau 10),
// cycling when i exceeds its length.
func seriesColor(i int) color.RGBA {
	pal := [...]color.RGBA{
		{0x1f, 0x77, 0xb4, 0xff}, // blue
		{0xff, 0x7f, 0x0e, 0xff}, // orange
		{0x2c, 0xa0, 0x2c, 0xff}, // green
		{0xd6, 0x27, 0x28, 0xff}, // red
		{0x94, 0x67, 0xbd, 0xff}, // purple
		{0x8c, 0x56, 0x4b, 0xff}, // brown
		{0xe3, 0x77, 0xc2, 0xff}, // pink
		{0x7f, 0x7f, 0x7f, 0xff}, // grey
		{0xbc, 0xbd, 0x22, 0xff}, // olive
		{0x17, 0xbe, 0xcf, 0xff}, // cyan
	}
	return pal[i%len(pal)]
}

// withAlpha returns c with its alpha set to a (non-premultiplied).
func withAlpha(c color.RGBA, a uint8) color.NRGBA {
	return color.NRGBA{R: c.R, G: c.G, B: c.B, A: a}
}

// legendRight draws leg in a strip on the right of dc, as wide as its
// longest entry but at most 40 % of the canvas, and returns the rest of dc
// for the plot. The legend's first entry is level with top, an offset from
// the top of dc. An empty legend takes no room.
func legendRight(dc draw.Canvas, leg plot.Legend, n int, top vg.Length) draw.Canvas {
	if n == 0 {
		return dc
	}
	leg.Top = true
	leg.Left = true
	r := leg.Rectangle(dc)
	pad := vg.Points(8)
	w := r.Max.X - r.Min.X + 2*pad
	if lim := 0.4 * (dc.Max.X - dc.Min.X); w > lim {
		w = lim
	}
	strip := draw.Crop(dc, dc.Max.X-dc.Min.X-w, 0, 0, -top)
	strip.Min.X += pad
	leg.Draw(strip)
	return draw.Crop(dc, 0, -w, 0, 0)
}

// newLegend returns a legend with the package's text size.
func newLegend() plot.Legend {
	leg := plot.NewLegend()
	leg.TextStyle.Font.Size = vg.Points(10)
	leg.Padding = vg.Points(2)
	return leg
}

// newPlot returns a plot with the given title and axis labels.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	return p
}

// titleHeight returns the vertical room taken by p's title, so that a
// legend can start level with the plotting area.
func titleHeight(p *plot.Plot) vg.Length {
	if p.Title.Text == "" {
		return 0
	}
	return p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
}
