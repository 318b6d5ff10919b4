package redunet

import (
	"context"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

// This file checks that a layer can be built from shards of the training
// samples (stages.go): the Stats of disjoint sets of samples add, so
// Statistics per shard, Merge, then Factor gives the layer that Factor gives
// on all the samples at once (DESIGN.md §3.1 Operators: E, C_j and γ are
// functions of the per-bin Gram sums and the class sizes, which are sums
// over samples). The two computations add the same numbers in another
// order, and a group of fewer than C samples is kept as samples and turned
// into a Gram sum only when the merged group reaches C; so they agree to
// rounding, and are compared at confTol = 1e-12 (conformance_test.go: the
// operators' Hermitian systems have condition number ≤ 1 + C/ε², DESIGN.md
// §2.3 Log-determinants, and after 3 layers the soft assignment can amplify
// a rounding difference by λ/4 per layer). Measured deviations are quoted
// at each test.

// shardCase is a net and a split of its training samples into shards: per
// shard the number of samples of each class, chosen against C (the channels
// the layers work on) so that groups of every form meet in Merge.
type shardCase struct {
	name   string
	inC, k int
	shape  fft.Shape
	lift   *conv.Lift
	counts [][]int // counts[s][j]: samples of class j in shard s
}

func shardCases(t *testing.T) []shardCase {
	return []shardCase{
		// C = d = 8. Class 2 has 2 samples in all (3·2 < 8: the low-rank
		// form, DESIGN.md §4.5); merging shard 2 into shard 1 keeps class 0
		// as samples (1 + 2 < 8); shard 2 has no class 1 or 2.
		{"vector d=8", 8, 3, fft.Shape{}, nil, [][]int{{9, 8, 1}, {1, 7, 1}, {2, 0, 0}}},
		// C = 4 after the lift; shard 1 has fewer than C samples of classes 0
		// and 1, shard 2 (2 < C samples in all) only class 0.
		{"1-D 7, lift 1→4", 1, 3, fft.Shape{7}, confLift(t, 1, 4, 3, 1, 61), [][]int{{5, 4, 6}, {1, 3, 5}, {2, 0, 0}}},
		// C = 3 after the lift; shard 2 has no class 0.
		{"2-D 4×5, lift 2→3", 2, 2, fft.Shape{4, 5}, confLift(t, 2, 3, 2, 2, 62), [][]int{{4, 3}, {1, 2}, {0, 2}}},
		// C = 3; class 2 has 2 < C samples in all (the kernel form), shard 1
		// has none of it and shard 2 none of class 1.
		{"3-D 2×3×4", 3, 3, fft.Shape{2, 3, 4}, nil, [][]int{{3, 4, 1}, {1, 2, 0}, {2, 0, 1}}},
	}
}

// c returns the number of channels the layers work on.
func (sc *shardCase) c() int {
	if sc.lift != nil {
		return sc.lift.Out
	}
	return sc.inC
}

// newNet returns a fresh net of the case.
func (sc *shardCase) newNet(t *testing.T, p Params) *Net {
	t.Helper()
	n, err := NewNet(sc.inC, sc.shape, sc.k, sc.lift, p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// shardData draws the shards of sc: per class one fixed N(0,1) pattern,
// each sample N(0,1) noise plus its class's pattern, the classes interleaved
// at random within a shard. It returns each shard's samples and labels.
func shardData(rng *rand.Rand, sc *shardCase) (xs [][]float64, ys [][]int) {
	per := sc.inC * sc.shape.Len()
	pat := make([]float64, sc.k*per)
	for i := range pat {
		pat[i] = rng.NormFloat64()
	}
	for _, counts := range sc.counts {
		var y []int
		for j, n := range counts {
			for range n {
				y = append(y, j)
			}
		}
		rng.Shuffle(len(y), func(a, b int) { y[a], y[b] = y[b], y[a] })
		x := make([]float64, len(y)*per)
		for i, j := range y {
			for v := 0; v < per; v++ {
				x[i*per+v] = rng.NormFloat64() + pat[j*per+v]
			}
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys
}

// shardEncode encodes every shard.
func shardEncode(t *testing.T, net *Net, xs [][]float64) []*Batch {
	t.Helper()
	bs := make([]*Batch, len(xs))
	for i, x := range xs {
		b, err := net.Encode(x)
		if err != nil {
			t.Fatal(err)
		}
		bs[i] = b
	}
	return bs
}

// shardStats returns the statistics of the shards bs under labels ys,
// merged in the given order of shards.
func shardStats(t *testing.T, net *Net, bs []*Batch, ys [][]int, order []int) *Stats {
	t.Helper()
	var s *Stats
	for _, i := range order {
		st, err := net.Statistics(bs[i], ys[i])
		if err != nil {
			t.Fatal(err)
		}
		if s == nil {
			s = st
		} else if err := s.Merge(st); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// maxDiffC is max_i |a_i − b_i| for complex values (+Inf if the lengths
// differ).
func maxDiffC(a, b []complex128) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, cmplx.Abs(a[i]-b[i]))
	}
	return d
}

// compareLayers compares two layers of net: their input rates, γ, every
// operator at every kept bin, and their application to the samples x (ŷ, π̂
// and the features after Decode). It returns the largest deviations of
// the rates, the operators and the features (π̂ included).
func compareLayers(t *testing.T, what string, net *Net, got, want *Layer, x []float64) (dr, dop, df float64) {
	t.Helper()
	dr = confCheck(t, what+": input rates", ratesSlice(got.InputRates()), ratesSlice(want.InputRates()), confTol)
	confCheck(t, what+": γ", got.Gamma(), want.Gamma(), 0)
	for g := 0; g <= net.K; g++ {
		for p := 0; p < net.Shape.Bins(); p++ {
			d := maxDiffC(got.Operator(g, p), want.Operator(g, p))
			if !(d <= confTol) {
				t.Errorf("%s: operator %d at bin %d: max |Δ| = %.3g > %.0e", what, g, p, d, confTol)
			}
			dop = max(dop, d)
		}
	}
	var feats [2][]float64
	var yhat [2][]int
	var pi [2][]float64
	for i, l := range []*Layer{got, want} {
		b, err := net.Encode(x)
		if err != nil {
			t.Fatal(err)
		}
		pi[i] = make([]float64, b.Len()*net.K)
		yhat[i] = l.Apply(b, pi[i])
		feats[i] = net.Decode(b)
	}
	df = confCheck(t, what+": features after Apply", feats[0], feats[1], confTol)
	df = max(df, confCheck(t, what+": π̂ after Apply", pi[0], pi[1], confTol))
	if !equalInts(yhat[0], yhat[1]) {
		t.Errorf("%s: ŷ after Apply %v, want %v", what, yhat[0], yhat[1])
	}
	return dr, dop, df
}

// TestShardedLayer: a layer factorised from the statistics of 3 shards of
// unequal sizes, merged, equals the layer factorised from all the samples
// at once — rates, γ, every operator (g = 0…K, every kept bin), and the
// features, π̂ and ŷ of Apply on a batch — for a vector net, a 1-D and a
// 2-D net with a lift and a 3-D net, and for every order of merging the
// shards (the 6 permutations of 3 shards, plus a fourth, empty shard
// merged first and last), to confTol = 1e-12. Measured: rates 8.9e-16,
// operators 7.1e-15 (their entries reach α_j = C/(m_j·ε²) = 40 for the
// vector case's class of 2 samples, so that is 2e-16 relative), features
// and π̂ 2.8e-16.
func TestShardedLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 2105))
	p := DefaultParams(1)
	var worstR, worstOp, worstF float64
	for _, sc := range shardCases(t) {
		net := sc.newNet(t, p)
		xs, ys := shardData(rng, &sc)
		all, yAll := slices.Concat(xs...), slices.Concat(ys...)
		// A batch to apply both layers to: 5 new samples.
		ev, _ := confData(rng, 5, sc.inC, sc.shape, sc.k)
		b, err := net.Encode(all)
		if err != nil {
			t.Fatal(err)
		}
		st, err := net.Statistics(b, yAll)
		if err != nil {
			t.Fatal(err)
		}
		want, err := net.Factor(st)
		if err != nil {
			t.Fatal(err)
		}
		// Every shard, then an empty one.
		xs = append(xs, nil)
		ys = append(ys, []int{})
		bs := shardEncode(t, net, xs)
		orders := [][]int{{3, 0, 1, 2, 3}}
		for _, o := range [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
			orders = append(orders, o)
		}
		for _, order := range orders {
			what := fmt.Sprintf("%s, shards merged in the order %v", sc.name, order)
			s := shardStats(t, net, bs, ys, order)
			if got, wantN := s.Counts(), classCounts(yAll, sc.k); !equalInts(got, wantN) {
				t.Errorf("%s: class counts %v, want %v", what, got, wantN)
			}
			got, err := net.Factor(s)
			if err != nil {
				t.Fatal(err)
			}
			dr, dop, df := compareLayers(t, what, net, got, want, ev)
			worstR, worstOp, worstF = max(worstR, dr), max(worstOp, dop), max(worstF, df)
		}
	}
	t.Logf("max |Δ| rates %.2g, operators %.2g, features and π̂ %.2g", worstR, worstOp, worstF)
}

// classCounts returns the number of labels of each class 0…k−1.
func classCounts(y []int, k int) []int {
	n := make([]int, k)
	for _, j := range y {
		n[j]++
	}
	return n
}

// TestShardedNetwork runs a whole L = 3 network shard by shard — per layer:
// Statistics of every shard under the true labels, Merge, Factor, Apply to
// every shard and to an evaluation batch; the rates of each layer's output
// from merged statistics under the true labels and under ŷ — and compares
// it with BuildVector or BuildMulti on all the samples at once: the input
// and per-layer rates (true and predicted labels), ŷ per layer, the
// training features, and the evaluation features and ŷ, to confTol = 1e-12
// (ŷ exactly). Measured: features 7.4e-16, rates 1.8e-15.
func TestShardedNetwork(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2105))
	p := DefaultParams(3)
	ctx := context.Background()
	var worstF, worstR float64
	for _, sc := range shardCases(t) {
		xs, ys := shardData(rng, &sc)
		all, yAll := slices.Concat(xs...), slices.Concat(ys...)
		ev, _ := confData(rng, 4, sc.inC, sc.shape, sc.k)
		opt := BuildOptions{Eval: [][]float64{ev}}
		var res *Result
		var err error
		if len(sc.shape) == 0 {
			res, err = BuildVector(ctx, all, sc.inC, yAll, sc.k, p, opt)
		} else {
			res, err = BuildMulti(ctx, all, sc.inC, sc.shape, yAll, sc.k, sc.lift, p, opt)
		}
		if err != nil {
			t.Fatal(err)
		}

		net := sc.newNet(t, p)
		bs := shardEncode(t, net, xs)
		eb, err := net.Encode(ev)
		if err != nil {
			t.Fatal(err)
		}
		order := []int{1, 2, 0} // not the order of the samples in all
		rates := func(labels [][]int) Rates {
			r, err := net.Rates(shardStats(t, net, bs, labels, order))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		var input Rates
		var layers []LayerResult
		var evalPred []int
		for l := 1; l <= p.Layers; l++ {
			layer, err := net.Factor(shardStats(t, net, bs, ys, order))
			if err != nil {
				t.Fatal(err)
			}
			if l == 1 {
				input = layer.InputRates()
			}
			yhat := make([][]int, len(bs))
			for i, b := range bs {
				yhat[i] = layer.Apply(b, nil)
			}
			evalPred = layer.Apply(eb, nil)
			layers = append(layers, LayerResult{Layer: l, True: rates(ys), Pred: rates(yhat), Predicted: slices.Concat(yhat...)})
		}
		var feats []float64
		for _, b := range bs {
			feats = append(feats, net.Decode(b)...)
		}

		what := sc.name + ", sharded vs all at once"
		worstF = max(worstF, confCheck(t, what+": training features", feats, res.Features, confTol))
		worstF = max(worstF, confCheck(t, what+": evaluation features", net.Decode(eb), res.Eval[0], confTol))
		gt, gp := confRates(input, layers, 1)
		wt, wp := confRates(res.Input, res.Layers, 1)
		worstR = max(worstR, confCheck(t, what+": true rates", gt, wt, confTol))
		worstR = max(worstR, confCheck(t, what+": pred rates", gp, wp, confTol))
		for l := range layers {
			if !equalInts(layers[l].Predicted, res.Layers[l].Predicted) {
				t.Errorf("%s: layer %d ŷ %v, want %v", what, l+1, layers[l].Predicted, res.Layers[l].Predicted)
			}
		}
		if !equalInts(evalPred, res.EvalPredicted[0]) {
			t.Errorf("%s: evaluation ŷ %v, want %v", what, evalPred, res.EvalPredicted[0])
		}
	}
	t.Logf("max |Δ| features %.2g, rates %.2g", worstF, worstR)
}

// TestMergeErrors: Merge refuses statistics of another kind of net, of
// another number of channels, bins or classes, with an error and without
// a panic.
func TestMergeErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 2105))
	p := DefaultParams(1)
	stats := func(inC int, shape fft.Shape, k int) *Stats {
		t.Helper()
		net, err := NewNet(inC, shape, k, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		x, y := confData(rng, 2*k, inC, shape, k)
		b, err := net.Encode(x)
		if err != nil {
			t.Fatal(err)
		}
		s, err := net.Statistics(b, y)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		s, o  func() *Stats
		wants string
	}{
		{"vector into 1-D", func() *Stats { return stats(4, nil, 2) }, func() *Stats { return stats(4, fft.Shape{5}, 2) }, "shape [5] into shape []"},
		{"3-D into vector", func() *Stats { return stats(4, fft.Shape{2, 2, 3}, 2) }, func() *Stats { return stats(4, nil, 2) }, "shape [] into shape [2 2 3]"},
		{"vector d=4 into d=5", func() *Stats { return stats(5, nil, 2) }, func() *Stats { return stats(4, nil, 2) }, "4 channels"},
		{"vector of 3 classes into 2", func() *Stats { return stats(4, nil, 2) }, func() *Stats { return stats(4, nil, 3) }, "4 groups"},
		{"C=2 into C=3, 1-D", func() *Stats { return stats(3, fft.Shape{5}, 2) }, func() *Stats { return stats(2, fft.Shape{5}, 2) }, "2 channels"},
		{"T=6 into T=5", func() *Stats { return stats(2, fft.Shape{5}, 2) }, func() *Stats { return stats(2, fft.Shape{6}, 2) }, "shape [6] into shape [5]"},
		// Same number of kept bins (8) and B (12), different bin weights.
		{"2×6 into 4×3", func() *Stats { return stats(2, fft.Shape{4, 3}, 2) }, func() *Stats { return stats(2, fft.Shape{2, 6}, 2) }, "shape [2 6] into shape [4 3]"},
		{"2×3×4 into 2×3×5", func() *Stats { return stats(2, fft.Shape{2, 3, 5}, 2) }, func() *Stats { return stats(2, fft.Shape{2, 3, 4}, 2) }, "merging statistics"},
		{"2-D 3×4 into 3-D 2×3×4", func() *Stats { return stats(2, fft.Shape{2, 3, 4}, 2) }, func() *Stats { return stats(2, fft.Shape{3, 4}, 2) }, "merging statistics"},
		{"3 classes into 2, 3-D", func() *Stats { return stats(2, fft.Shape{2, 2, 3}, 2) }, func() *Stats { return stats(2, fft.Shape{2, 2, 3}, 3) }, "4 groups"},
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", tc.name, r)
				}
			}()
			err := tc.s().Merge(tc.o())
			if err == nil || !strings.Contains(err.Error(), tc.wants) {
				t.Errorf("%s: Merge error %v, want one mentioning %q", tc.name, err, tc.wants)
			}
		}()
	}
}

// TestBatchMismatch: a batch, statistics or layer of one net used with a net
// of another shape (even one with as many kept bins and the same B) is an
// error from Statistics and Factor and a panic from Apply and Decode
// (programmer errors), never a silently wrong result.
func TestBatchMismatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 2106))
	p := DefaultParams(1)
	a, err := NewNet(2, fft.Shape{4, 3}, 2, nil, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewNet(2, fft.Shape{2, 6}, 2, nil, p)
	if err != nil {
		t.Fatal(err)
	}
	x, y := confData(rng, 6, 2, fft.Shape{4, 3}, 2)
	ba, err := a.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Statistics(ba, y); err == nil || !strings.Contains(err.Error(), "shape [4 3] for a net of 2 channels of shape [2 6]") {
		t.Errorf("Statistics of another net's batch: %v", err)
	}
	sa, err := a.Statistics(ba, y)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Factor(sa); err == nil || !strings.Contains(err.Error(), "shape [4 3] for a net of shape [2 6]") {
		t.Errorf("Factor of another net's statistics: %v", err)
	}
	bb, err := b.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Statistics(bb, y)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := b.Factor(sb)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"Apply":  func() { lb.Apply(ba, nil) },
		"Decode": func() { b.Decode(ba) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "redunet: ") {
					t.Errorf("%s of another net's batch: recovered %v, want a redunet panic", name, r)
				}
			}()
			f()
		}()
	}
}
