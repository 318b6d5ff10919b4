package redunet

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/redunet-go/redunet/conv"
)

// golden1DInput is the input of DESIGN.md §8.3 1-D case: X[i,c,t] = cos(0.7·(i+1) + 1.1·c·t) + 0.3·[t == i mod 5].
func golden1DInput() ([]float64, []int) {
	const m, c, t = 4, 2, 5
	x := make([]float64, m*c*t)
	for i := 0; i < m; i++ {
		for ch := 0; ch < c; ch++ {
			for s := 0; s < t; s++ {
				v := math.Cos(0.7*float64(i+1) + 1.1*float64(ch*s))
				if s == i%5 {
					v += 0.3
				}
				x[(i*c+ch)*t+s] = v
			}
		}
	}
	return x, []int{0, 1, 0, 1}
}

// golden2DInput is the input of DESIGN.md §8.4 2-D case: X[i,c,h,w] = sin(0.5·(i+1) + 0.9·c + 0.37·h·4 + 0.61·w).
func golden2DInput() ([]float64, []int) {
	const m, c, h, w = 4, 2, 3, 4
	x := make([]float64, m*c*h*w)
	for i := 0; i < m; i++ {
		for ch := 0; ch < c; ch++ {
			for y := 0; y < h; y++ {
				for z := 0; z < w; z++ {
					x[((i*c+ch)*h+y)*w+z] = math.Sin(0.5*float64(i+1) + 0.9*float64(ch) + 0.37*float64(y*4) + 0.61*float64(z))
				}
			}
		}
	}
	return x, []int{0, 1, 0, 1}
}

// TestMulti1DGolden reproduces DESIGN.md §8.3 1-D case with the
// half-spectrum code.
func TestMulti1DGolden(t *testing.T) {
	for _, workers := range []int{1, 3} {
		x, y := golden1DInput()
		res, err := BuildMulti(context.Background(), x, 2, []int{5}, y, 2, nil, DefaultParams(2), BuildOptions{Keep: true, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, "1-D features", res.Features, golden1DFeatures, goldenTol)
		want := golden1DPredRates
		for i, lr := range res.Layers {
			assertClose(t, "1-D pred rates", ratesSlice(lr.Pred), want[i], goldenTol)
			if !equalInts(lr.Predicted, []int{0, 1, 0, 0}) {
				t.Errorf("layer %d: ŷ = %v, want [0 1 0 0]", i+1, lr.Predicted)
			}
		}
		// The E blocks of layer 1 at bins 0 and 1.
		net := res.Net
		l1 := firstLayer(t, net, x, y)
		assertCloseC(t, "E bin 0", l1.Operator(0, 0), golden1DE0, goldenTol)
		assertCloseC(t, "E bin 1", l1.Operator(0, 1), golden1DE1, goldenTol)
		// Applying the kept net again gives the same features.
		feats, yh, err := net.Transform(context.Background(), x)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, "1-D Transform", feats[0], res.Features, 1e-12)
		if !equalInts(yh[0], []int{0, 1, 0, 0}) {
			t.Errorf("Transform ŷ = %v", yh[0])
		}
	}
}

// TestMulti2DGolden reproduces DESIGN.md §8.4 2-D case with the
// half-spectrum code.
func TestMulti2DGolden(t *testing.T) {
	x, y := golden2DInput()
	res, err := BuildMulti(context.Background(), x, 2, []int{3, 4}, y, 2, nil, DefaultParams(2), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := golden2DPredRates
	for i, lr := range res.Layers {
		assertClose(t, "2-D pred rates", ratesSlice(lr.Pred), want[i], goldenTol)
	}
	assertClose(t, "2-D sample 0", res.Features[:24], golden2DSample0, goldenTol)
	assertClose(t, "2-D sample 1 c0 row 0", res.Features[24:28], golden2DSample1Row0, goldenTol)
}

func assertCloseC(t *testing.T, what string, got, want []complex128, tol float64) {
	t.Helper()
	for i := range want {
		if d := math.Hypot(real(got[i]-want[i]), imag(got[i]-want[i])); d > tol {
			t.Errorf("%s[%d] = %v, want %v (|Δ| = %.3g)", what, i, got[i], want[i], d)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMultiLowRankMatchesDense checks the kernel factorisation and the
// low-rank (Woodbury) operators, used for groups of fewer samples than
// channels, against the dense C×C forms, on a lifted 2-D set where the
// classes (3 samples) are low-rank (3·3 < 12 channels) and the whole set
// (9 samples) is factorised in kernel form but applied densely. Tolerance
// 1e-11: the Woodbury form subtracts a²·YᴴY from a·I with a = C/(m_j·ε²) = 40,
// losing about log10(1 + a·‖V‖²) ≈ 2 digits to cancellation.
func TestMultiLowRankMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	m, h, w := 9, 5, 6
	x := make([]float64, m*h*w)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := []int{0, 1, 2, 0, 1, 2, 2, 1, 0}
	lift, err := conv.NewGaussianLift(1, 12, 3, 2, 7)
	if err != nil {
		t.Fatal(err)
	}
	test := x[:3*h*w]
	build := func() *Result {
		res, err := BuildMulti(context.Background(), x, 1, []int{h, w}, y, 3, lift, DefaultParams(4), BuildOptions{Eval: [][]float64{test}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	low := build()
	forceDense = true
	dense := build()
	forceDense = false
	assertClose(t, "features", low.Features, dense.Features, 1e-11)
	assertClose(t, "eval features", low.Eval[0], dense.Eval[0], 1e-11)
	for i := range low.Layers {
		assertClose(t, "true rates", ratesSlice(low.Layers[i].True), ratesSlice(dense.Layers[i].True), 1e-11)
		assertClose(t, "pred rates", ratesSlice(low.Layers[i].Pred), ratesSlice(dense.Layers[i].Pred), 1e-11)
		if !equalInts(low.Layers[i].Predicted, dense.Layers[i].Predicted) {
			t.Errorf("layer %d: ŷ %v (low rank) vs %v (dense)", i+1, low.Layers[i].Predicted, dense.Layers[i].Predicted)
		}
	}
}

// TestEvalRates: the per-layer rates of an evaluation set that is the
// training set itself equal the training rates with the true labels.
func TestEvalRates(t *testing.T) {
	x, y := goldenVectorInput()
	vr, err := BuildVector(context.Background(), x, 3, y, 2, DefaultParams(3), BuildOptions{Eval: [][]float64{x}, EvalLabels: [][]int{y}})
	if err != nil {
		t.Fatal(err)
	}
	x2, y2 := golden2DInput()
	mr, err := BuildMulti(context.Background(), x2, 2, []int{3, 4}, y2, 2, nil, DefaultParams(2), BuildOptions{Eval: [][]float64{x2}, EvalLabels: [][]int{y2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, layers := range [][]LayerResult{vr.Layers, mr.Layers} {
		for _, lr := range layers {
			if len(lr.Eval) != 1 {
				t.Fatalf("layer %d: %d eval rates, want 1", lr.Layer, len(lr.Eval))
			}
			assertClose(t, "eval rates", ratesSlice(lr.Eval[0]), ratesSlice(lr.True), 1e-12)
		}
	}
}

// The golden values of DESIGN.md §8.3 1-D case and §8.4 2-D case, shared by
// the tests of the half-spectrum code and of the full-spectrum reference.
var (
	golden1DFeatures = []float64{
		0.4292676498, 0.1789991519, 0.2016938542, 0.4363962847, 0.4493403395,
		0.4514170117, -0.027799, -0.2664622391, -0.2108414879, 0.1750810062,
		0.1974453697, 0.4469857859, 0.0481290516, -0.0356516022, -0.0240585768,
		0.0894567254, -0.3512457872, -0.5738878195, -0.0631546111, 0.5406856136,
		-0.4033722706, -0.3660910517, 0.0489100221, -0.1186925207, -0.315631846,
		-0.3090136063, -0.4819900488, -0.0573401113, 0.2437236579, 0.4434767867,
		-0.4923854474, -0.3134792723, -0.1739993045, -0.2108172621, -0.4535832913,
		-0.3467389375, -0.3091471854, 0.0287110916, 0.3706702547, 0.1575093691,
	}
	golden1DPredRates = [][]float64{{0.0595421219, 0.7097414313, 0.6501993094}, {0.1316075342, 0.7806508155, 0.6490432813}}
	golden1DE0        = []complex128{0.642372265, 0.437572674, 0.437572674, 4.7679012511}
	golden1DE1        = []complex128{4.580305787, complex(0.0058034075, 0.0279252517), complex(0.0058034075, -0.0279252517), 0.7263770231}
	golden2DPredRates = [][]float64{{0.0388187213, 0.4520588252, 0.4132401039}, {0.0508470228, 0.4606813893, 0.4098343666}}
	golden2DSample0   = []float64{
		0.18683866298, 0.27590496161, 0.28909466558, 0.22478324224,
		0.21863379743, 0.11968172648, -0.03317300937, -0.17154333306,
		-0.06393681383, -0.20439572375, -0.28582367018, -0.26247071108,
		0.27892567483, 0.24758572823, 0.11802105062, -0.04457193000,
		0.08338575234, -0.06970458622, -0.19866488002, -0.24347271348,
		-0.27474855225, -0.28025732925, -0.20214767630, -0.07275894807,
	}
	golden2DSample1Row0 = []float64{0.27213755154, 0.31231173719, 0.26728503402, 0.14489992794}
)
