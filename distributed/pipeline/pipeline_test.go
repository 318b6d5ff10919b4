package pipeline

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// tol is the agreement asked of the pipeline and the single-machine
// construction. They add the same numbers in other orders (the Gram sums
// over shards, then over the combiner's partial sums), so they agree to
// rounding: the operators' Hermitian systems have condition number at most
// 1 + C/ε², and the soft assignment can amplify a difference by λ/4 per
// layer; 1e-12 leaves two orders of magnitude over what is measured.
const tol = 1e-12

// writeIDXDir writes a small MNIST-format data set of h×w images to a new
// directory: ntrain and ntest images of labels 0…k−1, each a class pattern
// (a fifth of the pixels bright) plus noise, as plain IDX files.
func writeIDXDir(t *testing.T, h, w, k, ntrain, ntest int) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(41, 2106))
	pat := make([][]float64, k)
	for j := range pat {
		pat[j] = make([]float64, h*w)
		for i := range pat[j] {
			if rng.IntN(5) == 0 {
				pat[j][i] = 1 // a sparse bright pattern per class
			}
		}
	}
	write := func(name string, n int) {
		img := binary.BigEndian.AppendUint32(nil, 0x803)
		img = binary.BigEndian.AppendUint32(img, uint32(n))
		img = binary.BigEndian.AppendUint32(img, uint32(h))
		img = binary.BigEndian.AppendUint32(img, uint32(w))
		lab := binary.BigEndian.AppendUint32(nil, 0x801)
		lab = binary.BigEndian.AppendUint32(lab, uint32(n))
		for range n {
			y := rng.IntN(k)
			lab = append(lab, byte(y))
			for i := range h * w {
				v := 0.8*pat[y][i] + 0.2*rng.Float64()
				img = append(img, byte(255*v))
			}
		}
		for f, b := range map[string][]byte{name + "-images-idx3-ubyte": img, name + "-labels-idx1-ubyte": lab} {
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("train", ntrain)
	write("t10k", ntest)
	return dir
}

// readShards is ReadFeatures, failing t on an error.
func readShards(t *testing.T, dir, split string, n, per int) []float64 {
	t.Helper()
	x, p, err := ReadFeatures(dir, split, n)
	if err != nil {
		t.Fatal(err)
	}
	if p != per {
		t.Fatalf("%s: %d values a sample, want %d", split, p, per)
	}
	return x
}

func maxDiff(t *testing.T, what string, got, want []float64) float64 {
	t.Helper()
	return maxDiffTol(t, what, got, want, tol)
}

// maxDiffTol is max_i |got_i − want_i|, an error if it exceeds tol.
func maxDiffTol(t *testing.T, what string, got, want []float64, tol float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	d := 0.0
	for i := range got {
		d = max(d, math.Abs(got[i]-want[i]))
	}
	if !(d <= tol) {
		t.Errorf("%s: max |Δ| = %.3g > %g", what, d, tol)
	}
	return d
}

// buildAndCompare builds the net of spec on its training split (and the
// test split as an evaluation set, if any) with Net.Build, and compares
// the summary's rates at every depth and ŷ with it. It returns the trace,
// the training set, the net and the largest rate deviation.
func buildAndCompare(t *testing.T, spec *Spec, sum *Summary, evals ...*datasets.Set) (*redunet.Trace, *datasets.Set, *redunet.Net, float64) {
	return buildAndCompareTol(t, spec, sum, tol, evals...)
}

// buildAndCompareTol is buildAndCompare with the rates compared to tol.
func buildAndCompareTol(t *testing.T, spec *Spec, sum *Summary, tol float64, evals ...*datasets.Set) (*redunet.Trace, *datasets.Set, *redunet.Net, float64) {
	t.Helper()
	ctx := context.Background()
	train, err := spec.Load(ctx, Train, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	net, err := spec.Net()
	if err != nil {
		t.Fatal(err)
	}
	opt := redunet.BuildOptions{Keep: true}
	for _, e := range evals {
		opt.Eval = append(opt.Eval, e.X)
	}
	tr, err := net.Build(ctx, train.X, train.Labels, opt)
	if err != nil {
		t.Fatal(err)
	}
	want := []redunet.Rates{tr.Input}
	for _, l := range tr.Layers {
		want = append(want, l.True)
	}
	if len(sum.Depths) != len(want) {
		t.Fatalf("%d depths, want %d", len(sum.Depths), len(want))
	}
	dr := 0.0
	for d, w := range want {
		g := sum.Depths[d]
		dr = max(dr, maxDiffTol(t, fmt.Sprintf("rates at depth %d", d), []float64{g.DeltaR, g.R, g.Rc}, []float64{w.DeltaR, w.R, w.Rc}, tol))
	}
	if sum.Samples[Train] != train.Len() || !slices.Equal(sum.Labels[Train], train.Labels) {
		t.Errorf("%d training samples, want %d, or other labels", sum.Samples[Train], train.Len())
	}
	if !slices.Equal(sum.Predicted[Train], tr.TrainPredicted) {
		t.Errorf("training ŷ %v, want %v", sum.Predicted[Train], tr.TrainPredicted)
	}
	if want[len(want)-1].DeltaR <= want[0].DeltaR {
		t.Errorf("ΔR did not grow: %v", want)
	}
	return tr, train, net, dr
}

// TestPipelineEqualsBuild: on prism, a run over 4 shards and 3 bin groups
// (three of the data set's four classes, selected and renumbered; a lift
// 1→4; 3 layers) equals the single-machine construction (Net.Build) on the
// same samples: the training rates at every depth and the training and
// test features to tol, ŷ on both splits exactly. The model it writes holds
// the training input and net of redunet train for the same configuration,
// and the evaluation protocol gives on it the accuracy table of the
// single-machine model.
func TestPipelineEqualsBuild(t *testing.T) {
	ctx := context.Background()
	dir := writeIDXDir(t, 12, 10, 4, 61, 23)
	out := t.TempDir()
	cfg := experiment.Config{Name: "test", Arch: experiment.Conv2D, Data: "mnist:" + dir, Classes: "0-2", TrainPer: 0, TestPer: -1,
		Lift: "gaussian", Channels: 4, Kernel: 3, Layers: 3, Eta: 0.5, EpsSq: 0.01, Lambda: 500}
	const seed = 7
	spec, err := NewSpec(ctx, cfg, seed, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	spec.Summary, spec.Model, spec.Features = filepath.Join(out, "summary.json"), filepath.Join(out, "model.rdn"), filepath.Join(out, "features")
	spec.InputFeatures = true
	sum, err := Run(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}

	// The single-machine construction on the same samples.
	test, err := spec.Load(ctx, Test, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr, train, net, dr := buildAndCompare(t, spec, sum, test)
	if sum.Samples[Test] != test.Len() || train.Len() < 30 || !slices.Equal(sum.Labels[Test], test.Labels) {
		t.Fatalf("samples %v, want %d and %d, or other test labels", sum.Samples, train.Len(), test.Len())
	}
	if !slices.Equal(sum.Predicted[Test], tr.EvalPredicted[0]) {
		t.Errorf("test ŷ %v, want %v", sum.Predicted[Test], tr.EvalPredicted[0])
	}
	// π̂ of the last layer, on the test shards.
	prob, k, err := ReadFeatures(spec.Features, "prob-"+Test, spec.Shards)
	if err != nil {
		t.Fatal(err)
	}
	if k != net.K {
		t.Fatalf("π̂ of %d classes, want %d", k, net.K)
	}
	maxDiff(t, "test π̂", prob, tr.EvalProb[0])
	per := net.FeatureLen()
	df := maxDiff(t, "training features", readShards(t, spec.Features, Train, spec.Shards, per), tr.Features)
	df = max(df, maxDiff(t, "test features", readShards(t, spec.Features, Test, spec.Shards, per), tr.Eval[0]))
	maxDiff(t, "prepared training input", readShards(t, spec.Features, "input-"+Train, spec.Shards, per), net.TrainInput)
	t.Logf("4 shards, 3 bin groups vs Build: max |Δ| rates %.2g, features %.2g; ΔR %.4f → %.4f", dr, df, tr.Input.DeltaR, tr.Layers[len(tr.Layers)-1].True.DeltaR)

	// The model: redunet train's training input, net and lift.
	m, err := redunet.LoadModel(spec.Model)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Net.TrainX, train.X) || !slices.Equal(m.Net.Labels, train.Labels) || !slices.Equal(m.Classes, []string{"0", "1", "2"}) {
		t.Error("the model's training data or classes differ")
	}
	d, err := experiment.Prepare(cfg.Layout(), train)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := experiment.NewNet(cfg, d, seed)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Net.Lift.Kernels, ref.Lift.Kernels) || m.Net.Params != ref.Params || m.Net.C != ref.C {
		t.Error("the model's net differs from redunet train's")
	}
	// The evaluation protocol on the model, and on the single-machine one.
	table := func(m *redunet.Model) []experiment.Accuracy {
		tr, evs, err := experiment.Apply(ctx, m, []*datasets.Set{test}, 0)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := experiment.Evaluate(ctx, len(m.Classes), tr, evs, eval.Options{Rank: 2, K: 3})
		if err != nil {
			t.Fatal(err)
		}
		return acc
	}
	single := &redunet.Model{Classes: spec.ClassNames, InputShape: spec.InputShape, Preprocess: spec.Preprocess, Net: net}
	if g, w := table(m), table(single); fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("accuracy table of the pipeline's model\n %v\nwant\n %v", g, w)
	}
	if c := sum.Counters["samples_"+Train]; c != int64(train.Len()) {
		t.Errorf("counter samples_train = %d, want %d", c, train.Len())
	}
}

// TestPipelineVector: a vector net (one real bin: a single bin group
// whatever -bin-groups says) on an npy source without a test split, in 3
// shards, equals Net.Build: rates at every depth and features to tol, ŷ
// exactly.
func TestPipelineVector(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(43, 2106))
	const m, d, k = 40, 12, 3
	x, y := make([]float64, m*d), make([]float64, m)
	for i := range m {
		y[i] = float64(7 + 2*rng.IntN(k)) // labels 7, 9, 11: renumbered 0, 1, 2
		for j := range d {
			x[i*d+j] = rng.NormFloat64() + float64((int(y[i])+j)%k)
		}
	}
	xp, yp := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := datasets.WriteNPY(xp, x, []int{m, d}, false); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNPY(yp, y, []int{m}, false); err != nil {
		t.Fatal(err)
	}
	cfg := experiment.Config{Name: "vector", Arch: experiment.Vector, Data: "npy:" + xp + "," + yp, Layers: 4, Eta: 0.5, EpsSq: 0.1, Lambda: 500}
	spec, err := NewSpec(ctx, cfg, 1, 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	spec.Summary, spec.Features = filepath.Join(dir, "summary.json"), filepath.Join(dir, "features")
	sum, err := Run(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	tr, _, _, _ := buildAndCompare(t, spec, sum)
	maxDiff(t, "features", readShards(t, spec.Features, Train, spec.Shards, d), tr.Features)
	if _, ok := sum.Samples[Test]; ok {
		t.Error("a test split from a source that has none")
	}
}

// TestNewSpecErrors: a test split of a source that has none, no shards,
// and a lift that does not fit the data are refused before any work.
func TestNewSpecErrors(t *testing.T) {
	ctx := context.Background()
	dir := writeIDXDir(t, 6, 6, 2, 8, 4)
	ok := experiment.Config{Arch: experiment.Conv2D, Data: "mnist:" + dir, TrainPer: 2, Lift: "gaussian", Channels: 2, Kernel: 3, Layers: 1, Eta: 0.5, EpsSq: 0.1, Lambda: 500}
	if _, err := NewSpec(ctx, ok, 1, 2, 2); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]func(*experiment.Config) (int, int){
		"no shards":      func(*experiment.Config) (int, int) { return 0, 1 },
		"no bin groups":  func(*experiment.Config) (int, int) { return 1, 0 },
		"kernel 7 > 6":   func(c *experiment.Config) (int, int) { c.Kernel = 7; return 1, 1 },
		"npy test split": func(c *experiment.Config) (int, int) { c.Data, c.TestPer = "npy:x.npy,y.npy", 1; return 1, 1 },
		"no such data":   func(c *experiment.Config) (int, int) { c.Data = "mnist:" + filepath.Join(dir, "nope"); return 1, 1 },
	} {
		cfg := ok
		shards, groups := c(&cfg)
		if _, err := NewSpec(ctx, cfg, 1, shards, groups); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestPipelineFloat32: a float32 net (-precision float32: samples and
// operators in single precision, statistics and factorisations in float64)
// through the pipeline equals Net.Build of the same net to tol32 = 1e-6 in
// rates and features. The two factorise sums added in other orders in
// float64 and round the operators to float32 once a layer, so an operator
// may differ by one float32 ulp (6e-8 relative) between them, and the
// features by a few ulps after 3 layers; ŷ agrees.
func TestPipelineFloat32(t *testing.T) {
	const tol32 = 1e-6
	ctx := context.Background()
	dir := writeIDXDir(t, 10, 10, 3, 40, 10)
	cfg := experiment.Config{Name: "float32", Arch: experiment.Conv2D, Data: "mnist:" + dir, Classes: "0-2", Lift: "gaussian", Channels: 3, Kernel: 3,
		Layers: 3, Eta: 0.5, EpsSq: 0.01, Lambda: 500, Precision: redunet.Float32}
	spec, err := NewSpec(ctx, cfg, 3, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	spec.Summary, spec.Features = filepath.Join(out, "summary.json"), filepath.Join(out, "features")
	sum, err := Run(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	tr, _, net, dr := buildAndCompareTol(t, spec, sum, tol32)
	df := maxDiffTol(t, "features", readShards(t, spec.Features, Train, spec.Shards, net.FeatureLen()), tr.Features, tol32)
	t.Logf("float32, 3 shards, 2 bin groups vs Build: max |Δ| rates %.2g, features %.2g", dr, df)
}
