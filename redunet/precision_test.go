package redunet

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

// This file checks the float32 path (Params.Precision = "float32"): that
// it computes the float64 net to single precision, is as deterministic as
// the float64 path (workers, chunks, Transform), and is recorded by models.

// precisionCase is a net and data for the float32 tests.
type precisionCase struct {
	name   string
	inC, k int
	shape  fft.Shape
	lift   *conv.Lift
	m, e   int // training and evaluation samples
}

func precisionCases(t *testing.T) []precisionCase {
	return []precisionCase{
		{"vector d=12", 12, 3, fft.Shape{}, nil, 45, 17},
		{"1-D 16, lift 1→6", 1, 3, fft.Shape{16}, confLift(t, 1, 6, 3, 1, 71), 36, 13},
		// C = 12 with 5 samples a class: the low-rank class form.
		{"2-D 6×7, lift 1→12", 1, 4, fft.Shape{6, 7}, confLift(t, 1, 12, 3, 2, 72), 20, 9},
	}
}

func (pc *precisionCase) build(t *testing.T, x []float64, y []int, ev []float64, evy []int, p Params, opt BuildOptions) *Result {
	t.Helper()
	n, err := NewNet(pc.inC, pc.shape, pc.k, pc.lift, p)
	if err != nil {
		t.Fatal(err)
	}
	opt.Eval, opt.EvalLabels, opt.Keep = [][]float64{ev}, [][]int{evy}, true
	tr, err := n.Build(context.Background(), x, y, opt)
	if err != nil {
		t.Fatal(err)
	}
	return &Result{Net: n, Trace: *tr}
}

// TestFloat32MatchesFloat64: a float32 net's features, rates and ŷ against
// the float64 net's on the same data, 6 layers. Features are unit vectors;
// their rounding is ~2^−24 relative per layer, which the soft assignment
// (λ = 500) can amplify; the bound is 1e-5 on any feature value, against
// values of ~1/√(C·N) ≥ 0.03 (measured 6e-8 to 1.3e-7, so a hundredfold
// margin); the rates, float64 sums of single-precision features, to 1e-6
// relative (measured ≤ 4e-8); ŷ must agree on all but at most one sample
// of a set (measured: all).
func TestFloat32MatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 7))
	for _, pc := range precisionCases(t) {
		t.Run(pc.name, func(t *testing.T) {
			x, y := confData(rng, pc.m, pc.inC, pc.shape, pc.k)
			ev, evy := confData(rng, pc.e, pc.inC, pc.shape, pc.k)
			p := DefaultParams(6)
			r64 := pc.build(t, x, y, ev, evy, p, BuildOptions{})
			p.Precision = Float32
			r32 := pc.build(t, x, y, ev, evy, p, BuildOptions{})
			fd := confMaxDiff(r32.Features, r64.Features)
			ed := confMaxDiff(r32.Eval[0], r64.Eval[0])
			t.Logf("features %.2g, eval %.2g", fd, ed)
			if !(fd <= 1e-5 && ed <= 1e-5) {
				t.Errorf("float32 features differ from float64 by %.3g (train), %.3g (eval); want ≤ 1e-5", fd, ed)
			}
			if fd == 0 {
				t.Errorf("float32 features equal float64's bitwise: the float32 path did not run")
			}
			t64, p64 := confRates(r64.Input, r64.Layers, 1)
			t32, p32 := confRates(r32.Input, r32.Layers, 1)
			rd := max(relDiff(t32, t64), relDiff(p32, p64))
			t.Logf("rates %.2g relative", rd)
			if !(rd <= 1e-6) {
				t.Errorf("float32 rates differ by %.3g relative; want ≤ 1e-6", rd)
			}
			for l := range r64.Layers {
				er := r64.Layers[l].Eval[0]
				gr := r32.Layers[l].Eval[0]
				if d := math.Abs(gr.DeltaR-er.DeltaR) / math.Abs(er.DeltaR); !(d <= 1e-6) {
					t.Errorf("layer %d: eval ΔR %v, float64 %v", l+1, gr.DeltaR, er.DeltaR)
				}
			}
			if d := countDiff(r32.Layers[len(r32.Layers)-1].Predicted, r64.Layers[len(r64.Layers)-1].Predicted); d > 1 {
				t.Errorf("training ŷ differs on %d samples", d)
			}
			if d := countDiff(r32.EvalPredicted[0], r64.EvalPredicted[0]); d > 1 {
				t.Errorf("eval ŷ differs on %d samples", d)
			}
		})
	}
}

// relDiff is the largest |a−b|/|b| over the elements.
func relDiff(a, b []float64) float64 {
	d := 0.0
	for i := range b {
		d = max(d, math.Abs(a[i]-b[i])/math.Abs(b[i]))
	}
	return d
}

func countDiff(a, b []int) int {
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d + abs(len(a)-len(b))
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// TestFloat32Deterministic: like the float64 path, a float32 net's results
// do not depend on the workers or on how an evaluation set is chunked, and
// Transform on the kept net reproduces them: all bitwise.
func TestFloat32Deterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(92, 8))
	for _, pc := range precisionCases(t) {
		t.Run(pc.name, func(t *testing.T) {
			x, y := confData(rng, pc.m, pc.inC, pc.shape, pc.k)
			ev, evy := confData(rng, pc.e, pc.inC, pc.shape, pc.k)
			p := DefaultParams(4)
			p.Precision = Float32
			ref := pc.build(t, x, y, ev, evy, p, BuildOptions{Workers: 1})
			c := pc.inC
			if pc.lift != nil {
				c = pc.lift.Out
			}
			saved := streamValues
			defer func() { streamValues = saved }()
			for _, tc := range []struct {
				workers, chunk int
			}{{2, 0}, {3, 1}, {1, 4}} {
				streamValues = saved
				if tc.chunk > 0 {
					streamValues = tc.chunk * max(1, pc.shape.Bins()) * c
				}
				res := pc.build(t, x, y, ev, evy, p, BuildOptions{Workers: tc.workers})
				what := fmt.Sprintf("workers %d, chunks of %d", tc.workers, tc.chunk)
				confCheck(t, what+" features", res.Features, ref.Features, 0)
				confCheck(t, what+" eval", res.Eval[0], ref.Eval[0], 0)
				if !equalInts(res.EvalPredicted[0], ref.EvalPredicted[0]) {
					t.Errorf("%s: eval ŷ differs", what)
				}
				for l := range res.Layers {
					if res.Layers[l].Eval[0] != ref.Layers[l].Eval[0] && math.Abs(res.Layers[l].Eval[0].DeltaR-ref.Layers[l].Eval[0].DeltaR) > 1e-12 {
						t.Errorf("%s: layer %d eval rates %v, want %v", what, l+1, res.Layers[l].Eval[0], ref.Layers[l].Eval[0])
					}
				}
			}
			streamValues = saved
			feats, yhat, err := ref.Net.Transform(context.Background(), ev, x)
			if err != nil {
				t.Fatal(err)
			}
			confCheck(t, "Transform eval", feats[0], ref.Eval[0], 0)
			confCheck(t, "Transform training", feats[1], ref.Features, 0)
			if !equalInts(yhat[0], ref.EvalPredicted[0]) {
				t.Errorf("Transform: ŷ differs")
			}
		})
	}
}

// TestPrecisionParam: Validate names a precision it does not know, and a
// batch of one precision is refused by a net of the other.
func TestPrecisionParam(t *testing.T) {
	p := DefaultParams(1)
	for _, v := range []string{"", Float64, Float32} {
		p.Precision = v
		if err := p.Validate(); err != nil {
			t.Errorf("precision %q: %v", v, err)
		}
	}
	p.Precision = "float16"
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), `precision = "float16"`) {
		t.Errorf("precision float16: error %v", err)
	}
	rng := rand.New(rand.NewPCG(93, 9))
	x, y := confData(rng, 8, 1, []int{5}, 2)
	n64, err := NewNet(1, fft.Shape{5}, 2, nil, DefaultParams(1))
	if err != nil {
		t.Fatal(err)
	}
	p = DefaultParams(1)
	p.Precision = Float32
	n32, err := NewNet(1, fft.Shape{5}, 2, nil, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := n64.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n32.Statistics(b, y); err == nil || !strings.Contains(err.Error(), "a batch of float64 for a net of float32") {
		t.Errorf("float64 batch, float32 net: error %v", err)
	}
}

// TestFloat32ModelRoundTrip: a float32 net's model records its precision,
// and the loaded net applies in float32: the features of a test set equal
// those of the build bitwise (the float64 arrays of the model are exact).
func TestFloat32ModelRoundTrip(t *testing.T) {
	x, y := golden2DInput()
	lift, err := conv.NewGaussianLift(2, 3, 2, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	test := x[:2*24]
	p := DefaultParams(3)
	p.Precision = Float32
	res, err := BuildMulti(context.Background(), x, 2, []int{3, 4}, y, 2, lift, p, BuildOptions{Keep: true, Eval: [][]float64{test}})
	if err != nil {
		t.Fatal(err)
	}
	m := &Model{Classes: []string{"a", "b"}, InputShape: []int{2, 3, 4}, Net: res.Net}
	path := filepath.Join(t.TempDir(), "m.rdn")
	if err := m.Save(path, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Net.Params.Precision != Float32 {
		t.Fatalf("loaded precision %q, want %q", got.Net.Params.Precision, Float32)
	}
	feats, yh, err := got.Net.Transform(context.Background(), test)
	if err != nil {
		t.Fatal(err)
	}
	confCheck(t, "reloaded float32 features", feats[0], res.Eval[0], 0)
	if !equalInts(yh[0], res.EvalPredicted[0]) {
		t.Errorf("ŷ %v, want %v", yh[0], res.EvalPredicted[0])
	}
	// A float64 model has no precision key at all (older readers accept it).
	m.Net.Params.Precision = ""
	var buf bytes.Buffer
	if err := m.Write(&buf, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("Precision")) {
		t.Errorf("a float64 model's header names a precision")
	}
}

// BenchmarkAddSqNorms: the class-norm kernel of the forward step on a
// chunk of the paper's configuration (C = 75, 79 samples), per precision.
func BenchmarkAddSqNorms(b *testing.B) {
	const c, n = 75, 79
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]complex128, c*n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	x32 := make([]complex64, c*n)
	narrowC(x32, x)
	dst := make([]float64, n)
	b.Run("complex128", func(b *testing.B) {
		for b.Loop() {
			complexKernels{}.addSqNorms(dst, x, c, 0.5)
		}
	})
	b.Run("complex64", func(b *testing.B) {
		for b.Loop() {
			complex64Kernels{}.addSqNorms(dst, x32, c, 0.5)
		}
	})
}

// TestForwardInPlace: a batch that fits one forward chunk moves in place
// (its own block as X), a larger one through copies a chunk at a time;
// the two give the same features and ŷ bitwise, in both precisions. With
// the forward scratch made small, the training set goes through the
// copies in chunks while Transform moves the same samples as an
// evaluation set in in-place chunks.
func TestForwardInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(94, 10))
	for _, pc := range precisionCases(t) {
		for _, prec := range []string{"", Float32} {
			t.Run(pc.name+" "+prec, func(t *testing.T) {
				x, y := confData(rng, pc.m, pc.inC, pc.shape, pc.k)
				ev, evy := confData(rng, pc.e, pc.inC, pc.shape, pc.k)
				p := DefaultParams(3)
				p.Precision = prec
				ref := pc.build(t, x, y, ev, evy, p, BuildOptions{})
				saved := chunkValues
				defer func() { chunkValues = saved }()
				c := pc.inC
				if pc.lift != nil {
					c = pc.lift.Out
				}
				// Room for a few samples: the training set (≥ 20) is chunked.
				chunkValues = 4 * max(1, pc.shape.Bins()) * (c + c + pc.k*c)
				res := pc.build(t, x, y, ev, evy, p, BuildOptions{})
				confCheck(t, "chunked training features", res.Features, ref.Features, 0)
				confCheck(t, "chunked eval features", res.Eval[0], ref.Eval[0], 0)
				if !equalInts(res.EvalPredicted[0], ref.EvalPredicted[0]) {
					t.Errorf("eval ŷ differs")
				}
				feats, yhat, err := res.Net.Transform(context.Background(), x)
				if err != nil {
					t.Fatal(err)
				}
				confCheck(t, "training set moved in place", feats[0], ref.Features, 0)
				if !equalInts(yhat[0], ref.Layers[len(ref.Layers)-1].Predicted) {
					t.Errorf("in-place ŷ differs from the training ŷ")
				}
			})
		}
	}
}

// TestOnFeatures: the features a pass reports at every depth. At the last
// layer they are the pass's own features bitwise (the same transform of the
// same spectra), with its ŷ; at depth 0 the prepared input, to the
// rounding of a transform there and back (1e-13; measured ≤ 1.7e-16) or,
// in float32, of its rounding to single precision (1e-6; measured
// ≤ 2.8e-8); and in between they move (each layer changes them).
func TestOnFeatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(95, 11))
	for _, pc := range precisionCases(t) {
		for _, prec := range []string{"", Float32} {
			t.Run(pc.name+" "+prec, func(t *testing.T) {
				x, y := confData(rng, pc.m, pc.inC, pc.shape, pc.k)
				ev, evy := confData(rng, pc.e, pc.inC, pc.shape, pc.k)
				p := DefaultParams(3)
				p.Precision = prec
				var got []LayerFeatures
				res := pc.build(t, x, y, ev, evy, p, BuildOptions{OnFeatures: func(lf LayerFeatures) { got = append(got, lf) }})
				if len(got) != 4 {
					t.Fatalf("%d calls, want 4 (input and 3 layers)", len(got))
				}
				for l, lf := range got {
					if lf.Layer != l || len(lf.Eval) != 1 {
						t.Fatalf("call %d: layer %d, %d sets", l, lf.Layer, len(lf.Eval))
					}
					if l > 0 {
						if !equalInts(lf.TrainPredicted, res.Layers[l-1].Predicted) {
							t.Errorf("layer %d: training ŷ differs from the trace's", l)
						}
						if confMaxDiff(lf.Train, got[l-1].Train) == 0 {
							t.Errorf("layer %d: training features did not move", l)
						}
					}
				}
				final := got[3]
				confCheck(t, "last training features", final.Train, res.Features, 0)
				confCheck(t, "last eval features", final.Eval[0], res.Eval[0], 0)
				if !equalInts(final.EvalPredicted[0], res.EvalPredicted[0]) {
					t.Errorf("last eval ŷ differs")
				}
				tol := 1e-13
				if prec == Float32 {
					tol = 1e-6 // the input rounded to float32
				}
				in, err := res.Net.Prepare(ev)
				if err != nil {
					t.Fatal(err)
				}
				normalizeRows(in, res.Net.FeatureLen())
				t.Logf("depth 0: %.2g", confCheck(t, "depth-0 eval features", got[0].Eval[0], in, tol))
			})
		}
	}
}

// TestHardAndOracle: the two assignment ablations. Hard is soft with a λ
// so large that π̂ is one-hot: the same net to rounding (λ = 1e9 makes
// every other class's weight exp(−λ·Δn) underflow to 0 unless its norm is
// within ~1e-7 of the smallest, which these data do not have). Oracle moves
// the training samples with their true labels: it changes the net exactly
// when the estimate is wrong on some training sample at some layer (here
// 16 times); a kept oracle net is reproduced by Transform, which reads
// Params, and every layer records its ŷ on the evaluation sets.
func TestHardAndOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(96, 12))
	pc := precisionCases(t)[1]
	x, y := confData(rng, pc.m, pc.inC, pc.shape, pc.k)
	ev, evy := confData(rng, pc.e, pc.inC, pc.shape, pc.k)
	p := DefaultParams(4)
	p.Lambda = 1e9
	soft := pc.build(t, x, y, ev, evy, p, BuildOptions{})
	p.Hard = true
	hard := pc.build(t, x, y, ev, evy, p, BuildOptions{})
	confCheck(t, "hard vs λ = 1e9 features", hard.Features, soft.Features, 1e-12)
	confCheck(t, "hard vs λ = 1e9 eval", hard.Eval[0], soft.Eval[0], 1e-12)
	p.Hard, p.Lambda = false, 500
	ref := pc.build(t, x, y, ev, evy, p, BuildOptions{})
	p.Oracle = true
	or := pc.build(t, x, y, ev, evy, p, BuildOptions{})
	wrong := 0
	for _, l := range ref.Layers {
		wrong += countDiff(l.Predicted, y)
	}
	t.Logf("the estimate is wrong on %d training samples over the layers", wrong)
	if d := confMaxDiff(or.Features, ref.Features); (wrong > 0) != (d > 0) {
		t.Errorf("oracle vs estimate: features differ by %.3g with %d wrong estimates", d, wrong)
	}
	for l := range or.Layers {
		if len(or.Layers[l].EvalPredicted) != 1 || len(or.Layers[l].EvalPredicted[0]) != pc.e {
			t.Fatalf("layer %d: no eval ŷ", l+1)
		}
	}
	feats, _, err := or.Net.Transform(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	confCheck(t, "oracle net through Transform", feats[0], or.Eval[0], 0)
	if p.Validate() != nil {
		t.Errorf("oracle params: %v", p.Validate())
	}
}
