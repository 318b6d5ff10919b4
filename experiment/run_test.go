package experiment

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/redunet"
)

// tinyConfig is a small configuration of the architecture.
func tinyConfig(arch Arch, layers int) Config {
	c := Config{Name: "tiny", Description: "a tiny run", Arch: arch, Data: "synthetic", Layers: layers,
		Eta: 0.5, EpsSq: 0.1, Lambda: 500, Rank: 2}
	if arch != Vector {
		c.Lift, c.Channels, c.Kernel = "gaussian", 3, 3
	}
	return c
}

// images returns n random 1×h×w images per class, class j brighter in its
// own quarter of the image.
func images(n, k, h, w int, seed uint64) *datasets.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &datasets.Set{Name: "images", Shape: []int{1, h, w}}
	for j := range k {
		s.Classes = append(s.Classes, string(rune('a'+j)))
	}
	for range n {
		for j := range k {
			for p := range h * w {
				v := rng.Float64()
				if (p/w < h/2) == (j%2 == 0) {
					v += 1
				}
				s.X = append(s.X, v)
			}
			s.Labels = append(s.Labels, j)
		}
	}
	return s
}

func run(t *testing.T, cfg Config, train, test *datasets.Set, shifts int, opt Options) *Result {
	t.Helper()
	d, err := Prepare(cfg.Layout(), train)
	if err != nil {
		t.Fatal(err)
	}
	if test != nil {
		if err := d.AddTest(test); err != nil {
			t.Fatal(err)
		}
		if shifts > 0 {
			if err := d.AddShifts(shifts); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := Run(context.Background(), cfg, d, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRunVector: a vector run reports every layer through the callbacks and
// its accuracy table.
func TestRunVector(t *testing.T) {
	cfg := tinyConfig(Vector, 3)
	var layers []int
	inputs, evaluating := 0, 0
	opt := Options{EvalRates: true,
		OnInput:    func(redunet.Rates) { inputs++ },
		OnLayer:    func(l Layer) { layers = append(layers, l.Layer) },
		OnEvaluate: func() { evaluating++ },
	}
	res := run(t, cfg, datasets.GaussianCircle(20, 0.1, 1), datasets.GaussianCircle(10, 0.1, 2), 0, opt)
	if inputs != 1 || evaluating != 1 || !slices.Equal(layers, []int{1, 2, 3}) || len(res.Layers) != 3 {
		t.Errorf("callbacks: %d inputs, layers %v, %d evaluations", inputs, layers, evaluating)
	}
	if len(res.Layers[0].Eval) != 1 || res.Dim != 2 || len(res.Accuracy) != 14 {
		t.Errorf("result: %d test rates, dim %d, %d cells", len(res.Layers[0].Eval), res.Dim, len(res.Accuracy))
	}
	if n := res.Samples(); n[TrainSet] != 40 || n[TestSet] != 20 {
		t.Errorf("samples %v", n)
	}
	if res.Model.Arch() != "vector" || res.Model.Preprocess.Image != nil || !slices.Equal(res.Model.InputShape, []int{2}) {
		t.Errorf("model: %s, %+v, %v", res.Model.Arch(), res.Model.Preprocess, res.Model.InputShape)
	}
	if _, ok := res.Seconds["evaluate"]; !ok {
		t.Errorf("seconds %v", res.Seconds)
	}

	// No evaluation sets: no table, no OnEvaluate.
	evaluating = 0
	res = run(t, cfg, datasets.GaussianCircle(20, 0.1, 1), nil, 0, opt)
	if len(res.Accuracy) != 0 || evaluating != 0 {
		t.Errorf("without evaluation sets: %d cells, OnEvaluate called %d times", len(res.Accuracy), evaluating)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, _ := Prepare(cfg.Layout(), datasets.GaussianCircle(20, 0.1, 1))
	if _, err := Run(ctx, cfg, d, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := Run(context.Background(), tinyConfig(Conv1D, 1), d, Options{}); err == nil {
		t.Error("data laid out for another architecture: no error")
	}
}

// TestRunConv: a convolutional run on images in polar form with the
// all-shifts set; its saved model, applied again, gives the same table;
// its report is written whole.
func TestRunConv(t *testing.T) {
	cfg := tinyConfig(Conv1D, 2)
	cfg.Radii, cfg.Angles = 3, 24
	res := run(t, cfg, images(4, 2, 8, 8, 1), images(2, 2, 8, 8, 2), 2, Options{Seed: 1, ShiftedTrain: true, EvalRates: true})
	m := res.Model
	if m.Arch() != "conv1d" || !slices.Equal(m.InputShape, []int{3, 24}) ||
		m.Preprocess.Polar == nil || *m.Preprocess.Polar != (redunet.PolarTransform{Radii: 3, Angles: 24}) ||
		m.Preprocess.Image == nil || *m.Preprocess.Image != (redunet.ImageFormat{Channels: 1, Height: 8, Width: 8}) {
		t.Fatalf("model %s of %v, preprocess %+v", m.Arch(), m.InputShape, m.Preprocess)
	}
	// 24 angles: shifts 0, 10, 20 of the 2 test images per class.
	if n := res.Samples(); n[ShiftsSet] != 4*3 {
		t.Errorf("samples %v", n)
	}
	shifted := 0
	for _, a := range res.Accuracy {
		if a.Set == ShiftedTrainSet {
			shifted++
		}
	}
	if shifted != 6 {
		t.Errorf("%d shifts* cells, want 6", shifted)
	}

	// Construct-then-apply: the model applied to the same sets gives the
	// same accuracy.
	layout, _ := ForModel(m)
	if layout != cfg.Layout() {
		t.Errorf("ForModel: %+v, want %+v", layout, cfg.Layout())
	}
	train, evals, err := Apply(context.Background(), m, res.Data.Evals, 1)
	if err != nil {
		t.Fatal(err)
	}
	opt := eval.Options{Rank: cfg.Rank}
	acc, err := Evaluate(t.Context(), 2, train, evals, opt)
	if err != nil {
		t.Fatal(err)
	}
	_, signal := layout.Signal(m.InputShape)
	more, err := ShiftedTrain(t.Context(), 2, train, evals[1], signal, opt)
	if err != nil {
		t.Fatal(err)
	}
	if acc = append(acc, more...); !slices.Equal(acc, res.Accuracy) {
		t.Errorf("applied model\n%v\nthe run\n%v", acc, res.Accuracy)
	}

	dir := filepath.Join(t.TempDir(), "report")
	r := &Report{Config: cfg, Scale: "custom", Data: cfg.Data, Input: res.Input, Layers: res.Layers,
		Accuracy: res.Accuracy, Samples: res.Samples()}
	if err := SaveReport(t.Context(), dir, r, res, time.Now()); err != nil {
		t.Fatal(err)
	}
	want := []string{"rates.png", "rates-test.png", "heatmap-raw.png", "heatmap-features.png", "shift-similarity.png", "accuracy.png", "invariance.png"}
	if !slices.Equal(r.Figures, want) {
		t.Errorf("figures %v, want %v", r.Figures, want)
	}
	for _, f := range append(want, "report.md", "results.json") {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, ok := r.Seconds["total"]; !ok {
		t.Errorf("seconds %v", r.Seconds)
	}
	// report.md states the claim of the all-shifts set, from the run's cells.
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if claim := Claim(res.Accuracy, res.Samples()[ShiftsSet]); claim == "" || !strings.Contains(string(md), "**Shift invariance.** "+claim) {
		t.Errorf("report.md lacks the claim %q", claim)
	}
}

// TestForModelLegacy: models saved before the preprocessing was recorded
// are laid out from their metadata and input shape.
func TestForModelLegacy(t *testing.T) {
	cfg := tinyConfig(Conv1D, 1)
	cfg.Radii, cfg.Angles = 3, 24
	m := run(t, cfg, images(2, 2, 8, 8, 1), nil, 0, Options{}).Model
	m.Preprocess = redunet.Preprocess{}
	m.Meta = map[string]string{"radii": "3", "angles": "24", "image_shape": "1x8x8"}
	l, p := ForModel(m)
	if l != cfg.Layout() || p.Polar == nil || *p.Polar != (redunet.PolarTransform{Radii: 3, Angles: 24}) ||
		p.Image == nil || *p.Image != (redunet.ImageFormat{Channels: 1, Height: 8, Width: 8}) {
		t.Errorf("legacy conv1d model of images: %+v, %+v", l, p)
	}
	delete(m.Meta, "image_shape") // older still: 28×28 MNIST
	if _, p := ForModel(m); p.Image == nil || *p.Image != (redunet.ImageFormat{Channels: 1, Height: 28, Width: 28}) {
		t.Errorf("legacy conv1d model without image_shape: %+v", p)
	}
	m.Meta = nil // a model of signals
	if l, p := ForModel(m); l != (Layout{Arch: Conv1D}) || p.Image != nil || p.Polar != nil {
		t.Errorf("legacy conv1d model of signals: %+v, %+v", l, p)
	}

	v := run(t, tinyConfig(Vector, 1), images(2, 2, 4, 4, 1), nil, 0, Options{}).Model
	if v.Preprocess.Image == nil || *v.Preprocess.Image != (redunet.ImageFormat{Channels: 1, Height: 4, Width: 4}) {
		t.Errorf("vector model of images: %+v", v.Preprocess)
	}
	v.Preprocess = redunet.Preprocess{}
	if l, p := ForModel(v); l != (Layout{Arch: Vector}) || p.Image == nil || *p.Image != (redunet.ImageFormat{Channels: 1, Height: 4, Width: 4}) {
		t.Errorf("legacy vector model of images: %+v, %+v", l, p)
	}
}

func TestLayout(t *testing.T) {
	img := images(1, 2, 8, 8, 1)
	sig := &datasets.Set{Name: "sig", Shape: []int{2, 6}, Classes: []string{"a"}, X: make([]float64, 12), Labels: []int{0}}
	vol := &datasets.Set{Name: "vol", Shape: []int{1, 2, 3, 4}, Classes: []string{"a"}, X: make([]float64, 24), Labels: []int{0}}
	rgb := &datasets.Set{Name: "rgb", Shape: []int{3, 2, 2}, Classes: []string{"a"}, X: make([]float64, 12), Labels: []int{0}}
	for _, c := range []struct {
		l     Layout
		s     *datasets.Set
		shape []int // nil: an error
	}{
		{Layout{Arch: Vector}, img, []int{1, 8, 8}},
		{Layout{Arch: Vector}, vol, []int{1, 2, 3, 4}},
		{Layout{Arch: Conv1D}, sig, []int{2, 6}},
		{Layout{Arch: Conv1D}, img, []int{15, 200}},
		{Layout{Arch: Conv1D, Radii: 4, Angles: 10}, img, []int{4, 10}},
		{Layout{Arch: Conv1D}, rgb, nil},
		{Layout{Arch: Conv1D}, vol, nil},
		{Layout{Arch: Conv2D}, img, []int{1, 8, 8}},
		{Layout{Arch: Conv2D}, sig, nil},
		{Layout{Arch: Conv3D}, vol, []int{1, 2, 3, 4}},
		{Layout{Arch: Conv3D}, img, nil},
		{Layout{Arch: "mlp"}, img, nil},
	} {
		out, err := c.l.Apply(c.s)
		switch {
		case c.shape == nil && err == nil:
			t.Errorf("%+v on %v: no error", c.l, c.s.Shape)
		case c.shape != nil && (err != nil || !slices.Equal(out.Shape, c.shape)):
			t.Errorf("%+v on %v: %v, %v; want %v", c.l, c.s.Shape, out, err, c.shape)
		}
	}
	if ch, sh := (Layout{Arch: Vector}).Signal([]int{1, 8, 8}); ch != 64 || len(sh) != 0 {
		t.Errorf("vector signal: %d, %v", ch, sh)
	}
	if ch, sh := (Layout{Arch: Conv3D}).Signal([]int{2, 3, 4, 5}); ch != 2 || !slices.Equal(sh, []int{3, 4, 5}) {
		t.Errorf("conv3d signal: %d, %v", ch, sh)
	}
	for _, c := range []struct {
		arch  Arch
		shape []int
		rank  int
		ok    bool
	}{
		{Vector, []int{1, 28, 28}, 2, true},
		{Vector, []int{2, 150}, 1, true},
		{Vector, []int{2}, 0, false},
		{Conv1D, []int{15, 200}, 1, true},
		{Conv2D, []int{1, 28, 28}, 2, true},
		{Conv2D, []int{15, 200}, 2, false},
		{Conv3D, []int{1, 4, 4, 4}, 3, true},
	} {
		if r, ok := (Layout{Arch: c.arch}).ShiftRank(c.shape); r != c.rank || ok != c.ok {
			t.Errorf("%s on %v: rank %d, %v; want %d, %v", c.arch, c.shape, r, ok, c.rank, c.ok)
		}
	}
	if p := (Layout{Arch: Conv2D}).Preprocess([]int{3, 32, 32}); p.Polar != nil || p.Image == nil || *p.Image != (redunet.ImageFormat{Channels: 3, Height: 32, Width: 32}) {
		t.Errorf("conv2d preprocess of RGB images: %+v", p)
	}
	if p := (Layout{Arch: Conv1D}).Preprocess([]int{2, 150}); p.Polar != nil || p.Image != nil {
		t.Errorf("conv1d preprocess of signals: %+v", p)
	}
	if p := (Layout{Arch: Conv1D}).Preprocess([]int{1, 28, 28}); p.Polar == nil || *p.Polar != (redunet.PolarTransform{Radii: 15, Angles: 200}) {
		t.Errorf("conv1d preprocess of images: %+v", p)
	}
}

// TestRunConv3D: volumes through the whole protocol, the 64 shifts of the
// 3-D grid included.
func TestRunConv3D(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	volumes := func(n int) *datasets.Set {
		s := &datasets.Set{Name: "volumes", Shape: []int{1, 4, 4, 4}, Classes: []string{"front", "back"}}
		for i := range 2 * n {
			for v := range 64 {
				x := rng.Float64()
				if (v < 32) == (i%2 == 0) {
					x++
				}
				s.X = append(s.X, x)
			}
			s.Labels = append(s.Labels, i%2)
		}
		return s
	}
	res := run(t, tinyConfig(Conv3D, 2), volumes(3), volumes(2), 1, Options{ShiftedTrain: true})
	if n := res.Samples(); n[TrainSet] != 6 || n[TestSet] != 4 || n[ShiftsSet] != 2*64 {
		t.Errorf("samples %v", n)
	}
	// 3 classifiers × raw and features × train, test and shifts, Own on
	// the features of the three, and 6 shifts* cells.
	if len(res.Accuracy) != 18+3+6 || res.Model.Arch() != "conv3d" || res.Dim != 3*64 {
		t.Errorf("%d cells, model %s, dim %d", len(res.Accuracy), res.Model.Arch(), res.Dim)
	}
}
