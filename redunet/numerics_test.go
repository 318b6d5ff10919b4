package redunet

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

// numCase is a small net and data for the tests of degenerate numerics.
type numCase struct {
	name  string
	in    int
	shape fft.Shape
	lift  *conv.Lift
	k, m  int
}

func numCases(t *testing.T) []numCase {
	lift1, err := conv.NewGaussianLift(2, 4, 3, 1, 21)
	if err != nil {
		t.Fatal(err)
	}
	lift2, err := conv.NewGaussianLift(1, 3, 2, 2, 22)
	if err != nil {
		t.Fatal(err)
	}
	return []numCase{
		{"vector", 5, fft.Shape{}, nil, 2, 8},
		{"conv1d", 2, fft.Shape{6}, nil, 2, 6},
		{"conv1d lift", 2, fft.Shape{7}, lift1, 3, 6},
		{"conv2d lift", 1, fft.Shape{4, 5}, lift2, 2, 6},
	}
}

func (c numCase) data(rng *rand.Rand, m int) ([]float64, []int) {
	d := c.in * c.shape.Len()
	x := make([]float64, m*d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := make([]int, m)
	for i := range y {
		y[i] = i % c.k
	}
	return x, y
}

func (c numCase) build(t *testing.T, x []float64, y []int, ev []float64, p Params) *Trace {
	t.Helper()
	n, err := NewNet(c.in, c.shape, c.k, c.lift, p)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := n.Build(context.Background(), x, y, BuildOptions{Eval: [][]float64{ev}, EvalLabels: [][]int{y[:len(ev)/n.SampleLen()]}, Workers: 1})
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return tr
}

func maxAbsDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func allFinite(v []float64) bool {
	return !slices.ContainsFunc(v, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) })
}

// TestScaleInvariance: every sample is normalised, so scaling samples by
// positive factors must not change the result beyond rounding, however
// large or small the factors: each training and evaluation sample is
// scaled by its own factor from 1e300, 1e-300, 1e-320 (subnormal) and 1,
// and the features, π̂, rates and ŷ are compared with the unscaled run, to
// 1e-12 (measured: at most 1.7e-14, on rates of size ~10). A
// subnormal factor keeps only a few digits of a sample (1e-320·x is a
// multiple of 2^−1074 ≈ 4.9e-324), so the reference is the run on the
// values the scaled samples stand for, x·s/s, not on x.
func TestScaleInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	scales := []float64{1e300, 1e-300, 1e-320, 1}
	worst := 0.0
	for _, c := range numCases(t) {
		x, y := c.data(rng, c.m)
		ev, _ := c.data(rng, 4)
		d := c.in * c.shape.Len()
		scaled := func(v []float64) (s, ref []float64) {
			s, ref = slices.Clone(v), slices.Clone(v)
			for i := 0; i < len(v)/d; i++ {
				f := scales[(i+len(v))%len(scales)]
				for j := i * d; j < (i+1)*d; j++ {
					s[j] = v[j] * f
					ref[j] = s[j] / f
				}
			}
			return s, ref
		}
		xs, xr := scaled(x)
		es, er := scaled(ev)
		p := DefaultParams(3)
		got, want := c.build(t, xs, y, es, p), c.build(t, xr, y, er, p)
		for _, cmp := range []struct {
			what     string
			got, ref []float64
		}{
			{"features", got.Features, want.Features},
			{"eval features", got.Eval[0], want.Eval[0]},
			{"eval π̂", got.EvalProb[0], want.EvalProb[0]},
			{"input rates", ratesSlice(got.Input), ratesSlice(want.Input)},
			{"last rates", ratesSlice(got.Layers[2].True), ratesSlice(want.Layers[2].True)},
			{"last eval rates", ratesSlice(got.Layers[2].Eval[0]), ratesSlice(want.Layers[2].Eval[0])},
		} {
			if !allFinite(cmp.got) {
				t.Errorf("%s: %s not finite: %v", c.name, cmp.what, cmp.got)
				continue
			}
			dd := maxAbsDiff(cmp.got, cmp.ref)
			worst = max(worst, dd)
			if dd > 1e-12 {
				t.Errorf("%s: scaled %s deviate by %.3g", c.name, cmp.what, dd)
			}
		}
		if !slices.Equal(got.TrainPredicted, want.TrainPredicted) || !slices.Equal(got.EvalPredicted[0], want.EvalPredicted[0]) {
			t.Errorf("%s: ŷ of scaled samples %v %v, unscaled %v %v", c.name, got.TrainPredicted, got.EvalPredicted[0], want.TrainPredicted, want.EvalPredicted[0])
		}
		// Prepare on its own, the whole set by one factor.
		n, _ := NewNet(c.in, c.shape, c.k, c.lift, p)
		z0, _ := n.Prepare(x)
		for _, f := range scales {
			xf := slices.Clone(x)
			for i := range xf {
				xf[i] *= f
			}
			for i := range xf {
				x[i] = xf[i] / f // what xf stands for
			}
			z0, _ = n.Prepare(x)
			z, err := n.Prepare(xf)
			if err != nil {
				t.Fatal(err)
			}
			if dd := maxAbsDiff(z, z0); dd > 1e-12 || !allFinite(z) {
				t.Errorf("%s: Prepare of x·%g deviates by %.3g", c.name, f, dd)
			}
		}
	}
	t.Logf("largest deviation of a scaled run: %.3g", worst)
}

// TestZeroSamples: a zero sample, or one that the lift's ReLU makes zero,
// gives zero features, a uniform π̂ and finite rates — no NaN — in training
// and evaluation sets; a training set of zeros only builds too.
func TestZeroSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	pos := &conv.Lift{In: 1, Out: 3, K: 2, Dims: 1, Kernels: []float64{1, 2, 0.5, 1, 3, 0.25}}
	for _, c := range append(numCases(t), numCase{"conv1d positive lift", 1, fft.Shape{5}, pos, 2, 6}) {
		x, y := c.data(rng, c.m)
		ev, _ := c.data(rng, 3)
		d := c.in * c.shape.Len()
		clear(x[:d])       // a zero training sample
		clear(ev[d : 2*d]) // a zero evaluation sample
		if c.lift == pos {
			for j := 2 * d; j < 3*d; j++ {
				ev[j] = -1 - rng.Float64() // ReLU of positive kernels on negative values: zero
			}
		}
		tr := c.build(t, x, y, ev, DefaultParams(2))
		for what, v := range map[string][]float64{"features": tr.Features, "eval features": tr.Eval[0], "π̂": tr.EvalProb[0],
			"rates": append(ratesSlice(tr.Input), ratesSlice(tr.Layers[1].True)...)} {
			if !allFinite(v) {
				t.Errorf("%s: %s not finite: %v", c.name, what, v)
			}
		}
		f := c.build(t, x, y, ev, DefaultParams(2)).Features
		if !slices.Equal(f[:len(f)/c.m], make([]float64, len(f)/c.m)) {
			t.Errorf("%s: the zero training sample's features are not zero", c.name)
		}
		e := tr.Eval[0]
		per := len(e) / 3
		zeros := []int{1}
		if c.lift == pos {
			zeros = append(zeros, 2)
		}
		for _, i := range zeros {
			if !slices.Equal(e[i*per:(i+1)*per], make([]float64, per)) {
				t.Errorf("%s: zero evaluation sample %d has features %v", c.name, i, e[i*per:(i+1)*per])
			}
			for j := 0; j < c.k; j++ {
				if p := tr.EvalProb[0][i*c.k+j]; math.Abs(p-1/float64(c.k)) > 1e-15 {
					t.Errorf("%s: zero sample %d: π̂ %v, want uniform", c.name, i, tr.EvalProb[0][i*c.k:(i+1)*c.k])
					break
				}
			}
		}
		// Nothing but zeros.
		all := c.build(t, make([]float64, len(x)), y, make([]float64, len(ev)), DefaultParams(2))
		if !allFinite(all.Features) || !allFinite(ratesSlice(all.Layers[1].True)) || all.Layers[1].True.DeltaR != 0 {
			t.Errorf("%s: zeros only: rates %+v", c.name, all.Layers[1].True)
		}
	}
}

// TestHugeEta: η = 1e308 would overflow z + η·(…) to Inf; the step is then
// formed as 2^−k·z + (η·2^−k)·(…), which is normalised to the same
// features as the plain step for a large η that cannot overflow (1e200:
// both are normalise(…) to ~1e-200). They round differently, and (…) =
// E z − Σ_j γ_j·π̂_j·C_j z cancels, so the comparison is at 1e-9 (measured
// 2.5e-12 on the vector net's features, ≤ 7.6e-15 on the others). With
// η = 5e299 (η·a_E ≈ 3e300 < 2^999) the plain step is kept and its squared
// norm, ~1e600, overflows: the sample is rescaled by a power of two before
// it is normalised, and agrees with η = 1e308 alike.
func TestHugeEta(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	worst := 0.0
	defer func() { t.Logf("largest deviation of η = 1e308 from η = 1e200: %.3g", worst) }()
	for _, c := range numCases(t) {
		x, y := c.data(rng, c.m)
		ev, _ := c.data(rng, 2)
		p := DefaultParams(3)
		p.Eta = 1e308
		huge := c.build(t, x, y, ev, p)
		for _, eta := range []float64{1e200, 5e299} {
			p.Eta = eta
			large := c.build(t, x, y, ev, p)
			for what, v := range map[string][2][]float64{"features": {huge.Features, large.Features}, "eval features": {huge.Eval[0], large.Eval[0]},
				"rates": {ratesSlice(huge.Layers[2].True), ratesSlice(large.Layers[2].True)}} {
				if !allFinite(v[0]) || !allFinite(v[1]) {
					t.Errorf("%s, η = %g: %s not finite", c.name, eta, what)
				} else if dd := maxAbsDiff(v[0], v[1]); dd > 1e-9 {
					t.Errorf("%s: %s of η = 1e308 deviate from η = %g by %.3g", c.name, what, eta, dd)
				} else {
					worst = max(worst, dd)
				}
			}
		}
	}
}

// TestTinyEpsSq: ε² too small for the rate coefficient a = C/(m·ε²) is an
// error naming ε², from Params.Validate (below 2^−500, whatever the net),
// NewNet (below C·2^−500), Build on a net whose ε² was changed after
// NewNet, and Factor — never "not positive definite".
func TestTinyEpsSq(t *testing.T) {
	x, y := goldenVectorInput()
	p := DefaultParams(1)
	p.EpsSq = 1e-320
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "eps2") {
		t.Errorf("Validate of ε² = 1e-320: %v", err)
	}
	if _, err := BuildVector(context.Background(), x, 3, y, 2, p, BuildOptions{}); err == nil || !strings.Contains(err.Error(), "eps2") {
		t.Errorf("BuildVector with ε² = 1e-320: %v", err)
	}
	p.EpsSq = 5e-151 // ≥ 2^−500 ≈ 3.05e-151, but 3/ε² = 6e150 > 2^500 ≈ 3.3e150
	if err := p.Validate(); err != nil {
		t.Errorf("Validate of ε² = 5e-151: %v", err)
	}
	if _, err := NewVectorNet(3, 2, p); err == nil || !strings.Contains(err.Error(), "eps2 (ε²) = 5e-151 is too small") {
		t.Errorf("NewVectorNet(3) with ε² = 5e-151: %v", err)
	}
	if _, err := NewVectorNet(1, 2, p); err != nil {
		t.Errorf("NewVectorNet(1) with ε² = 5e-151: %v", err)
	}
	n, err := NewVectorNet(3, 2, DefaultParams(1))
	if err != nil {
		t.Fatal(err)
	}
	n.Params.EpsSq = 1e-320
	if _, err := n.Build(context.Background(), x, y, BuildOptions{}); err == nil || !strings.Contains(err.Error(), "eps2") {
		t.Errorf("Build after setting ε² = 1e-320: %v", err)
	}
	n.Params.EpsSq = 0.1
	b, err := n.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	s, err := n.Statistics(b, y)
	if err != nil {
		t.Fatal(err)
	}
	n.Params.EpsSq = 1e-320
	if _, err := n.Factor(s); err == nil || !strings.Contains(err.Error(), "eps2 (ε²) = 1e-320") {
		t.Errorf("Factor with ε² = 1e-320: %v", err)
	}
	// Valid for Params.Validate, too small for a class of one sample of 3
	// channels: a = 3/ε² = 7.5e150 > 2^500.
	n.Params.EpsSq = 0.1
	s, err = n.Statistics(b, []int{0, 1, 1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	n.Params.EpsSq = 4e-151
	if _, err := n.Factor(s); err == nil || !strings.Contains(err.Error(), "eps2 (ε²) = 4e-151 is too small") || !strings.Contains(err.Error(), "1 sample(s) of 3 channels") {
		t.Errorf("Factor with ε² = 4e-151 and a class of one sample: %v", err)
	}
	// An ε² so small that the identity of I + a·Σ is below the rounding of
	// a·Σ may make it indefinite: an error naming ε², not "NaN or Inf".
	{
		rng := rand.New(rand.NewPCG(3, 3))
		c := numCases(t)[0]
		xv, yv := c.data(rng, c.m)
		ev, _ := c.data(rng, 2)
		q := DefaultParams(3)
		q.EpsSq, q.Eta = 1e-100, 1e308
		n, err := NewNet(c.in, c.shape, c.k, nil, q)
		if err != nil {
			t.Fatal(err)
		}
		_, err = n.Build(context.Background(), xv, yv, BuildOptions{Eval: [][]float64{ev}, EvalLabels: [][]int{{0, 1}}})
		if err == nil || !strings.Contains(err.Error(), "eps2 (ε²) = 1e-100 is too small: I + a·Σ is not numerically positive definite") {
			t.Errorf("ε² = 1e-100 on collapsed features: %v", err)
		}
	}
	// A tiny ε² that is allowed builds with finite results.
	q := DefaultParams(2)
	q.EpsSq = 1e-140
	res, err := BuildVector(context.Background(), x, 3, y, 2, q, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !allFinite(res.Features) || !allFinite(ratesSlice(res.Layers[1].True)) {
		t.Errorf("ε² = 1e-140: features %v, rates %+v", res.Features, res.Layers[1].True)
	}
}

// TestDegenerateSets: an empty evaluation set works (no features, zero
// rates); one class is allowed, has ΔR = 0 exactly at every layer and
// layers that leave the features as they are (to 1e-15);
// labels of an evaluation set out of range, and nets put together with
// inconsistent fields, are errors, not panics.
func TestDegenerateSets(t *testing.T) {
	x, y := goldenVectorInput()
	res, err := BuildVector(context.Background(), x, 3, y, 2, DefaultParams(2),
		BuildOptions{Keep: true, Eval: [][]float64{{}}, EvalLabels: [][]int{{}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Eval[0]) != 0 || len(res.EvalPredicted[0]) != 0 || len(res.EvalProb[0]) != 0 || res.Layers[1].Eval[0] != (Rates{}) {
		t.Errorf("empty evaluation set: %v %v %v %+v", res.Eval[0], res.EvalPredicted[0], res.EvalProb[0], res.Layers[1].Eval[0])
	}
	feats, yh, err := res.Net.Transform(context.Background(), []float64{}, x[:3])
	if err != nil || len(feats[0]) != 0 || len(yh[0]) != 0 || len(feats[1]) != 3 {
		t.Errorf("Transform of an empty set: %v %v %v", feats, yh, err)
	}
	one, err := BuildVector(context.Background(), x, 3, make([]int, 6), 1, DefaultParams(3), BuildOptions{Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	if dd := maxAbsDiff(one.Features, one.Net.TrainInput); dd > 1e-15 {
		t.Errorf("one class: the layers moved the features by %.3g", dd)
	}
	for _, l := range append([]LayerResult{{True: one.Input}}, one.Layers...) {
		if l.True.DeltaR != 0 || l.True.R != l.True.Rc || !(l.True.R > 0) {
			t.Errorf("one class, layer %d: %+v, want ΔR = 0 and R = Rc > 0", l.Layer, l.True)
		}
	}
	if _, err := BuildVector(context.Background(), x, 3, y, 2, DefaultParams(1),
		BuildOptions{Eval: [][]float64{x[:6]}, EvalLabels: [][]int{{0, 5}}}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("evaluation labels out of range: %v", err)
	}
	// Nets with inconsistent fields.
	kept := res.Net
	for _, tc := range []struct {
		name string
		edit func(n *Net)
		want string
	}{
		{"C not the lift's", func(n *Net) { n.C = 4 }, "C = 4"},
		{"labels out of range", func(n *Net) { n.Labels = []int{0, 1, 0, 1, 0, 7} }, "out of range"},
		{"TrainInput of the wrong length", func(n *Net) { n.TrainInput = n.TrainInput[:5] }, "TrainInput"},
		{"K = 0", func(n *Net) { n.K = 0 }, "classes"},
		{"NaN η", func(n *Net) { n.Params.Eta = math.NaN() }, "eta"},
		{"NaN kernels", func(n *Net) {
			n.Shape, n.InChannels, n.C = fft.Shape{3}, 1, 2
			n.Lift = &conv.Lift{In: 1, Out: 2, K: 1, Dims: 1, Kernels: []float64{1, math.NaN()}}
			n.TrainInput = nil
		}, "kernels"},
	} {
		n := *kept
		n.Labels, n.TrainInput = slices.Clone(kept.Labels), slices.Clone(kept.TrainInput)
		tc.edit(&n)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic %v", tc.name, r)
				}
			}()
			if _, _, err := n.Transform(context.Background(), x[:3]); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: Transform: %v, want an error mentioning %q", tc.name, err, tc.want)
			}
		}()
	}
}
