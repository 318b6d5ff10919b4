package report

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is a named sequence of values: one curve of [Curves], or one group
// of bars of [Bars].
type Series struct {
	// Name is shown in the legend. For [Curves], a name ending in "(test)"
	// is drawn dashed and one ending in "(all shifts)" dotted, in the
	// colour of the series with the same base name (the name without a
	// trailing "(test)", "(all shifts)" or "(train)").
	Name string
	// Y holds one value per x position (Curves) or per label (Bars). For
	// Curves a NaN is a missing value: the line joins the others, and a
	// series of one value is drawn as a point.
	Y []float64
}

// Ref is a horizontal reference line of [CurvesWithRefs], such as the
// closed-form limit of ΔR for perfectly collapsed orthogonal classes.
type Ref struct {
	// Name is shown in the legend. If it starts with the base name of a
	// series followed by a space or nothing (e.g. "ΔR limit" and a series
	// "ΔR (train)"), the line takes that series' colour; otherwise it is
	// grey.
	Name string
	// Y is the level of the line.
	Y float64
}

// Curves writes to path a line plot of each series against x, with a legend
// on the right. An empty xlabel becomes "layer".
//
// Every series must have len(x) values, at least one of them not NaN, and x
// must not be empty; x and the values must be finite or (the values) NaN.
// Otherwise Curves returns an error and writes nothing.
func Curves(path, title, xlabel, ylabel string, x []float64, series ...Series) error {
	return CurvesWithRefs(path, title, xlabel, ylabel, x, series, nil)
}

// CurvesWithRefs is [Curves] with dotted horizontal reference lines, one per
// element of refs, spanning the range of x. Ref levels must be finite.
func CurvesWithRefs(path, title, xlabel, ylabel string, x []float64, series []Series, refs []Ref) error {
	if err := checkCurves(x, series, refs); err != nil {
		return fmt.Errorf("report: curves %s: %w", path, err)
	}
	if xlabel == "" {
		xlabel = "layer"
	}
	return render(path, wideWidth, wideHeight, func(dc draw.Canvas) error {
		p := newPlot(title, xlabel, ylabel)
		p.Add(plotter.NewGrid())
		leg := newLegend()

		xmin, xmax := math.Inf(1), math.Inf(-1)
		for _, v := range x {
			xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
		}

		bases := make(map[string]int) // base name → colour index
		var order []string            // base names in first-seen order
		for _, s := range series {
			base, _ := splitTest(s.Name)
			if _, ok := bases[base]; !ok {
				bases[base] = len(order)
				order = append(order, base)
			}
		}
		width := vg.Points(1.5)
		if len(x) > 500 {
			width = vg.Points(1.2)
		}
		for _, s := range series {
			base, test := splitTest(s.Name)
			var pts plotter.XYs
			for i := range x {
				if !math.IsNaN(s.Y[i]) {
					pts = append(pts, plotter.XY{X: x[i], Y: s.Y[i]})
				}
			}
			if len(pts) == 1 { // one value: a point, which a line would not show
				sc, err := plotter.NewScatter(pts)
				if err != nil {
					return err
				}
				sc.GlyphStyle.Color = seriesColor(bases[base])
				sc.GlyphStyle.Radius = vg.Points(3)
				p.Add(sc)
				leg.Add(s.Name, sc)
				continue
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return err
			}
			l.Color = seriesColor(bases[base])
			l.Width = width
			switch {
			case test:
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			case strings.HasSuffix(strings.TrimSpace(s.Name), "(all shifts)"):
				l.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2)}
			}
			p.Add(l)
			leg.Add(s.Name, l)
		}
		for _, r := range refs {
			l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: r.Y}, {X: xmax, Y: r.Y}})
			if err != nil {
				return err
			}
			l.Color = seriesColor(7) // grey
			if i, ok := refColor(r.Name, order); ok {
				l.Color = seriesColor(i)
			}
			l.Width = vg.Points(1.2)
			l.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
			p.Add(l)
			leg.Add(r.Name, l)
		}
		pc := legendRight(dc, leg, len(series)+len(refs), titleHeight(p))
		p.Draw(pc)
		return nil
	})
}

// checkCurves validates the inputs of CurvesWithRefs.
func checkCurves(x []float64, series []Series, refs []Ref) error {
	if len(x) == 0 {
		return errors.New("no x values")
	}
	if len(series) == 0 && len(refs) == 0 {
		return errors.New("nothing to plot")
	}
	if err := checkFinite("x", x); err != nil {
		return err
	}
	for i, s := range series {
		if len(s.Y) != len(x) {
			return fmt.Errorf("series %d (%q) has %d values, want len(x) = %d", i, s.Name, len(s.Y), len(x))
		}
		finite := 0
		for _, v := range s.Y {
			if math.IsInf(v, 0) {
				return fmt.Errorf("series %q: %v: %w", s.Name, v, errNonFinite)
			}
			if !math.IsNaN(v) {
				finite++
			}
		}
		if finite == 0 {
			return fmt.Errorf("series %q has no values", s.Name)
		}
	}
	for _, r := range refs {
		if math.IsNaN(r.Y) || math.IsInf(r.Y, 0) {
			return fmt.Errorf("reference %q = %v: %w", r.Name, r.Y, errNonFinite)
		}
	}
	return nil
}

// splitTest returns the base name of a series (without a trailing "(test)"
// or "(train)") and whether it is a test series.
func splitTest(name string) (base string, test bool) {
	t := strings.TrimSpace(name)
	if b, ok := strings.CutSuffix(t, "(test)"); ok {
		return strings.TrimSpace(b), true
	}
	if b, ok := strings.CutSuffix(t, "(train)"); ok {
		return strings.TrimSpace(b), false
	}
	if b, ok := strings.CutSuffix(t, "(all shifts)"); ok {
		return strings.TrimSpace(b), false
	}
	return t, false
}

// refColor returns the colour index of the longest base name in order that
// prefixes name as a whole word.
func refColor(name string, order []string) (int, bool) {
	best, bestLen := -1, 0
	for i, b := range order {
		if b == "" || len(b) <= bestLen {
			continue
		}
		if rest, ok := strings.CutPrefix(name, b); ok && (rest == "" || rest[0] == ' ') {
			best, bestLen = i, len(b)
		}
	}
	return best, best >= 0
}
