package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/internal/atomicfile"
	"github.com/redunet-go/redunet/redunet"
	"github.com/redunet-go/redunet/report"
)

var reproCmd = &command{
	name:    "repro",
	args:    true,
	summary: "reproduce one of the paper's experiments, with a report and figures",
	usage: `Usage: redunet repro [flags] NAME

Runs one of the paper's experiments (SPEC §5) and writes report.md,
results.json and PNG figures into -out. -scale paper runs the paper's
configuration; the default -scale small finishes in about two minutes on a
2-core machine and shows the same effect.

Experiments:
` + reproList() + `
Example:
  redunet repro -scale small -out repro-translation mnist-translation

Flags:
`,
	flags: reproFlags,
}

// reproConfig is one experiment at one scale.
type reproConfig struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Arch        string  `json:"arch"`
	Data        string  `json:"data"`
	Classes     string  `json:"classes,omitempty"`
	TrainPer    int     `json:"train_per_class"`
	TestPer     int     `json:"test_per_class"`
	Shifts      bool    `json:"all_shifts"`
	Lift        string  `json:"lift,omitempty"`
	Channels    int     `json:"channels,omitempty"`
	Kernel      int     `json:"kernel,omitempty"`
	Radii       int     `json:"radii,omitempty"`
	Angles      int     `json:"angles,omitempty"`
	Layers      int     `json:"layers"`
	Eta         float64 `json:"eta"`
	EpsSq       float64 `json:"eps2"`
	Lambda      float64 `json:"lambda"`
	Rank        int     `json:"rank"`
	Standardize bool    `json:"standardize,omitempty"`
	// Limits are the closed-form limits of SPEC §5 (Gaussian experiments).
	Limits []report.Ref `json:"limits,omitempty"`
}

// experiments lists every experiment: the paper's configuration (SPEC §5)
// and a small one.
var experiments = []struct {
	name, desc   string
	paper, small reproConfig
}{
	{"gaussian2d", "two classes of Gaussians on the circle (vector ReduNet)",
		reproConfig{Arch: "vector", Data: "gaussian-circle", TrainPer: 500, TestPer: 500, Layers: 2000, Rank: 1},
		reproConfig{Arch: "vector", Data: "gaussian-circle", TrainPer: 500, TestPer: 500, Layers: 300, Rank: 1}},
	{"gaussian3d", "three classes of Gaussians on the sphere (vector ReduNet)",
		reproConfig{Arch: "vector", Data: "gaussian-sphere", TrainPer: 500, TestPer: 500, Layers: 2000, Rank: 2},
		reproConfig{Arch: "vector", Data: "gaussian-sphere", TrainPer: 500, TestPer: 500, Layers: 300, Rank: 2}},
	{"mnist-rotation", "rotation-invariant MNIST: polar images, 1-D shift-invariant ReduNet",
		reproConfig{Arch: "conv1d", Data: "mnist", Classes: "0-9", TrainPer: 10, TestPer: 10, Shifts: true, Lift: "gaussian", Channels: 20, Kernel: 5, Radii: 15, Angles: 200, Layers: 40, Rank: 10},
		reproConfig{Arch: "conv1d", Data: "mnist", Classes: "0-9", TrainPer: 10, TestPer: 10, Shifts: true, Lift: "gaussian", Channels: 20, Kernel: 5, Radii: 15, Angles: 200, Layers: 20, Rank: 10}},
	{"mnist-translation", "translation-invariant MNIST: 2-D shift-invariant ReduNet",
		reproConfig{Arch: "conv2d", Data: "mnist", Classes: "0-9", TrainPer: 10, TestPer: 10, Shifts: true, Lift: "gaussian", Channels: 75, Kernel: 9, Layers: 25, Rank: 10},
		reproConfig{Arch: "conv2d", Data: "mnist", Classes: "0-9", TrainPer: 10, TestPer: 10, Shifts: true, Lift: "gaussian", Channels: 16, Kernel: 9, Layers: 10, Rank: 10}},
	{"mnist2d-binary", "MNIST digits 0 and 1, 2-D shift-invariant ReduNet",
		reproConfig{Arch: "conv2d", Data: "mnist", Classes: "0,1", TrainPer: 500, TestPer: 100, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 9, Layers: 2000, Rank: 10},
		reproConfig{Arch: "conv2d", Data: "mnist", Classes: "0,1", TrainPer: 100, TestPer: 50, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 9, Layers: 100, Rank: 10}},
	{"mnist1d-binary", "MNIST digits 0 and 1, polar images with 5 radii, 1-D shift-invariant ReduNet",
		reproConfig{Arch: "conv1d", Data: "mnist", Classes: "0,1", TrainPer: 2000, TestPer: 100, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 9, Radii: 5, Angles: 200, Layers: 3500, Rank: 10},
		reproConfig{Arch: "conv1d", Data: "mnist", Classes: "0,1", TrainPer: 200, TestPer: 50, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 9, Radii: 5, Angles: 200, Layers: 100, Rank: 10}},
	{"sinusoid", "sinusoids vs square waves with random phase, 1-D shift-invariant ReduNet",
		reproConfig{Arch: "conv1d", Data: "sinusoids", TrainPer: 400, TestPer: 100, Shifts: true, Lift: "gaussian", Channels: 7, Kernel: 3, Layers: 2000, Eta: 0.1, Rank: 1},
		reproConfig{Arch: "conv1d", Data: "sinusoids", TrainPer: 100, TestPer: 50, Shifts: true, Lift: "gaussian", Channels: 7, Kernel: 3, Layers: 200, Eta: 0.1, Rank: 1}},
	{"cifar10", "CIFAR-10, standardised, 2-D shift-invariant ReduNet (needs -data)",
		reproConfig{Arch: "conv2d", Classes: "0-9", TrainPer: 500, TestPer: 100, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 3, Layers: 50, Rank: 10, Standardize: true},
		reproConfig{Arch: "conv2d", Classes: "0-9", TrainPer: 30, TestPer: 20, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 3, Layers: 15, Rank: 10, Standardize: true}},
}

func reproList() string {
	var b strings.Builder
	for _, e := range experiments {
		fmt.Fprintf(&b, "  %-18s %s\n", e.name, e.desc)
	}
	return b.String()
}

func reproConfigFor(name, scale string) (reproConfig, error) {
	for _, e := range experiments {
		if e.name != name {
			continue
		}
		c := e.small
		if scale == "paper" {
			c = e.paper
		}
		c.Name, c.Description = e.name, e.desc
		if c.Eta == 0 {
			c.Eta = 0.5
		}
		c.EpsSq, c.Lambda = 0.1, 500
		switch name {
		case "gaussian2d":
			// SPEC §5: with ε² = 0.1 and two perfectly collapsed, orthogonal
			// classes of 500: R → ln 11, Rc → ½·ln 21.
			c.Limits = []report.Ref{{Name: "R limit ln 11", Y: math.Log(11)}, {Name: "Rc limit ½ln 21", Y: 0.5 * math.Log(21)}, {Name: "ΔR limit", Y: math.Log(11) - 0.5*math.Log(21)}}
		case "gaussian3d":
			c.Limits = []report.Ref{{Name: "R limit 1.5 ln 11", Y: 1.5 * math.Log(11)}, {Name: "Rc limit ½ln 31", Y: 0.5 * math.Log(31)}, {Name: "ΔR limit", Y: 1.5*math.Log(11) - 0.5*math.Log(31)}}
		}
		return c, nil
	}
	return reproConfig{}, usagef("unknown experiment %q; the experiments are:\n%s", name, reproList())
}

// reproResults is results.json.
type reproResults struct {
	Config     reproConfig        `json:"config"`
	Scale      string             `json:"scale"`
	Data       string             `json:"data"`
	Input      redunet.Rates      `json:"input_rates"`
	Layers     []layerReport      `json:"layers"`
	Accuracy   []accuracy         `json:"accuracy"`
	Figures    []string           `json:"figures"`
	Seconds    map[string]float64 `json:"seconds"`
	Samples    map[string]int     `json:"samples"`
	GoMaxProcs int                `json:"workers"`
}

func reproFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var (
		scale, out, source string
		workers            int
		quiet              bool
		seed               uint64
	)
	fs.StringVar(&scale, "scale", "small", "small (about two minutes on 2 cores) or paper (the paper's configuration)")
	fs.StringVar(&out, "out", "", "directory for report.md, results.json and the figures (default repro-NAME)")
	fs.StringVar(&source, "data", "", "data source for the MNIST and CIFAR experiments (default mnist; cifar10 needs cifar10:DIR or folder:DIR)")
	fs.IntVar(&workers, "workers", 0, "goroutines (0: all cores)")
	fs.Uint64Var(&seed, "seed", 1, "seed of the lift kernels and the synthetic data")
	fs.BoolVar(&quiet, "q", false, "print nothing but errors")
	return func(ctx context.Context, e *env) error {
		args := fs.Args()
		if len(args) != 1 {
			return usagef("want one experiment name; the experiments are:\n%s", reproList())
		}
		if scale != "small" && scale != "paper" {
			return usagef("-scale %q: want small or paper", scale)
		}
		cfg, err := reproConfigFor(args[0], scale)
		if err != nil {
			return err
		}
		if out == "" {
			out = "repro-" + cfg.Name
		}
		var w io.Writer = e.stdout
		if quiet {
			w = io.Discard
		}
		if source != "" {
			cfg.Data = source
		}
		if cfg.Data == "" {
			return usagef("%s needs -data: cifar10:DIR (the CIFAR-10 binary version) or folder:DIR (one sub-folder per class)", cfg.Name)
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		t0 := time.Now()
		train, test, err := reproData(ctx, cfg, seed)
		if err != nil {
			return err
		}
		af := archFlags{arch: cfg.Arch, lift: cfg.Lift, channels: cfg.Channels, kernel: cfg.Kernel, seed: seed, radii: cfg.Radii, angles: cfg.Angles, workers: workers}
		if af.lift == "" {
			af.lift = "none"
		}
		if af.radii == 0 {
			af.radii, af.angles = 15, 200 // unused: the data are not images
		}
		if err := af.check(nil); err != nil {
			return err
		}
		train, cin, shape, err := af.layout(train)
		if err != nil {
			return err
		}
		if test, _, _, err = af.layout(test); err != nil {
			return err
		}
		test.Name = "test"
		evals := []*datasets.Set{test}
		if cfg.Shifts {
			sh, err := allShifts(test, cfg.Arch, 10)
			if err != nil {
				return err
			}
			sh.Name = "shifts"
			evals = append(evals, sh)
		}
		res := reproResults{Config: cfg, Scale: scale, Data: cfg.Data, Seconds: map[string]float64{"load": time.Since(t0).Seconds()},
			Samples: map[string]int{"train": train.Len()}, GoMaxProcs: workers}
		for _, s := range evals {
			res.Samples[s.Name] = s.Len()
		}
		fmt.Fprintf(w, "%s (%s scale): %s\n", cfg.Name, scale, cfg.Description)
		fmt.Fprintf(w, "data: %s, %d classes, %d training samples of shape %v", cfg.Data, len(train.Classes), train.Len(), train.Shape)
		for _, s := range evals {
			fmt.Fprintf(w, ", %d %s", s.Len(), s.Name)
		}
		fmt.Fprintf(w, "\nnet: %s, %d layers, η = %g, ε² = %g, λ = %g\n\n", cfg.Arch, cfg.Layers, cfg.Eta, cfg.EpsSq, cfg.Lambda)
		x := &experiment{train: train, evals: evals, inCh: cin, shape: shape, af: af,
			params:    redunet.Params{Eta: cfg.Eta, EpsSq: cfg.EpsSq, Lambda: cfg.Lambda, Layers: cfg.Layers},
			evalRates: true, shiftedTrain: true, rank: cfg.Rank, knnK: 5, w: w, ctx: ctx, e: e, quiet: quiet}
		if cfg.Layers > 200 {
			x.w = &everyNth{w: w, n: cfg.Layers / 20}
		}
		r, err := x.run()
		if err != nil {
			return err
		}
		for k, v := range r.seconds {
			res.Seconds[k] = v
		}
		res.Input, res.Layers, res.Accuracy = r.trace.Input, r.layers, r.acc
		fmt.Fprintln(w)
		printAccuracy(w, r.acc)
		if err := saveReport(out, &res, train, evals, r, t0); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nwrote %s/report.md, results.json and %d figures in %.1f s\n", out, len(res.Figures), res.Seconds["total"])
		return nil
	}
}

// saveReport writes the figures, results.json and report.md of an
// experiment into dir (created if needed), each file atomically.
func saveReport(dir string, res *reproResults, train *datasets.Set, evals []*datasets.Set, r *experimentResult, t0 time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	t4 := time.Now()
	var err error
	if res.Figures, err = reproFigures(dir, res.Config, train, evals, r); err != nil {
		return err
	}
	res.Seconds["figures"] = time.Since(t4).Seconds()
	res.Seconds["total"] = time.Since(t0).Seconds()
	if err := atomicfile.Write(filepath.Join(dir, "results.json"), func(f io.Writer) error { return writeJSON(f, res) }); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "report.md"), func(f io.Writer) error { return writeReport(f, res) })
}

// everyNth passes the header line, the input row and every n-th layer row
// of the per-layer table, for experiments with thousands of layers.
type everyNth struct {
	w    io.Writer
	n, i int
}

func (e *everyNth) Write(p []byte) (int, error) {
	e.i++
	if e.i <= 2 || (e.i-2)%e.n == 0 {
		return e.w.Write(p)
	}
	return len(p), nil
}

// reproData loads the training and test sets of an experiment (not yet laid
// out for the architecture).
func reproData(ctx context.Context, cfg reproConfig, seed uint64) (train, test *datasets.Set, err error) {
	switch cfg.Data {
	case "gaussian-circle":
		return datasets.GaussianCircle(cfg.TrainPer, 0.1, seed), datasets.GaussianCircle(cfg.TestPer, 0.1, seed+1), nil
	case "gaussian-sphere":
		return datasets.GaussianSphere(cfg.TrainPer, 0.1, seed), datasets.GaussianSphere(cfg.TestPer, 0.1, seed+1), nil
	case "sinusoids":
		return datasets.Sinusoids(cfg.TrainPer, 150, 0.1, seed), datasets.Sinusoids(cfg.TestPer, 150, 0.1, seed+1), nil
	}
	df := dataFlags{source: cfg.Data, classes: cfg.Classes}
	if train, err = df.load(ctx, "train", cfg.TrainPer, 0); err != nil {
		return nil, nil, err
	}
	// A folder has no test split: the test samples are the next ones of
	// each class.
	skip := 0
	if singleSplit(cfg.Data) {
		skip = cfg.TrainPer
	}
	if test, err = df.load(ctx, "test", cfg.TestPer, skip); err != nil {
		return nil, nil, err
	}
	if cfg.Standardize {
		// SPEC §5: CIFAR-10 standardised with mean 0.4734, std 0.2516.
		datasets.Standardize(train, datasets.CIFAR10Mean, datasets.CIFAR10Std)
		datasets.Standardize(test, datasets.CIFAR10Mean, datasets.CIFAR10Std)
	}
	return train, test, nil
}

// reproFigures draws the figures of an experiment into dir and returns
// their file names.
func reproFigures(dir string, cfg reproConfig, train *datasets.Set, evals []*datasets.Set, r *experimentResult) ([]string, error) {
	var names []string
	add := func(name string, err error) error {
		if err == nil {
			names = append(names, name)
		}
		return err
	}
	n := len(r.layers)
	x := make([]float64, n+1)
	series := map[string][]float64{}
	for i := range x {
		x[i] = float64(i)
	}
	push := func(key string, v float64) { series[key] = append(series[key], v) }
	in := r.trace.Input
	push("ΔR (train)", in.DeltaR)
	push("R (train)", in.R)
	push("Rc (train)", in.Rc)
	for _, l := range r.layers {
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
	// The test curves start at layer 1.
	var tx []float64
	if len(series["ΔR (test)"]) == n && n > 0 {
		tx = x[1:]
	}
	err := add("rates.png", report.CurvesWithRefs(filepath.Join(dir, "rates.png"),
		cfg.Name+": coding rates per layer (true labels)", "layer", "nats", x, ss, cfg.Limits))
	if err != nil {
		return nil, err
	}
	if tx != nil {
		var ts []report.Series
		for _, key := range []string{"ΔR (test)", "R (test)", "Rc (test)"} {
			ts = append(ts, report.Series{Name: key, Y: series[key]})
		}
		if err := add("rates-test.png", report.CurvesWithRefs(filepath.Join(dir, "rates-test.png"),
			cfg.Name+": coding rates of the test features", "layer", "nats", tx, ts, nil)); err != nil {
			return nil, err
		}
	}
	d := r.dim
	if err := add("heatmap-raw.png", report.SimilarityHeatmap(filepath.Join(dir, "heatmap-raw.png"),
		cfg.Name+": |cos| between training inputs", r.trainRaw, d, train.Labels)); err != nil {
		return nil, err
	}
	if err := add("heatmap-features.png", report.SimilarityHeatmap(filepath.Join(dir, "heatmap-features.png"),
		cfg.Name+": |cos| between training features", r.trace.Features, d, train.Labels)); err != nil {
		return nil, err
	}
	for i, s := range evals {
		if s.Name != "shifts" {
			continue
		}
		rs, rd := report.CrossSimilarities(r.evalRaw[i], s.Labels, r.trainRaw, train.Labels, d)
		fs, fd := report.CrossSimilarities(r.trace.Eval[i], s.Labels, r.trace.Features, train.Labels, d)
		if err := add("shift-similarity.png", report.SimilarityHistogram(filepath.Join(dir, "shift-similarity.png"),
			cfg.Name+": |cos|, all-shifts test vs training",
			report.HistGroup{Name: "input, same class", Values: rs}, report.HistGroup{Name: "input, other class", Values: rd},
			report.HistGroup{Name: "features, same class", Values: fs}, report.HistGroup{Name: "features, other class", Values: fd})); err != nil {
			return nil, err
		}
	}
	// Accuracy bars: one group per (set, input), one bar per classifier.
	cols, vals := accuracyColumns(r.acc)
	if len(cols) > 0 {
		var groups []report.Series
		for _, c := range classifierNames {
			groups = append(groups, report.Series{Name: c, Y: vals[c]})
		}
		// "set/input" on two lines, so that eight groups fit side by side.
		labels := make([]string, len(cols))
		for i, c := range cols {
			labels[i] = strings.Replace(c, "/", "\n", 1)
		}
		if err := add("accuracy.png", report.Bars(filepath.Join(dir, "accuracy.png"), cfg.Name+": accuracy", labels, groups)); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// accuracyColumns arranges the accuracy cells as columns (set/input) and,
// per classifier, one value per column (NaN where not applicable).
func accuracyColumns(acc []accuracy) ([]string, map[string][]float64) {
	var cols []string
	idx := map[string]int{}
	for _, a := range acc {
		c := a.Set + "/" + a.Input
		if _, ok := idx[c]; !ok {
			idx[c] = len(cols)
			cols = append(cols, c)
		}
	}
	vals := map[string][]float64{}
	for _, name := range classifierNames {
		v := make([]float64, len(cols))
		for i := range v {
			v[i] = 0
		}
		vals[name] = v
	}
	for _, a := range acc {
		vals[a.Classifier][idx[a.Set+"/"+a.Input]] = a.Accuracy
	}
	return cols, vals
}

// writeReport writes report.md.
func writeReport(w io.Writer, r *reproResults) error {
	c := r.Config
	fmt.Fprintf(w, "# %s (%s scale)\n\n%s.\n\n", c.Name, r.Scale, c.Description)
	fmt.Fprintf(w, "## Configuration\n\n| | |\n|---|---|\n")
	fmt.Fprintf(w, "| data | %s |\n| architecture | %s |\n", r.Data, c.Arch)
	if c.Classes != "" {
		fmt.Fprintf(w, "| classes | %s |\n", c.Classes)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Samples)) {
		fmt.Fprintf(w, "| %s samples | %d |\n", k, r.Samples[k])
	}
	if c.Arch != "vector" {
		if c.Lift == "gaussian" {
			fmt.Fprintf(w, "| lift | Gaussian, → %d channels, kernel %d |\n", c.Channels, c.Kernel)
		}
		if c.Radii > 0 && strings.HasPrefix(c.Data, "mnist") {
			fmt.Fprintf(w, "| polar transform | %d radii × %d angles |\n", c.Radii, c.Angles)
		}
	}
	fmt.Fprintf(w, "| layers | %d |\n| η | %g |\n| ε² | %g |\n| λ | %g |\n| nearest-subspace rank | %d |\n\n", c.Layers, c.Eta, c.EpsSq, c.Lambda, c.Rank)

	fmt.Fprintf(w, "## Accuracy\n\n")
	cols, vals := accuracyColumns(r.Accuracy)
	fmt.Fprintf(w, "| classifier | %s |\n|---|%s\n", strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
	have := map[string]bool{}
	for _, a := range r.Accuracy {
		have[a.Classifier+"|"+a.Set+"/"+a.Input] = true
	}
	for _, name := range classifierNames {
		fmt.Fprintf(w, "| %s |", name)
		for i, col := range cols {
			if have[name+"|"+col] {
				fmt.Fprintf(w, " %.4f |", vals[name][i])
			} else {
				fmt.Fprint(w, " – |")
			}
		}
		fmt.Fprintln(w)
	}
	if _, ok := r.Samples["shifts"]; ok {
		fmt.Fprintf(w, "\n*shifts*: the all-shifts test set, against classifiers fit on the unshifted training samples; *shifts\\**: against classifiers fit on every training sample at every shift.\n")
	}
	fmt.Fprintf(w, "\n## Rates (true labels, nats)\n\n| | ΔR | R | Rc |\n|---|---|---|---|\n")
	fmt.Fprintf(w, "| input | %.6f | %.6f | %.6f |\n", r.Input.DeltaR, r.Input.R, r.Input.Rc)
	if n := len(r.Layers); n > 0 {
		last := -1
		for _, i := range []int{0, n/2 - 1, n - 1} {
			if i <= last {
				continue
			}
			last = i
			l := r.Layers[i]
			fmt.Fprintf(w, "| layer %d | %.6f | %.6f | %.6f |\n", l.Layer, l.True.DeltaR, l.True.R, l.True.Rc)
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
		fmt.Fprintf(w, "| closed-form limit (%s) | %s | %s | %s |\n", l.Name, cols[0], cols[1], cols[2])
	}
	fmt.Fprintf(w, "\n## Figures\n\n")
	for _, f := range r.Figures {
		fmt.Fprintf(w, "![%s](%s)\n\n", f, f)
	}
	fmt.Fprintf(w, "## Timings (seconds)\n\n")
	for _, k := range slices.Sorted(maps.Keys(r.Seconds)) {
		fmt.Fprintf(w, "- %s: %.1f\n", k, r.Seconds[k])
	}
	return nil
}
