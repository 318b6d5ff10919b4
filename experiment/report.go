package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/redunet-go/redunet/internal/atomicfile"
	"github.com/redunet-go/redunet/redunet"
	"github.com/redunet-go/redunet/report"
)

// Report is the report of a run: what results.json holds and report.md
// shows.
//
// Accuracy lists the cells the protocol produced and no others: a cell that
// does not apply (Own on the raw input, the shifts* protocol of a vector
// net) is absent rather than written as a placeholder, and every value is a
// finite accuracy in [0, 1], so results.json is valid JSON. report.md
// shows an absent cell as "–", and the accuracy figure draws no bar for it.
type Report struct {
	Config Config `json:"config"`
	// Scale is Paper, Small, or "custom" for a configuration of one's own.
	Scale string `json:"scale"`
	// Data is the data source.
	Data     string        `json:"data"`
	Input    redunet.Rates `json:"input_rates"`
	Layers   []Layer       `json:"layers"`
	Accuracy []Accuracy    `json:"accuracy"`
	// Figures are the file names of the figures, in the report's directory.
	Figures []string `json:"figures"`
	// Seconds are the times of the steps, by name.
	Seconds map[string]float64 `json:"seconds"`
	// Samples are the numbers of samples of every set, by name.
	Samples map[string]int `json:"samples"`
	// Workers is the number of goroutines asked for (0: all cores).
	Workers int `json:"workers"`
}

// errWriter writes formatted text to w until the first error, which it
// keeps.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// WriteReport writes the report as Markdown (report.md): the configuration,
// the accuracy table (one row per classifier of Classifiers, one column per
// set and input, "–" where there is no cell), the rates of the input and of
// the first, middle and last layer with the closed-form limits if any, the
// figures and the timings. It returns the first error of w.
func WriteReport(w io.Writer, r *Report) error {
	e := &errWriter{w: w}
	c := r.Config
	e.printf("# %s (%s scale)\n\n%s.\n\n", c.Name, r.Scale, c.Description)
	if claim := Claim(r.Accuracy, r.Samples[ShiftsSet]); claim != "" {
		e.printf("**Shift invariance.** %s\n\n", claim)
	}
	e.printf("## Configuration\n\n| | |\n|---|---|\n")
	e.printf("| data | %s |\n| architecture | %s |\n", r.Data, c.Arch)
	if c.Classes != "" {
		e.printf("| classes | %s |\n", c.Classes)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Samples)) {
		e.printf("| %s samples | %d |\n", k, r.Samples[k])
	}
	if c.Arch != Vector {
		if c.Lift == "gaussian" {
			e.printf("| lift | Gaussian, → %d channels, kernel %d |\n", c.Channels, c.Kernel)
		}
		if c.Radii > 0 && strings.HasPrefix(c.Data, "mnist") {
			e.printf("| polar transform | %d radii × %d angles |\n", c.Radii, c.Angles)
		}
	}
	e.printf("| layers | %d |\n| η | %g |\n| ε² | %g |\n| λ | %g |\n| nearest-subspace rank | %d |\n\n", c.Layers, c.Eta, c.EpsSq, c.Lambda, c.Rank)

	e.printf("## Accuracy\n\n")
	cols, vals := Table(r.Accuracy)
	e.printf("| classifier | %s |\n|---|%s\n", strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
	for _, name := range Classifiers() {
		e.printf("| %s |", name)
		for _, v := range vals[name] {
			if math.IsNaN(v) {
				e.printf(" – |")
			} else {
				e.printf(" %.4f |", v)
			}
		}
		e.printf("\n")
	}
	if _, ok := r.Samples[ShiftsSet]; ok {
		e.printf("\n*shifts*: the all-shifts test set, against classifiers fit on the unshifted training samples; *shifts\\**: against classifiers fit on every training sample at every shift.\n")
	}
	e.printf("\n## Rates (true labels, nats)\n\n| | ΔR | R | Rc |\n|---|---|---|---|\n")
	e.printf("| input | %.6f | %.6f | %.6f |\n", r.Input.DeltaR, r.Input.R, r.Input.Rc)
	if n := len(r.Layers); n > 0 {
		last := -1
		for _, i := range []int{0, n/2 - 1, n - 1} {
			if i <= last {
				continue
			}
			last = i
			l := r.Layers[i]
			e.printf("| layer %d | %.6f | %.6f | %.6f |\n", l.Layer, l.True.DeltaR, l.True.R, l.True.Rc)
		}
	}
	for _, l := range c.Limits {
		// The limits are named "R limit …", "Rc limit …", "ΔR limit".
		cols := [3]string{}
		switch {
		case strings.HasPrefix(l.Name, "ΔR"):
			cols[0] = fmt.Sprintf("%.4f", l.Y)
		case strings.HasPrefix(l.Name, "Rc"):
			cols[2] = fmt.Sprintf("%.4f", l.Y)
		default:
			cols[1] = fmt.Sprintf("%.4f", l.Y)
		}
		e.printf("| closed-form limit (%s) | %s | %s | %s |\n", l.Name, cols[0], cols[1], cols[2])
	}
	e.printf("\n## Figures\n\n")
	for _, f := range r.Figures {
		e.printf("![%s](%s)\n\n", f, f)
	}
	e.printf("## Timings (seconds)\n\n")
	for _, k := range slices.Sorted(maps.Keys(r.Seconds)) {
		e.printf("- %s: %.1f\n", k, r.Seconds[k])
	}
	return e.err
}

// WriteResults writes the report as indented JSON (results.json). It
// returns the first error of w.
func WriteResults(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Figures draws the figures of a run into dir (which must exist) and
// returns their file names:
//
//   - rates.png: ΔR, R and Rc of the training features per layer (true
//     labels), with the closed-form limits of cfg if any;
//   - rates-test.png: the same for the first evaluation set, when the run
//     recorded them (Options.EvalRates);
//   - heatmap-raw.png, heatmap-features.png: |cos| between the training
//     samples, raw input and features;
//   - shift-similarity.png: histograms of |cos| between the all-shifts set
//     and the training samples, same class and other class, raw and
//     features, when there is an all-shifts set;
//   - accuracy.png: the accuracy table as bars, one group per set and
//     input, one bar per classifier, none where there is no cell;
//   - invariance.png: when there is an all-shifts set, each classifier's
//     accuracy on the test set and on its shifts, for the input and for
//     the features (the claim of Claim, drawn).
//
// Each file is written atomically; Figures returns the first error, with
// the names of the figures written before it, and stops with ctx.Err()
// when ctx is done.
func Figures(ctx context.Context, dir string, cfg Config, res *Result) (names []string, err error) {
	add := func(name string, err error) error {
		if err == nil {
			names = append(names, name)
			err = ctx.Err()
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := len(res.Layers)
	x := make([]float64, n+1)
	series := map[string][]float64{}
	for i := range x {
		x[i] = float64(i)
	}
	push := func(key string, v float64) { series[key] = append(series[key], v) }
	in := res.Input
	push("ΔR (train)", in.DeltaR)
	push("R (train)", in.R)
	push("Rc (train)", in.Rc)
	for _, l := range res.Layers {
		push("ΔR (train)", l.True.DeltaR)
		push("R (train)", l.True.R)
		push("Rc (train)", l.True.Rc)
		if len(l.Eval) > 0 {
			push("ΔR (test)", l.Eval[0].DeltaR)
			push("R (test)", l.Eval[0].R)
			push("Rc (test)", l.Eval[0].Rc)
		}
	}
	var ss []report.Series
	for _, key := range []string{"ΔR (train)", "R (train)", "Rc (train)"} {
		ss = append(ss, report.Series{Name: key, Y: series[key]})
	}
	err = add("rates.png", report.CurvesWithRefs(filepath.Join(dir, "rates.png"),
		cfg.Name+": coding rates per layer (true labels)", "layer", "nats", x, ss, cfg.Limits))
	if err != nil {
		return names, err
	}
	// The test curves start at layer 1.
	if len(series["ΔR (test)"]) == n && n > 0 {
		var ts []report.Series
		for _, key := range []string{"ΔR (test)", "R (test)", "Rc (test)"} {
			ts = append(ts, report.Series{Name: key, Y: series[key]})
		}
		if err := add("rates-test.png", report.CurvesWithRefs(filepath.Join(dir, "rates-test.png"),
			cfg.Name+": coding rates of the test features", "layer", "nats", x[1:], ts, nil)); err != nil {
			return names, err
		}
	}
	d, tr := res.Dim, res.Train
	if err := add("heatmap-raw.png", report.SimilarityHeatmap(filepath.Join(dir, "heatmap-raw.png"),
		cfg.Name+": |cos| between training inputs", tr.Raw, d, tr.Labels)); err != nil {
		return names, err
	}
	if err := add("heatmap-features.png", report.SimilarityHeatmap(filepath.Join(dir, "heatmap-features.png"),
		cfg.Name+": |cos| between training features", tr.Features, d, tr.Labels)); err != nil {
		return names, err
	}
	for _, s := range res.Evals {
		if s.Name != ShiftsSet {
			continue
		}
		rs, rd, err := rawSimilarities(s, tr, d)
		if err != nil {
			return names, err
		}
		fs, fd := report.CrossSimilarities(s.Features, s.Labels, tr.Features, tr.Labels, d)
		if err := add("shift-similarity.png", report.SimilarityHistogram(filepath.Join(dir, "shift-similarity.png"),
			cfg.Name+": |cos|, all-shifts test vs training",
			report.HistGroup{Name: "input, same class", Values: rs}, report.HistGroup{Name: "input, other class", Values: rd},
			report.HistGroup{Name: "features, same class", Values: fs}, report.HistGroup{Name: "features, other class", Values: fd})); err != nil {
			return names, err
		}
	}
	cols, vals := Table(res.Accuracy)
	if len(cols) > 0 {
		var groups []report.Series
		for _, c := range Classifiers() {
			groups = append(groups, report.Series{Name: c, Y: vals[c]})
		}
		// "set/input" on two lines, so that eight groups fit side by side.
		labels := make([]string, len(cols))
		for i, c := range cols {
			labels[i] = strings.Replace(c, "/", "\n", 1)
		}
		if err := add("accuracy.png", report.Bars(filepath.Join(dir, "accuracy.png"), cfg.Name+": accuracy", labels, groups)); err != nil {
			return names, err
		}
	}
	if ok, err := invarianceFigure(dir, cfg.Name, res.Accuracy); ok || err != nil {
		if err := add("invariance.png", err); err != nil {
			return names, err
		}
	}
	return names, nil
}

// ReportFiles returns the names of the files SaveReport may write into its
// directory: the figures (see Figures), results.json and report.md.
func ReportFiles() []string {
	return []string{"rates.png", "rates-test.png", "heatmap-raw.png", "heatmap-features.png", "shift-similarity.png",
		"accuracy.png", "invariance.png", "results.json", "report.md"}
}

// SaveReport writes the report of a run into dir, created if needed: the
// figures (Figures, recorded in r.Figures), results.json and report.md,
// each file atomically. It records the time the figures took as
// r.Seconds["figures"], and the time since started as r.Seconds["total"].
//
// On failure, or when ctx is done before the last file is written (an
// error wrapping ctx.Err()), it removes what it made: the directory if it
// created it, else the files that were not there before (files it replaced
// are then new versions: each of them is whole).
func SaveReport(ctx context.Context, dir string, r *Report, res *Result, started time.Time) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	made, err := mkdirAll(dir)
	if err != nil {
		return err
	}
	before := map[string]bool{}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			before[e.Name()] = true
		}
	}
	var wrote []string
	defer func() {
		if err == nil {
			return
		}
		if made != "" {
			os.RemoveAll(made)
			return
		}
		for _, name := range wrote {
			if !before[name] {
				os.Remove(filepath.Join(dir, name))
			}
		}
	}()
	if r.Seconds == nil {
		r.Seconds = map[string]float64{}
	}
	t := time.Now()
	r.Figures, err = Figures(ctx, dir, r.Config, res)
	wrote = append(wrote, r.Figures...)
	if err != nil {
		return err
	}
	r.Seconds["figures"] = time.Since(t).Seconds()
	r.Seconds["total"] = time.Since(started).Seconds()
	if err := atomicfile.WriteContext(ctx, filepath.Join(dir, "results.json"), func(w io.Writer) error { return WriteResults(w, r) }); err != nil {
		return err
	}
	wrote = append(wrote, "results.json")
	if err := atomicfile.WriteContext(ctx, filepath.Join(dir, "report.md"), func(w io.Writer) error { return WriteReport(w, r) }); err != nil {
		return err
	}
	wrote = append(wrote, "report.md")
	return ctx.Err()
}

// mkdirAll creates dir and any missing parents, like os.MkdirAll, and
// returns the topmost directory it created ("" if dir existed).
func mkdirAll(dir string) (string, error) {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return "", fmt.Errorf("%s is not a directory", dir)
		}
		return "", nil
	}
	top := filepath.Clean(dir)
	for {
		parent := filepath.Dir(top)
		if parent == top {
			break
		}
		if _, err := os.Stat(parent); err == nil {
			break
		}
		top = parent
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	return top, nil
}

// rawSimilarities is report.CrossSimilarities of the raw input of s and
// of the training split tr (d values a row), preparing the rows of s it
// needs if it has Prepare.
func rawSimilarities(s, tr Split, d int) (same, diff []float64, err error) {
	if s.Prepare == nil {
		same, diff = report.CrossSimilarities(s.Raw, s.Labels, tr.Raw, tr.Labels, d)
		return same, diff, nil
	}
	m := len(s.Labels)
	if m == 0 {
		return nil, nil, nil
	}
	in := len(s.Raw) / m
	var buf []float64
	return report.CrossSimilaritiesFunc(m, s.Labels, func(dst []float64, idx []int) ([]float64, error) {
		buf = buf[:0]
		for _, r := range idx {
			buf = append(buf, s.Raw[r*in:(r+1)*in]...)
		}
		z, err := s.Prepare(buf)
		if err != nil {
			return nil, err
		}
		return append(dst, z...), nil
	}, tr.Raw, tr.Labels, d)
}
