package redunet

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// goldenVectorInput is the input of the vector golden case (DESIGN.md §8.2): X[i,k] = sin(1.3·(i+1)·(k+1)) + 0.1·k.
func goldenVectorInput() ([]float64, []int) {
	x := make([]float64, 6*3)
	for i := 0; i < 6; i++ {
		for k := 0; k < 3; k++ {
			x[i*3+k] = math.Sin(1.3*float64((i+1)*(k+1))) + 0.1*float64(k)
		}
	}
	return x, []int{0, 1, 0, 1, 0, 1}
}

// goldenTol is the tolerance of the golden cases (DESIGN.md §8.6): the golden values were printed with
// ~10 significant digits by the authors' numpy code.
const goldenTol = 1e-9

func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol {
			t.Errorf("%s[%d] = %.12g, want %.12g (|Δ| = %.3g > %.0e)", what, i, got[i], want[i], math.Abs(got[i]-want[i]), tol)
		}
	}
}

func ratesSlice(r Rates) []float64 { return []float64{r.DeltaR, r.R, r.Rc} }

// TestVectorGolden reproduces every number of the vector golden case (DESIGN.md §8.2).
func TestVectorGolden(t *testing.T) {
	x, y := goldenVectorInput()
	// The test pass: the first two rows scaled column-wise by [1, −0.5, 2].
	test := append([]float64(nil), x[:6]...)
	for i := 0; i < 2; i++ {
		test[i*3+1] *= -0.5
		test[i*3+2] *= 2
	}
	res, err := BuildVector(context.Background(), x, 3, y, 2, DefaultParams(3), BuildOptions{Keep: true, Eval: [][]float64{test}})
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "Z", res.Features, []float64{
		0.780129074, 0.4186231257, -0.4649229039,
		0.341729051, -0.4909962137, 0.8013388633,
		-0.483697043, 0.8377801215, -0.2533014777,
		-0.681722661, -0.7244691713, 0.1019736896,
		0.15936344, 0.6312453502, 0.7590339926,
		0.763110217, 0.0098002327, -0.6461940514,
	}, goldenTol)
	predRates := [][]float64{
		{0.2651058982, 3.5231875514, 3.2580816533},
		{0.2665868503, 3.5407429369, 3.2741560867},
		{0.2923740149, 3.5529903961, 3.2606163812},
	}
	trueRates := [][]float64{
		{0.1107319833, 3.5231875514, 3.4124555681},
		{0.0891370850, 3.5407429369, 3.4516058519},
		{0.0739696025, 3.5529903961, 3.4790207936},
	}
	yhat := [][]int{{1, 0, 0, 0, 0, 0}, {1, 1, 0, 0, 0, 0}, {1, 1, 0, 0, 0, 0}}
	if len(res.Layers) != 3 {
		t.Fatalf("%d layer results, want 3", len(res.Layers))
	}
	for i, lr := range res.Layers {
		assertClose(t, "pred rates", ratesSlice(lr.Pred), predRates[i], goldenTol)
		assertClose(t, "true rates", ratesSlice(lr.True), trueRates[i], goldenTol)
		for s := range yhat[i] {
			if lr.Predicted[s] != yhat[i][s] {
				t.Errorf("layer %d: ŷ = %v, want %v", i+1, lr.Predicted, yhat[i])
				break
			}
		}
	}
	l1 := firstLayer(t, res.Net, x, y)
	assertClose(t, "γ", l1.Gamma(), []float64{0.5, 0.5}, 0)
	assertClose(t, "E", realOp(t, l1, 0), []float64{
		0.453072231, -0.1085063898, 0.0314274896,
		-0.1085063898, 0.5945853216, 0.1781657447,
		0.0314274896, 0.1781657447, 0.5082689115,
	}, goldenTol)
	assertClose(t, "C_0", realOp(t, l1, 1), []float64{
		1.0324607347, -0.1057461862, -0.0724696331,
		-0.1057461862, 0.8267778747, 0.059932611,
		-0.0724696331, 0.059932611, 0.9308570164,
	}, goldenTol)
	assertClose(t, "C_1", realOp(t, l1, 2), []float64{
		0.8694050783, -0.4013527788, 0.0704112919,
		-0.4013527788, 2.7561823172, 1.4367246194,
		0.0704112919, 1.4367246194, 1.7068161597,
	}, goldenTol)
	wantTest := []float64{
		0.5668628842, -0.4505002144, -0.6897217028,
		0.205345758, 0.3376924312, 0.918584205,
	}
	// Construct-then-apply and applying the stored net give the same.
	assertClose(t, "test pass (construct-then-apply)", res.Eval[0], wantTest, goldenTol)
	got, _ := transformOne(t, res.Net, test)
	assertClose(t, "test pass (stored layers)", got, wantTest, goldenTol)
}

// firstLayer builds the first layer of net on x (its training data) through
// the three stages.
func firstLayer(t *testing.T, net *Net, x []float64, y []int) *Layer {
	t.Helper()
	b, err := net.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	st, err := net.Statistics(b, y)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Factor(st)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// realOp returns the real operator g of a vector net's layer, checking that
// its imaginary parts are zero.
func realOp(t *testing.T, l *Layer, g int) []float64 {
	t.Helper()
	op := l.Operator(g, 0)
	out := make([]float64, len(op))
	for i, v := range op {
		if imag(v) != 0 {
			t.Fatalf("operator %d has an imaginary part at %d: %v", g, i, v)
		}
		out[i] = real(v)
	}
	return out
}

// transformOne applies a kept net to one set.
func transformOne(t *testing.T, net *Net, x []float64) ([]float64, []int) {
	t.Helper()
	feats, yhat, err := net.Transform(context.Background(), x)
	if err != nil {
		t.Fatal(err)
	}
	if yhat == nil {
		return feats[0], nil
	}
	return feats[0], yhat[0]
}

// TestWoodburyMatchesDense checks the kernel (Woodbury) form of the
// operators and log-determinants of the real backend, used whenever a group
// has fewer samples than d (and applied in low-rank form when 3n < d),
// against the dense d×d form (forceDense) on random data. Tolerance 1e-10
// relative to a: the Woodbury form subtracts a²·YᵀY from a·I, losing up to
// log10(1 + a·‖Z‖²) ≈ 3 digits here.
func TestWoodburyMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct{ n, d int }{{1, 5}, {3, 10}, {7, 16}, {20, 50}, {30, 41}} {
		z := make([]float64, tc.n*tc.d)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		normalizeRows(z, tc.d)
		a := rateCoef(tc.d, tc.n, 0.1)
		net, err := NewVectorNet(tc.d, 1, DefaultParams(1))
		if err != nil {
			t.Fatal(err)
		}
		labels := make([]int, tc.n)
		rows := 9
		v := make([]float64, rows*tc.d)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		type form struct {
			rates Rates
			op    []float64
			out   []float64
		}
		build := func() form {
			l := firstLayer(t, net, z, labels)
			b, err := net.Encode(v)
			if err != nil {
				t.Fatal(err)
			}
			l.Apply(b, nil)
			return form{l.InputRates(), realOp(t, l, 1), net.Decode(b)}
		}
		if gramForm(tc.n, tc.d) {
			t.Fatalf("n=%d d=%d: kernel form not used", tc.n, tc.d)
		}
		kf := build()
		forceDense = true
		df := build()
		forceDense = false
		if math.Abs(kf.rates.R-df.rates.R) > 1e-10*math.Abs(df.rates.R) {
			t.Errorf("n=%d d=%d: R kernel %.15g dense %.15g", tc.n, tc.d, kf.rates.R, df.rates.R)
		}
		assertClose(t, "operator", kf.op, df.op, 1e-10*a)
		assertClose(t, "apply", kf.out, df.out, 1e-10*a*float64(tc.d))
	}
}

// TestVectorBatching: the forward pass of a built net does not depend on how
// samples are batched (nothing at test time depends on other samples).
func TestVectorBatching(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	m, d, k := 60, 12, 3
	x := make([]float64, m*d)
	y := make([]int, m)
	for i := range y {
		y[i] = i % k
		for c := 0; c < d; c++ {
			x[i*d+c] = rng.NormFloat64()
			if c%k == y[i] {
				x[i*d+c] += 2
			}
		}
	}
	res, err := BuildVector(context.Background(), x, d, y, k, DefaultParams(4), BuildOptions{Keep: true, Eval: [][]float64{x}})
	if err != nil {
		t.Fatal(err)
	}
	// The training pass and the evaluation pass of the same data agree.
	assertClose(t, "eval vs train", res.Eval[0], res.Features, 1e-12)
	all, _ := transformOne(t, res.Net, x)
	for i := 0; i < m; i++ {
		one, _ := transformOne(t, res.Net, x[i*d:(i+1)*d])
		assertClose(t, "one row", one, all[i*d:(i+1)*d], 1e-12)
	}
}

func TestBuildVectorErrors(t *testing.T) {
	x, y := goldenVectorInput()
	for _, tc := range []struct {
		name   string
		x      []float64
		d      int
		y      []int
		k      int
		p      Params
		substr string
	}{
		{"eta zero", x, 3, y, 2, Params{Eta: 0, EpsSq: 0.1, Lambda: 500, Layers: 1}, "eta"},
		{"eta negative", x, 3, y, 2, Params{Eta: -1, EpsSq: 0.1, Lambda: 500, Layers: 1}, "eta"},
		{"eps2 zero", x, 3, y, 2, Params{Eta: 0.5, EpsSq: 0, Lambda: 500, Layers: 1}, "eps2"},
		{"eps2 NaN", x, 3, y, 2, Params{Eta: 0.5, EpsSq: math.NaN(), Lambda: 500, Layers: 1}, "eps2"},
		{"layers negative", x, 3, y, 2, Params{Eta: 0.5, EpsSq: 0.1, Lambda: 500, Layers: -1}, "layers"},
		{"empty class", x, 3, []int{0, 0, 0, 0, 0, 0}, 2, DefaultParams(1), "class 1 has no training samples"},
		{"label out of range", x, 3, []int{0, 1, 2, 0, 1, 0}, 2, DefaultParams(1), "out of range"},
		{"size mismatch", x[:17], 3, y, 2, DefaultParams(1), "values for 6 labels"},
		{"NaN", append([]float64{math.NaN()}, x[1:]...), 3, y, 2, DefaultParams(1), "non-finite"},
		{"no samples", nil, 3, nil, 2, DefaultParams(1), "no samples"},
	} {
		_, err := BuildVector(context.Background(), tc.x, tc.d, tc.y, tc.k, tc.p, BuildOptions{})
		if err == nil || !contains(err.Error(), tc.substr) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.substr)
		}
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub)))
}

// TestPredict: Predict's ŷ and features are Transform's, and π̂ rows are
// probability vectors whose argmax is ŷ.
func TestPredict(t *testing.T) {
	x, y := goldenVectorInput()
	res, err := BuildVector(context.Background(), x, 3, y, 2, DefaultParams(3), BuildOptions{Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	feat, yhat, pi, err := res.Net.Predict(context.Background(), x)
	if err != nil {
		t.Fatal(err)
	}
	want, wantY := transformOne(t, res.Net, x)
	assertClose(t, "Predict features", feat, want, 0)
	checkProb(t, yhat, wantY, pi, 2)

	x2, y2 := golden1DInput()
	mres, err := BuildMulti(context.Background(), x2, 2, []int{5}, y2, 2, nil, DefaultParams(2), BuildOptions{Keep: true, Eval: [][]float64{x2}})
	if err != nil {
		t.Fatal(err)
	}
	mf, my, mpi, err := mres.Net.Predict(context.Background(), x2)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "multichannel Predict features", mf, mres.Eval[0], 0)
	checkProb(t, my, mres.EvalPredicted[0], mpi, 2)
}

func checkProb(t *testing.T, yhat, want []int, pi []float64, k int) {
	t.Helper()
	if !equalInts(yhat, want) {
		t.Errorf("Predict ŷ %v, Transform ŷ %v", yhat, want)
	}
	for i := range yhat {
		row := pi[i*k : (i+1)*k]
		sum, best := 0.0, 0
		for j, v := range row {
			sum += v
			if v > row[best] {
				best = j
			}
		}
		if math.Abs(sum-1) > 1e-12 || best != yhat[i] {
			t.Errorf("sample %d: π̂ = %v (sum %v), ŷ = %d", i, row, sum, yhat[i])
		}
	}
}
