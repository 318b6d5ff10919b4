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

// This file is the conformance suite of the multichannel ReduNet (STYLE.md,
// "One conformance suite, two implementations"):
//
//   - a full-spectrum reference written here from the definitions alone
//     (DESIGN.md §2.2 Multichannel rates, §4.1 Lifting, §4.2 One FFT per
//     block, §4.4 N dimensions: naive N-D DFT, naive Gauss–Jordan inverse,
//     no bin weights), checked against the golden values of DESIGN.md §8.3
//     1-D case and §8.4 2-D case and against BuildMulti's half spectrum in
//     1-D, 2-D and 3-D;
//   - the circulant theorem of DESIGN.md §5 Exact properties the tests rely
//     on: the multichannel net equals the vector net on all cyclic shifts;
//   - shift equivariance, worker independence, construct-then-apply vs
//     Transform, and input errors.
//
// The 3-D golden values (DESIGN.md §8.5 3-D cases) are in golden3d_test.go.
//
// Tolerances. Every comparison between two float64 computations of the same
// quantity by different code (half vs full spectrum, FFT vs naive DFT,
// Cholesky vs Gauss–Jordan, circulant vs Fourier) uses 1e-12 for unit-norm
// features and for rates (which are O(1) here), unless stated otherwise.
// Both sides round differently at ~1e-16 per operation; the matrices
// I + α·Σ(p) have condition number ≤ 1 + C/ε² = 31 (DESIGN.md §2.3
// Log-determinants), and the soft assignment multiplies a norm difference
// by at most λ/4 = 125 (the slope of a two-way softmax at λ = 500), so after
// 3 layers deviations up to ~1e-14 can be expected; those measured when
// this file was written (quoted at each check) are 1e-16 to 4.4e-15, in
// 1-D, 2-D and 3-D alike. 1e-12 keeps a margin of 100× over the expected
// bound and still catches any wrong weight, scale, bin or sign, which give
// errors of order 1e-3 or more.

// confTol is the tolerance of the conformance comparisons (see above).
const confTol = 1e-12

// ---------------------------------------------------------------------------
// The full-spectrum reference (DESIGN.md §2.2 Multichannel rates, §4.1
// Lifting, §4.2 One FFT per block and §4.4 N dimensions, taken literally).

// refDFT is the unitary N-D DFT of one complex signal of the given shape
// (row-major, the last axis fastest) by its defining O(B²) sum,
//
//	dst[k] = B^(−1/2) · Σ_n src[n] · exp(sign·2πi·Σ_a k_a·n_a/N_a),
//
// with sign −1 (forward) or +1 (inverse), scaled by 1/√B both ways. The
// phase Σ_a k_a·n_a/N_a is reduced modulo 1 in integers first (as the
// numerator Σ_a (k_a·n_a mod N_a)·B/N_a modulo B, over B), so every twiddle
// is accurate to ~1e-16.
func refDFT(src []complex128, shape []int, sign float64) []complex128 {
	b := fft.Shape(shape).Len()
	dst := make([]complex128, b)
	scale := complex(1/math.Sqrt(float64(b)), 0)
	kk := make([]int, len(shape))
	nn := make([]int, len(shape))
	for k := 0; k < b; k++ {
		refUnflatten(kk, k, shape)
		var s complex128
		for n := 0; n < b; n++ {
			refUnflatten(nn, n, shape)
			num := 0
			for a, size := range shape {
				num += kk[a] * nn[a] % size * (b / size)
			}
			sin, cos := math.Sincos(sign * 2 * math.Pi * float64(num%b) / float64(b))
			s += src[n] * complex(cos, sin)
		}
		dst[k] = s * scale
	}
	return dst
}

// refUnflatten writes into idx the per-axis coordinates of the row-major
// flat index i of shape.
func refUnflatten(idx []int, i int, shape []int) {
	for a := len(shape) - 1; a >= 0; a-- {
		idx[a] = i % shape[a]
		i /= shape[a]
	}
}

// refInvLogDet inverts the n×n complex matrix a (row-major; not modified) by
// Gauss–Jordan elimination with partial pivoting. It returns the inverse and
// log|det a| = Σ log|pivot| (the log of the modulus of the product of the
// pivots), which is logdet a for the Hermitian positive definite matrices
// given here.
func refInvLogDet(a []complex128, n int) ([]complex128, float64) {
	m := slices.Clone(a)
	inv := make([]complex128, n*n)
	for i := 0; i < n; i++ {
		inv[i*n+i] = 1
	}
	ld := 0.0
	for col := 0; col < n; col++ {
		piv := col
		for r := col + 1; r < n; r++ {
			if cmplx.Abs(m[r*n+col]) > cmplx.Abs(m[piv*n+col]) {
				piv = r
			}
		}
		if piv != col {
			for j := 0; j < n; j++ {
				m[col*n+j], m[piv*n+j] = m[piv*n+j], m[col*n+j]
				inv[col*n+j], inv[piv*n+j] = inv[piv*n+j], inv[col*n+j]
			}
		}
		d := m[col*n+col]
		ld += math.Log(cmplx.Abs(d))
		for j := 0; j < n; j++ {
			m[col*n+j] /= d
			inv[col*n+j] /= d
		}
		for r := 0; r < n; r++ {
			if f := m[r*n+col]; r != col && f != 0 {
				for j := 0; j < n; j++ {
					m[r*n+j] -= f * m[col*n+j]
					inv[r*n+j] -= f * inv[col*n+j]
				}
			}
		}
	}
	return inv, ld
}

// refLift is the lifting of DESIGN.md §4.1 Lifting by its formula, in any
// number of axes: out[o,t⃗] = ReLU(Σ_{c,s⃗} K[o,c,s⃗]·x[c,(t⃗+s⃗) mod shape]),
// the sum over the input channels c and the taps s⃗ ∈ {0…K−1}^n, each
// coordinate of t⃗+s⃗ reduced modulo the size of its axis.
func refLift(l *conv.Lift, x []float64, shape []int) []float64 {
	n := fft.Shape(shape).Len()
	taps := 1
	for range shape {
		taps *= l.K
	}
	kshape := make([]int, len(shape))
	for a := range kshape {
		kshape[a] = l.K
	}
	m := len(x) / (l.In * n)
	out := make([]float64, m*l.Out*n)
	tt := make([]int, len(shape))
	ss := make([]int, len(shape))
	for i := 0; i < m; i++ {
		for o := 0; o < l.Out; o++ {
			for t := 0; t < n; t++ {
				refUnflatten(tt, t, shape)
				sum := 0.0
				for c := 0; c < l.In; c++ {
					ker := l.Kernels[(o*l.In+c)*taps:]
					sig := x[(i*l.In+c)*n:]
					for s := 0; s < taps; s++ {
						refUnflatten(ss, s, kshape)
						at := 0
						for a, size := range shape {
							at = at*size + (tt[a]+ss[a])%size
						}
						sum += ker[s] * sig[at]
					}
				}
				out[(i*l.Out+o)*n+t] = max(sum, 0)
			}
		}
	}
	return out
}

// refNormalise scales each sample (d values) to unit norm, the norm clamped
// below at 1e-8 (DESIGN.md §1 Conventions).
func refNormalise(z []float64, d int) {
	for i := 0; i < len(z); i += d {
		s := 0.0
		for _, v := range z[i : i+d] {
			s += v * v
		}
		s = math.Max(math.Sqrt(s), 1e-8)
		for j := i; j < i+d; j++ {
			z[j] /= s
		}
	}
}

// refMulti is the state of the reference: the full spectra of m samples,
// v[(i·C + c)·B + p] for sample i, channel c, bin p (all B bins).
type refMulti struct {
	c     int
	shape []int
	b     int // B, the number of bins of the full spectrum
	m     int
	v     []complex128
}

func refSpectra(x []float64, c int, shape []int) *refMulti {
	b := fft.Shape(shape).Len()
	z := slices.Clone(x)
	refNormalise(z, c*b)
	r := &refMulti{c: c, shape: shape, b: b, m: len(z) / (c * b), v: make([]complex128, len(z))}
	sig := make([]complex128, b)
	for row := 0; row < r.m*c; row++ {
		for t := range sig {
			sig[t] = complex(z[row*b+t], 0)
		}
		copy(r.v[row*b:], refDFT(sig, shape, -1))
	}
	return r
}

// timeDomain is the postprocessing of DESIGN.md §4.2 One FFT per block:
// inverse unitary DFT, real part, normalise.
func (r *refMulti) timeDomain() []float64 {
	out := make([]float64, len(r.v))
	for row := 0; row < r.m*r.c; row++ {
		s := refDFT(r.v[row*r.b:(row+1)*r.b], r.shape, +1)
		for t, v := range s {
			out[row*r.b+t] = real(v)
		}
	}
	refNormalise(out, r.c*r.b)
	return out
}

// groups returns, for labels in 0..k−1, the per-bin operators
// a_g·(I + a_g·Σ_g(p))⁻¹ (group 0 the whole set, group j+1 class j; nil for
// an empty class) and (1/B)·Σ_p logdet(I + a_g·Σ_g(p)), a_g = C/(m_g·ε²),
// with no bin weights.
func (r *refMulti) groups(labels []int, k int, epsSq float64) (ops [][][]complex128, ld []float64, counts []int) {
	c, b := r.c, r.b
	members := make([][]int, k+1)
	for i, y := range labels {
		members[0] = append(members[0], i)
		members[y+1] = append(members[y+1], i)
	}
	ops = make([][][]complex128, k+1)
	ld = make([]float64, k+1)
	counts = make([]int, k)
	for g, mem := range members {
		if g > 0 {
			counts[g-1] = len(mem)
		}
		if len(mem) == 0 {
			continue
		}
		a := float64(c) / (float64(len(mem)) * epsSq)
		ops[g] = make([][]complex128, b)
		for p := 0; p < b; p++ {
			mat := make([]complex128, c*c)
			for u := 0; u < c; u++ {
				mat[u*c+u] = 1
				for w := 0; w < c; w++ {
					var s complex128
					for _, i := range mem {
						s += r.v[(i*c+u)*b+p] * cmplx.Conj(r.v[(i*c+w)*b+p])
					}
					mat[u*c+w] += complex(a, 0) * s
				}
			}
			inv, l := refInvLogDet(mat, c)
			for i := range inv {
				inv[i] *= complex(a, 0)
			}
			ops[g][p] = inv
			ld[g] += l
		}
		ld[g] /= float64(b)
	}
	return ops, ld, counts
}

// refRates assembles R = ½·ld[0], Rc = Σ_j (m_j/m)·½·ld[j+1] (DESIGN.md
// §2.2 Multichannel rates).
func refRates(ld []float64, counts []int) Rates {
	m := 0
	for _, n := range counts {
		m += n
	}
	r, rc := ld[0]/2, 0.0
	for j, n := range counts {
		if n > 0 {
			rc += float64(n) / float64(m) * ld[j+1] / 2
		}
	}
	return Rates{DeltaR: r - rc, R: r, Rc: rc}
}

// forward is the layer of DESIGN.md §4.2 One FFT per block on every
// sample, over all B bins with unweighted norms. It returns ŷ.
func (r *refMulti) forward(ops [][][]complex128, gamma []float64, p Params) []int {
	c, b, k := r.c, r.b, len(gamma)
	yhat := make([]int, r.m)
	apply := func(op [][]complex128, v []complex128) []complex128 {
		out := make([]complex128, c*b)
		for q := 0; q < b; q++ {
			for u := 0; u < c; u++ {
				for w := 0; w < c; w++ {
					out[u*b+q] += op[q][u*c+w] * v[w*b+q]
				}
			}
		}
		return out
	}
	norm := func(v []complex128) float64 {
		s := 0.0
		for _, x := range v {
			s += real(x)*real(x) + imag(x)*imag(x)
		}
		return math.Sqrt(s)
	}
	for i := 0; i < r.m; i++ {
		v := r.v[i*c*b : (i+1)*c*b]
		e := apply(ops[0], v)
		cs := make([][]complex128, k)
		n := make([]float64, k)
		for j := range cs {
			cs[j] = apply(ops[j+1], v)
			n[j] = math.Max(norm(cs[j]), 1e-8)
		}
		pi := make([]float64, k)
		nmin := slices.Min(n)
		sum := 0.0
		for j := range pi {
			pi[j] = math.Exp(-p.Lambda * (n[j] - nmin))
			sum += pi[j]
		}
		for j := range pi {
			pi[j] /= sum
			if pi[j] > pi[yhat[i]] {
				yhat[i] = j
			}
		}
		for t := range v {
			d := e[t]
			for j := range cs {
				d -= complex(gamma[j]*pi[j], 0) * cs[j][t]
			}
			v[t] += complex(p.Eta, 0) * d
		}
		s := complex(1/math.Max(norm(v), 1e-8), 0)
		for t := range v {
			v[t] *= s
		}
	}
	return yhat
}

// refResult is what the reference construction pass records.
type refResult struct {
	input    Rates
	layers   []LayerResult
	features []float64
	eval     [][]float64
	evalPred [][]int
	e1       [][]complex128 // layer 1's E(p), every bin
}

// refBuildMulti is the construction pass (DESIGN.md §3.3 Construction pass,
// §4.2 One FFT per block) on the full spectrum.
func refBuildMulti(x []float64, inC int, shape []int, labels []int, k int, lift *conv.Lift, p Params, evals [][]float64) refResult {
	c := inC
	prep := func(x []float64) *refMulti {
		if lift != nil {
			x = refLift(lift, x, shape)
		}
		return refSpectra(x, c, shape)
	}
	if lift != nil {
		c = lift.Out
	}
	tr := prep(x)
	ev := make([]*refMulti, len(evals))
	for i, e := range evals {
		ev[i] = prep(e)
	}
	var res refResult
	ops, ld, counts := tr.groups(labels, k, p.EpsSq)
	res.input = refRates(ld, counts)
	gamma := make([]float64, k)
	for j, n := range counts {
		gamma[j] = float64(n) / float64(len(labels))
	}
	for layer := 1; layer <= p.Layers; layer++ {
		if layer == 1 {
			res.e1 = ops[0]
		}
		yhat := tr.forward(ops, gamma, p)
		res.evalPred = make([][]int, len(ev))
		for i, e := range ev {
			res.evalPred[i] = e.forward(ops, gamma, p)
		}
		ops, ld, counts = tr.groups(labels, k, p.EpsSq)
		lr := LayerResult{Layer: layer, True: refRates(ld, counts), Predicted: yhat}
		_, pld, pcounts := tr.groups(yhat, k, p.EpsSq)
		lr.Pred = refRates(pld, pcounts)
		res.layers = append(res.layers, lr)
	}
	res.features = tr.timeDomain()
	for _, e := range ev {
		res.eval = append(res.eval, e.timeDomain())
	}
	return res
}

// ---------------------------------------------------------------------------
// Helpers.

// confMaxDiff is max_i |a_i − b_i| (+Inf if the lengths differ).
func confMaxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// confCheck fails if max|got − want| > tol and returns the deviation, so
// that callers can log the largest one measured.
func confCheck(t *testing.T, what string, got, want []float64, tol float64) float64 {
	t.Helper()
	d := confMaxDiff(got, want)
	if !(d <= tol) {
		t.Errorf("%s: max |Δ| = %.3g > %.0e", what, d, tol)
	}
	return d
}

// confRates flattens a construction pass's rates: the input rates, then
// for every layer the true-label rates, then the predicted-label rates.
func confRates(input Rates, layers []LayerResult, scale float64) (tru, pred []float64) {
	tru = append(tru, ratesSlice(input)...)
	for _, lr := range layers {
		tru = append(tru, ratesSlice(lr.True)...)
		pred = append(pred, ratesSlice(lr.Pred)...)
	}
	for i := range tru {
		tru[i] *= scale
	}
	for i := range pred {
		pred[i] *= scale
	}
	return tru, pred
}

// confData returns m samples of c channels of the given shape, labels
// i mod k: N(0,1) noise plus one fixed N(0,1) pattern per class, so that
// the classes differ and ŷ is not constant.
func confData(rng *rand.Rand, m, c int, shape []int, k int) ([]float64, []int) {
	n := c * fft.Shape(shape).Len()
	pat := make([]float64, k*n)
	for i := range pat {
		pat[i] = rng.NormFloat64()
	}
	x := make([]float64, m*n)
	y := make([]int, m)
	for i := range y {
		y[i] = i % k
		for j := 0; j < n; j++ {
			x[i*n+j] = rng.NormFloat64() + pat[y[i]*n+j]
		}
	}
	return x, y
}

// confShift cyclically shifts one sample of c channels by s, a flat
// row-major index into the signal (t in 1-D, dy·W + dx in 2-D,
// (dd·H + dy)·W + dx in 3-D), decoded into one offset per axis.
func confShift(x []float64, c int, shape []int, s int) []float64 {
	off := make([]int, len(shape))
	refUnflatten(off, s, shape)
	return conv.Shift(nil, x, c, shape, off)
}

// confShiftSet shifts sample i of x (c channels each) by shifts[i].
func confShiftSet(x []float64, c int, shape []int, shifts []int) []float64 {
	n := c * fft.Shape(shape).Len()
	out := make([]float64, 0, len(x))
	for i, s := range shifts {
		out = append(out, confShift(x[i*n:(i+1)*n], c, shape, s)...)
	}
	return out
}

// caseName names a test case by its sizes.
func caseName(shape []int, c, k int, lift *conv.Lift) string {
	s := fmt.Sprintf("shape %v C=%d K=%d", shape, c, k)
	if lift != nil {
		s += fmt.Sprintf(" lift %d→%d k=%d", lift.In, lift.Out, lift.K)
	}
	return s
}

func confLift(t *testing.T, in, out, k, dims int, seed uint64) *conv.Lift {
	t.Helper()
	l, err := conv.NewGaussianLift(in, out, k, dims, seed)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// ---------------------------------------------------------------------------
// 1. The full-spectrum reference.

// TestMultiFullSpectrumReference checks the reference above against the
// golden values of DESIGN.md §8.3 1-D case and §8.4 2-D case (tolerance
// goldenTol = 1e-9: the golden values have ~10 significant digits; measured
// 4.9e-11), then BuildMulti's half spectrum against it on random data of
// many 1-D, 2-D and 3-D sizes, with and without a lift (tolerance
// confTol = 1e-12, see the top of the file; measured features 1.3e-15 in
// 1-D, 1.2e-15 in 2-D, 7.8e-16 in 3-D, rates ≤ 6.7e-16).
func TestMultiFullSpectrumReference(t *testing.T) {
	t.Run("golden 1-D", func(t *testing.T) {
		x, y := golden1DInput()
		ref := refBuildMulti(x, 2, []int{5}, y, 2, nil, DefaultParams(2), nil)
		g := confCheck(t, "reference 1-D features", ref.features, golden1DFeatures, goldenTol)
		want := golden1DPredRates
		for i, lr := range ref.layers {
			g = max(g, confCheck(t, "reference 1-D pred rates", ratesSlice(lr.Pred), want[i], goldenTol))
			if !equalInts(lr.Predicted, []int{0, 1, 0, 0}) {
				t.Errorf("reference layer %d: ŷ = %v, want [0 1 0 0]", i+1, lr.Predicted)
			}
		}
		assertCloseC(t, "reference E bin 0", ref.e1[0], golden1DE0, goldenTol)
		assertCloseC(t, "reference E bin 1", ref.e1[1], golden1DE1, goldenTol)
		t.Logf("1-D reference vs DESIGN.md §8.3: max |Δ| = %.2g", g)
		// The true-label rates have no golden values: compare with BuildMulti.
		res, err := BuildMulti(context.Background(), x, 2, []int{5}, y, 2, nil, DefaultParams(2), BuildOptions{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		rt, rp := confRates(ref.input, ref.layers, 1)
		gt, gp := confRates(res.Input, res.Layers, 1)
		t.Logf("1-D golden: true rates |Δ| = %.2g, pred rates |Δ| = %.2g, features |Δ| = %.2g",
			confCheck(t, "1-D true rates", gt, rt, confTol), confCheck(t, "1-D pred rates", gp, rp, confTol),
			confCheck(t, "1-D features", res.Features, ref.features, confTol))
	})
	t.Run("golden 2-D", func(t *testing.T) {
		x, y := golden2DInput()
		ref := refBuildMulti(x, 2, []int{3, 4}, y, 2, nil, DefaultParams(2), nil)
		want := golden2DPredRates
		g := 0.0
		for i, lr := range ref.layers {
			g = max(g, confCheck(t, "reference 2-D pred rates", ratesSlice(lr.Pred), want[i], goldenTol))
		}
		g = max(g, confCheck(t, "reference 2-D sample 0", ref.features[:24], golden2DSample0, goldenTol))
		g = max(g, confCheck(t, "reference 2-D sample 1 c0 row 0", ref.features[24:28], golden2DSample1Row0, goldenTol))
		t.Logf("2-D reference vs DESIGN.md §8.4: max |Δ| = %.2g", g)
		res, err := BuildMulti(context.Background(), x, 2, []int{3, 4}, y, 2, nil, DefaultParams(2), BuildOptions{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.Layers {
			if !equalInts(res.Layers[i].Predicted, ref.layers[i].Predicted) {
				t.Errorf("2-D layer %d: ŷ %v, reference %v", i+1, res.Layers[i].Predicted, ref.layers[i].Predicted)
			}
		}
		rt, rp := confRates(ref.input, ref.layers, 1)
		gt, gp := confRates(res.Input, res.Layers, 1)
		t.Logf("2-D golden: true rates |Δ| = %.2g, pred rates |Δ| = %.2g, features |Δ| = %.2g",
			confCheck(t, "2-D true rates", gt, rt, confTol), confCheck(t, "2-D pred rates", gp, rp, confTol),
			confCheck(t, "2-D features", res.Features, ref.features, confTol))
	})

	// Random data: every odd/even combination of sizes (odd T and W have no
	// Nyquist bin; even ones have one with weight 1), C = 1..3, K = 2, 3.
	rng := rand.New(rand.NewPCG(2022, 2105))
	type tc struct {
		shape   []int
		c, k, m int
		lift    *conv.Lift // applied to c input channels
	}
	var cases []tc
	for i, shape := range [][]int{{5}, {6}, {7}, {8}, {3, 4}, {4, 3}, {5, 5}, {4, 6}} {
		cases = append(cases, tc{shape: shape, c: 1 + i%3, k: 2 + i%2, m: 7}, tc{shape: shape, c: 1 + (i+1)%3, k: 2 + (i+1)%2, m: 9})
	}
	cases = append(cases,
		tc{shape: []int{7}, c: 2, k: 2, m: 6, lift: confLift(t, 2, 3, 3, 1, 11)},
		tc{shape: []int{4, 5}, c: 1, k: 3, m: 6, lift: confLift(t, 1, 3, 2, 2, 12)},
		// Degenerate sizes: one or two bins, single rows and columns.
		tc{shape: []int{1}, c: 2, k: 2, m: 5},
		tc{shape: []int{2}, c: 2, k: 2, m: 5},
		tc{shape: []int{1, 6}, c: 2, k: 2, m: 5},
		tc{shape: []int{6, 1}, c: 2, k: 2, m: 5},
		tc{shape: []int{2, 2}, c: 3, k: 3, m: 6},
		// m_j < C: the class covariances are rank deficient.
		tc{shape: []int{5}, c: 4, k: 3, m: 5},
	)
	// 3-D (DESIGN.md §4.4 N dimensions): complex transforms on the first two
	// axes, the real one on the last; odd and even last axes (4 and 2 have
	// a Nyquist bin of weight 1, 3 and 5 do not), a 3-D lift, a volume of a
	// single bin (every size 1, which takes the real backend), a last axis
	// of size 1 (every bin of weight 1), and m_j < C.
	for i, shape := range [][]int{{3, 4, 5}, {2, 3, 3}, {4, 3, 2}, {2, 2, 4}} {
		cases = append(cases, tc{shape: shape, c: 1 + i%3, k: 2 + i%2, m: 7}, tc{shape: shape, c: 1 + (i+1)%3, k: 2 + (i+1)%2, m: 9})
	}
	cases = append(cases,
		tc{shape: []int{3, 4, 5}, c: 1, k: 2, m: 6, lift: confLift(t, 1, 3, 2, 3, 13)},
		tc{shape: []int{2, 3, 3}, c: 2, k: 3, m: 6, lift: confLift(t, 2, 3, 2, 3, 14)},
		tc{shape: []int{3, 3, 4}, c: 1, k: 2, m: 6, lift: confLift(t, 1, 2, 3, 3, 15)},
		tc{shape: []int{1, 1, 1}, c: 3, k: 2, m: 6},
		tc{shape: []int{3, 2, 1}, c: 2, k: 2, m: 5},
		tc{shape: []int{2, 2, 3}, c: 4, k: 3, m: 5},
	)
	// Deviations and non-constant ŷ, by number of axes.
	var worstF, worstT, worstP [4]float64
	var nonConst, count [4]int
	for _, c := range cases {
		x, y := confData(rng, c.m, c.c, c.shape, c.k)
		ev, _ := confData(rng, 4, c.c, c.shape, c.k)
		// An all-zero evaluation sample: every norm hits the 1e-8 clamp,
		// π̂ is uniform, ŷ = 0 (the first on ties) and its feature stays 0.
		clear(ev[:c.c*fft.Shape(c.shape).Len()])
		p := DefaultParams(3)
		ref := refBuildMulti(x, c.c, c.shape, y, c.k, c.lift, p, [][]float64{ev})
		res, err := BuildMulti(context.Background(), x, c.c, c.shape, y, c.k, c.lift, p, BuildOptions{Eval: [][]float64{ev}, Workers: 2})
		if err != nil {
			t.Fatalf("shape %v C=%d: %v", c.shape, c.c, err)
		}
		what := caseName(c.shape, c.c, c.k, c.lift)
		n := len(c.shape)
		count[n]++
		worstF[n] = max(worstF[n], confCheck(t, what+" features", res.Features, ref.features, confTol))
		worstF[n] = max(worstF[n], confCheck(t, what+" eval features", res.Eval[0], ref.eval[0], confTol))
		rt, rp := confRates(ref.input, ref.layers, 1)
		gt, gp := confRates(res.Input, res.Layers, 1)
		worstT[n] = max(worstT[n], confCheck(t, what+" true rates", gt, rt, confTol))
		worstP[n] = max(worstP[n], confCheck(t, what+" pred rates", gp, rp, confTol))
		for i := range res.Layers {
			if !equalInts(res.Layers[i].Predicted, ref.layers[i].Predicted) {
				t.Errorf("%s layer %d: ŷ %v, reference %v", what, i+1, res.Layers[i].Predicted, ref.layers[i].Predicted)
			}
		}
		if last := res.Layers[len(res.Layers)-1].Predicted; slices.Min(last) != slices.Max(last) {
			nonConst[n]++
		}
		if !equalInts(res.EvalPredicted[0], ref.evalPred[0]) {
			t.Errorf("%s: eval ŷ %v, reference %v", what, res.EvalPredicted[0], ref.evalPred[0])
		}
	}
	for n := 1; n <= 3; n++ {
		if nonConst[n] < count[n]/2 {
			t.Errorf("%d-D: only %d of %d cases have a non-constant ŷ: the data does not exercise the soft assignment", n, nonConst[n], count[n])
		}
		t.Logf("random %d-D sizes: max |Δ| features %.2g, true rates %.2g, pred rates %.2g", n, worstF[n], worstT[n], worstP[n])
	}
}

// ---------------------------------------------------------------------------
// 2. The circulant theorem (DESIGN.md §5 Exact properties the tests rely on).

// TestMultiEqualsVectorOnAllShifts runs the vector ReduNet on all m·B cyclic
// shifts of m multichannel samples (d = C·B; shift s of sample i is vector
// sample i·B + s, with label y_i) and compares it with the multichannel net.
//
// The correspondence, derived and verified here: let Z be the m·B shifted
// samples (unit rows: a shift keeps the C×B norm, so normalising a shift is
// shifting the normalised sample). In the unitary DFT basis ZᵀZ is block
// diagonal with blocks Σ_s Σ_i (ωˢ V_i(p))(ωˢ V_i(p))ᴴ = B·Σ(p). With
// a = d/(m·B·ε²_vec) = C/(m·ε²_vec), the vector operators are, per bin,
// E_vec(p) = a·(I + a·B·Σ(p))⁻¹. Choosing ε²_vec = B·ε² makes a·B = α = C/(m·ε²),
// so E_vec(p) = E(p)/B and C_j,vec(p) = C_j(p)/B exactly (the same for each
// class: m_j·B rows, a_j·B = α_j), and γ_j is unchanged. The unitary DFT
// keeps norms (the multichannel norm over the C×B tensor is the vector
// norm), so ‖C_j,vec z‖ = n_j/B, and the vector step
// z + η_vec·(E_vec z − Σ γ_j π̂_j C_j,vec z) with π̂ = softmax(−λ_vec·n_j/B) is the
// multichannel step iff η_vec = B·η and λ_vec = B·λ; the final
// normalisation is the same norm. The logdets are sums over the B blocks of
// the same logdet(I + α·Σ(p)), so R_vec = B·R and Rc_vec = B·Rc (ΔR too).
// Hence, exactly (up to the 1e-8 clamps, which are not reached):
//
//	ε²_vec = B·ε²,  η_vec = B·η,  λ_vec = B·λ,  rates_vec = B·rates,
//	features_vec(i·B + s) = shift_s(features(i)),  ŷ_vec(i·B + s) = ŷ(i).
//
// This is the statement of DESIGN.md §5 Exact properties the tests rely
// on, confirmed, in 1-D, 2-D and 3-D (2×2×3 and 2×3×2: B = 12, so the vector
// nets have d = 24 and 24 or 36 samples). Tolerance: confTol for features
// (measured 1.9e-15 in 1-D, 1.3e-15 in 2-D, 1.1e-15 in 3-D) and B·confTol
// for the vector rates, which are B times larger (measured 2.2e-15,
// 3.6e-15, 4.4e-15). Leaving any one of the three parameters unscaled gives
// rate or feature deviations ≥ 2e-3 (logged with -v; 3.2e-3 at the least in
// 3-D), so the check has teeth; λ's scaling only shows where π̂ is not
// one-hot, hence the cases with λ = 5.
func TestMultiEqualsVectorOnAllShifts(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2105))
	var worstF, worstR [4]float64 // by number of axes
	for _, tc := range []struct {
		m, c, k int
		shape   []int
		lambda  float64
	}{
		{3, 2, 2, []int{4}, 500},
		{3, 2, 2, []int{5}, 500},
		{2, 2, 2, []int{3, 3}, 500},
		{3, 2, 2, []int{4}, 5},
		{3, 2, 2, []int{5}, 5},
		{2, 2, 2, []int{3, 3}, 5},
		{4, 2, 3, []int{2, 3}, 500},
		// 3-D: B = 12, d = C·B = 24.
		{2, 2, 2, []int{2, 2, 3}, 500},
		{2, 2, 2, []int{2, 2, 3}, 5},
		{3, 1, 2, []int{2, 3, 2}, 5},
	} {
		what := caseName(tc.shape, tc.c, tc.k, nil) + fmt.Sprintf(" λ=%g", tc.lambda)
		x, y := confData(rng, tc.m, tc.c, tc.shape, tc.k)
		ev, _ := confData(rng, 2, tc.c, tc.shape, tc.k)
		p := DefaultParams(3)
		p.Lambda = tc.lambda
		mc, err := BuildMulti(context.Background(), x, tc.c, tc.shape, y, tc.k, nil, p, BuildOptions{Eval: [][]float64{ev}, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		b := fft.Shape(tc.shape).Len()
		d := tc.c * b
		allShifts := func(x []float64) ([]float64, []int) {
			var out []float64
			var owner []int
			for i := 0; i < len(x)/d; i++ {
				for s := 0; s < b; s++ {
					out = append(out, confShift(x[i*d:(i+1)*d], tc.c, tc.shape, s)...)
					owner = append(owner, i)
				}
			}
			return out, owner
		}
		xv, owner := allShifts(x)
		yv := make([]int, len(owner))
		for r, i := range owner {
			yv[r] = y[i]
		}
		evv, evOwner := allShifts(ev)
		fb := float64(b)
		pv := Params{Eta: fb * p.Eta, EpsSq: fb * p.EpsSq, Lambda: fb * p.Lambda, Layers: p.Layers}
		vec, err := BuildVector(context.Background(), xv, d, yv, tc.k, pv, BuildOptions{Eval: [][]float64{evv}})
		if err != nil {
			t.Fatal(err)
		}
		// Features: shift s of sample i ↔ shift_s of the multichannel feature.
		wantF, _ := allShifts(mc.Features)
		n := len(tc.shape)
		worstF[n] = max(worstF[n], confCheck(t, what+" features", vec.Features, wantF, confTol))
		wantE, _ := allShifts(mc.Eval[0])
		worstF[n] = max(worstF[n], confCheck(t, what+" eval features", vec.Eval[0], wantE, confTol))
		// Rates: B times the multichannel rates.
		vt, vp := confRates(vec.Input, vec.Layers, 1)
		mt, mp := confRates(mc.Input, mc.Layers, fb)
		worstR[n] = max(worstR[n], confCheck(t, what+" true rates", vt, mt, fb*confTol))
		worstR[n] = max(worstR[n], confCheck(t, what+" pred rates", vp, mp, fb*confTol))
		// ŷ: every shift of a sample agrees with the multichannel ŷ.
		for l := range mc.Layers {
			for r, i := range owner {
				if vec.Layers[l].Predicted[r] != mc.Layers[l].Predicted[i] {
					t.Errorf("%s layer %d: vector ŷ of shift %d of sample %d = %d, multichannel %d",
						what, l+1, r%b, i, vec.Layers[l].Predicted[r], mc.Layers[l].Predicted[i])
				}
			}
		}
		for r, i := range evOwner {
			if vec.EvalPredicted[0][r] != mc.EvalPredicted[0][i] {
				t.Errorf("%s: vector eval ŷ of shift %d of sample %d = %d, multichannel %d", what, r%b, i, vec.EvalPredicted[0][r], mc.EvalPredicted[0][i])
			}
		}
		// Each of the three scalings is needed: leaving ε² unscaled changes
		// the rates, leaving η or λ unscaled changes the features. (At
		// λ = 500 on these few well-separated samples π̂ is one-hot to
		// rounding, so λ's scaling shows only in the λ = 5 cases.)
		for _, w := range []struct {
			name string
			p    Params
		}{
			{"ε²", Params{Eta: pv.Eta, EpsSq: p.EpsSq, Lambda: pv.Lambda, Layers: p.Layers}},
			{"η", Params{Eta: p.Eta, EpsSq: pv.EpsSq, Lambda: pv.Lambda, Layers: p.Layers}},
			{"λ", Params{Eta: pv.Eta, EpsSq: pv.EpsSq, Lambda: p.Lambda, Layers: p.Layers}},
		} {
			if w.name == "λ" && tc.lambda > 100 {
				continue
			}
			wrong, err := BuildVector(context.Background(), xv, d, yv, tc.k, w.p, BuildOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wt, _ := confRates(wrong.Input, wrong.Layers, 1)
			if dr, df := confMaxDiff(wt, mt), confMaxDiff(wrong.Features, wantF); dr < 1e-3 && df < 1e-3 {
				t.Errorf("%s: the vector net with %s unscaled also matches (rates %.2g, features %.2g); the test cannot tell", what, w.name, dr, df)
			} else {
				t.Logf("%s: %s unscaled: rates |Δ| %.2g, features |Δ| %.2g", what, w.name, dr, df)
			}
		}
	}
	for n := 1; n <= 3; n++ {
		t.Logf("%d-D: max |Δ| features %.2g, rates (B× scale) %.2g", n, worstF[n], worstR[n])
	}
}

// ---------------------------------------------------------------------------
// 3. Shift equivariance (DESIGN.md §5 Exact properties the tests rely on).

// TestMultiShiftEquivariance: cyclically shifting evaluation inputs shifts
// their features and keeps ŷ; shifting the training samples (all by one
// shift, or each by its own) keeps both rate series and ŷ and shifts the
// features. Shifts are drawn uniformly from all B cyclic shifts (in 2-D and
// 3-D a flat index, decoded into one offset per axis), in 1-D, 2-D and 3-D
// (3×5×3, odd on every axis: no Nyquist bin, with and without a 3-D lift;
// and 2×3×4, whose last axis has one). The lift is exactly equivariant (bit
// for bit); the FFT of a shifted signal rounds differently, so features and
// rates are compared at confTol (measured features 3.5e-15 in 1-D, 5.8e-16
// in 2-D, 6.5e-16 in 3-D; rates ≤ 2.4e-15).
func TestMultiShiftEquivariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2105))
	var worstF, worstR [4]float64 // by number of axes
	for _, tc := range []struct {
		shape   []int
		c, k, m int
		lift    *conv.Lift
	}{
		{[]int{7}, 1, 2, 8, confLift(t, 1, 4, 3, 1, 21)},
		{[]int{5, 7}, 1, 3, 9, confLift(t, 1, 4, 3, 2, 22)},
		{[]int{8}, 2, 2, 6, nil},
		{[]int{4, 6}, 2, 3, 7, nil},
		{[]int{7, 5}, 3, 2, 6, nil},
		// 3-D: odd sizes (no Nyquist bin), and an even last axis.
		{[]int{3, 5, 3}, 2, 2, 6, nil},
		{[]int{3, 5, 3}, 1, 2, 7, confLift(t, 1, 3, 2, 3, 23)},
		{[]int{2, 3, 4}, 2, 3, 7, nil},
	} {
		what := caseName(tc.shape, tc.c, tc.k, tc.lift)
		cout := tc.c
		if tc.lift != nil {
			cout = tc.lift.Out
		}
		b := fft.Shape(tc.shape).Len()
		randShifts := func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = rng.IntN(b)
			}
			return s
		}
		x, y := confData(rng, tc.m, tc.c, tc.shape, tc.k)
		ev, _ := confData(rng, 5, tc.c, tc.shape, tc.k)
		evShifts := randShifts(5)
		p := DefaultParams(3)
		base, err := BuildMulti(context.Background(), x, tc.c, tc.shape, y, tc.k, tc.lift, p, BuildOptions{Eval: [][]float64{ev, confShiftSet(ev, tc.c, tc.shape, evShifts)}, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		n := len(tc.shape)
		worstF[n] = max(worstF[n], confCheck(t, what+" shifted eval", base.Eval[1], confShiftSet(base.Eval[0], cout, tc.shape, evShifts), confTol))
		if !equalInts(base.EvalPredicted[0], base.EvalPredicted[1]) {
			t.Errorf("%s: eval ŷ %v, shifted %v", what, base.EvalPredicted[0], base.EvalPredicted[1])
		}
		bt, bp := confRates(base.Input, base.Layers, 1)
		one := rng.IntN(b-1) + 1 // a non-zero shift for every sample
		same := make([]int, tc.m)
		for i := range same {
			same[i] = one
		}
		for _, shifts := range [][]int{same, randShifts(tc.m)} {
			res, err := BuildMulti(context.Background(), confShiftSet(x, tc.c, tc.shape, shifts), tc.c, tc.shape, y, tc.k, tc.lift, p, BuildOptions{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			worstF[n] = max(worstF[n], confCheck(t, what+" shifted training features", res.Features, confShiftSet(base.Features, cout, tc.shape, shifts), confTol))
			rt, rp := confRates(res.Input, res.Layers, 1)
			worstR[n] = max(worstR[n], confCheck(t, what+" shifted training, true rates", rt, bt, confTol))
			worstR[n] = max(worstR[n], confCheck(t, what+" shifted training, pred rates", rp, bp, confTol))
			for l := range res.Layers {
				if !equalInts(res.Layers[l].Predicted, base.Layers[l].Predicted) {
					t.Errorf("%s layer %d: ŷ %v after shifting the training set by %v, %v before", what, l+1, res.Layers[l].Predicted, shifts, base.Layers[l].Predicted)
				}
			}
		}
	}
	for n := 1; n <= 3; n++ {
		t.Logf("%d-D: max |Δ| features %.2g, rates %.2g", n, worstF[n], worstR[n])
	}
}

// ---------------------------------------------------------------------------
// 4, 5. Workers, and construct-then-apply vs Transform.

// TestMultiWorkers: the result does not depend on the number of workers
// (reductions run in a fixed order: the per-bin sums of stats.go and
// factor.go and the per-sample sums over bins of forward.go), so features,
// rates and ŷ must be bitwise identical (tolerance 0), for BuildMulti and
// for Transform of a kept net, in 2-D (6×7) and in 3-D (3×4×5, 3-D lift).
// m = 37 and m = 23 are not multiples of 2 or 4, so the workers that split
// the samples (lift, FFTs) get unequal shares.
func TestMultiWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 2105))
	for _, tc := range []struct {
		shape []int
		m, k  int
		lift  *conv.Lift
	}{
		{[]int{6, 7}, 37, 3, confLift(t, 1, 5, 3, 2, 31)},
		{[]int{3, 4, 5}, 23, 3, confLift(t, 1, 4, 2, 3, 32)},
	} {
		testMultiWorkers(t, rng, tc.shape, tc.m, tc.k, tc.lift)
	}
}

func testMultiWorkers(t *testing.T, rng *rand.Rand, shape []int, m, k int, lift *conv.Lift) {
	x, y := confData(rng, m, 1, shape, k)
	ev, _ := confData(rng, 11, 1, shape, k)
	p := DefaultParams(3)
	build := func(workers int) *Result {
		res, err := BuildMulti(context.Background(), x, 1, shape, y, k, lift, p, BuildOptions{Keep: true, Eval: [][]float64{ev}, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	name := caseName(shape, 1, k, lift) + ": "
	ref := build(1)
	rt, rp := confRates(ref.Input, ref.Layers, 1)
	for _, w := range []int{2, 4} {
		res := build(w)
		what := name + fmt.Sprintf("Workers=%d vs 1", w)
		confCheck(t, what+" features", res.Features, ref.Features, 0)
		confCheck(t, what+" eval", res.Eval[0], ref.Eval[0], 0)
		gt, gp := confRates(res.Input, res.Layers, 1)
		confCheck(t, what+" true rates", gt, rt, 0)
		confCheck(t, what+" pred rates", gp, rp, 0)
		for l := range res.Layers {
			if !equalInts(res.Layers[l].Predicted, ref.Layers[l].Predicted) {
				t.Errorf("%s layer %d: ŷ differs", what, l+1)
			}
		}
		if !equalInts(res.EvalPredicted[0], ref.EvalPredicted[0]) {
			t.Errorf("%s: eval ŷ differs", what)
		}
	}
	// Transform of the kept net, with 1 and 4 workers, equals the
	// construct-then-apply features and ŷ; the training set through
	// Transform gives the training features, exactly (an evaluation set
	// moves in chunks, and a sample's result does not depend on its chunk).
	for _, w := range []int{1, 4} {
		ref.Net.Workers = w
		feats, yhat, err := ref.Net.Transform(context.Background(), ev, x)
		if err != nil {
			t.Fatal(err)
		}
		what := name + fmt.Sprintf("Transform, Workers=%d", w)
		confCheck(t, what+" eval", feats[0], ref.Eval[0], 0)
		confCheck(t, what+" training", feats[1], ref.Features, 0)
		if !equalInts(yhat[0], ref.EvalPredicted[0]) || !equalInts(yhat[1], ref.Layers[len(ref.Layers)-1].Predicted) {
			t.Errorf("%s: ŷ differs", what)
		}
	}
}

// TestMultiConstructThenApply: the evaluation features and ŷ computed while
// the net is built equal those of Transform on the kept net, for 1-D, 2-D
// and 3-D data, with and without a lift. Transform rebuilds every layer's
// operators from its stored spectra by the same code, so the tolerance is
// confTol though the values are expected to be identical (measured 0).
func TestMultiConstructThenApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2105))
	var worst float64
	for _, tc := range []struct {
		shape []int
		c, k  int
		lift  *conv.Lift
	}{
		{[]int{9}, 2, 2, nil},
		{[]int{9}, 1, 3, confLift(t, 1, 4, 3, 1, 41)},
		{[]int{4, 5}, 2, 2, nil},
		{[]int{5, 4}, 2, 3, confLift(t, 2, 3, 2, 2, 42)},
		{[]int{2, 3, 4}, 2, 2, nil},
		{[]int{3, 4, 3}, 1, 3, confLift(t, 1, 3, 2, 3, 43)},
	} {
		what := caseName(tc.shape, tc.c, tc.k, tc.lift)
		x, y := confData(rng, 10, tc.c, tc.shape, tc.k)
		e1, _ := confData(rng, 4, tc.c, tc.shape, tc.k)
		e2, _ := confData(rng, 1, tc.c, tc.shape, tc.k)
		res, err := BuildMulti(context.Background(), x, tc.c, tc.shape, y, tc.k, tc.lift, DefaultParams(3), BuildOptions{Keep: true, Eval: [][]float64{e1, e2}, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		feats, yhat, err := res.Net.Transform(context.Background(), e1, e2)
		if err != nil {
			t.Fatal(err)
		}
		for i := range feats {
			worst = max(worst, confCheck(t, fmt.Sprintf("%s eval set %d", what, i), feats[i], res.Eval[i], confTol))
			if !equalInts(yhat[i], res.EvalPredicted[i]) {
				t.Errorf("%s eval set %d: Transform ŷ %v, construct-then-apply %v", what, i, yhat[i], res.EvalPredicted[i])
			}
		}
	}
	t.Logf("max |Δ| %.2g", worst)
}

// ---------------------------------------------------------------------------
// 6. Errors.

// confMentions reports whether msg contains one of the "|"-separated
// alternatives of want, case-insensitively.
func confMentions(msg, want string) bool {
	for _, w := range strings.Split(want, "|") {
		if strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// TestBuildMultiErrors: bad input is an error that names the problem, never
// a panic.
func TestBuildMultiErrors(t *testing.T) {
	x, y := golden1DInput()   // 4 samples, C = 2, T = 5
	x2, y2 := golden2DInput() // 4 samples, C = 2, 3×4
	nan := slices.Clone(x2)
	nan[17] = math.NaN()
	inf := slices.Clone(x)
	inf[3] = math.Inf(-1)
	nanEval := slices.Clone(x[:20])
	nanEval[17] = math.NaN()
	lift1 := confLift(t, 2, 3, 3, 1, 51)
	lift2 := confLift(t, 2, 3, 3, 2, 52)
	big := confLift(t, 2, 3, 4, 2, 53) // 4×4 kernel on 3×4 images
	lift3 := confLift(t, 2, 3, 2, 3, 55)
	bad := &conv.Lift{In: 2, Out: 3, K: 3, Dims: 1, Kernels: make([]float64, 5)}
	p := DefaultParams(1)
	for _, tc := range []struct {
		name   string
		x      []float64
		inC    int
		shape  []int
		y      []int
		k      int
		lift   *conv.Lift
		eval   [][]float64
		substr string
	}{
		{"values not a multiple of C×T", x[:39], 2, []int{5}, y, 2, nil, nil, "39 values for 4 labels"},
		{"wrong signal size", x, 2, []int{6}, y, 2, nil, nil, "40 values for 4 labels of dimension 12"},
		{"wrong channel count", x, 3, []int{5}, y, 2, nil, nil, "40 values for 4 labels of dimension 15"},
		{"2-D data with 1-D shape", x2, 2, []int{12}, y2[:3], 2, nil, nil, "values for 3 labels"},
		{"kernel larger than the image", x2, 2, []int{3, 4}, y2, 2, big, nil, "kernel|larger|exceeds"},
		{"kernel larger than the signal", x, 2, []int{5}, y, 2, &conv.Lift{In: 2, Out: 1, K: 6, Dims: 1, Kernels: make([]float64, 12)}, nil, "kernel|larger|exceeds"},
		{"no input channels", x, 0, []int{5}, y, 2, nil, nil, "0 input channels"},
		{"negative input channels", x, -2, []int{5}, y, 2, nil, nil, "-2 input channels"},
		{"empty class", x, 2, []int{5}, []int{0, 0, 2, 0}, 3, nil, nil, "class 1 has no training samples"},
		{"label out of range", x, 2, []int{5}, []int{0, 1, 2, 0}, 2, nil, nil, "out of range"},
		{"no classes", x, 2, []int{5}, y, 0, nil, nil, "classes"},
		{"no samples", nil, 2, []int{5}, nil, 2, nil, nil, "no samples"},
		{"NaN pixel", nan, 2, []int{3, 4}, y2, 2, nil, nil, "non-finite"},
		{"Inf value", inf, 2, []int{5}, y, 2, nil, nil, "non-finite"},
		{"NaN in an evaluation set", x, 2, []int{5}, y, 2, nil, [][]float64{nanEval}, "redunet: evaluation set 0: sample 1 has a non-finite"},
		{"evaluation set of the wrong size", x, 2, []int{5}, y, 2, nil, [][]float64{x[:11]}, "evaluation set 0"},
		{"lift In differs from inChannels", x, 2, []int{5}, y, 2, confLift(t, 3, 3, 3, 1, 54), nil, "the lift takes 3 channels, the data has 2"},
		{"1-D lift for 2-D data", x2, 2, []int{3, 4}, y2, 2, lift1, nil, "1-D lift for 2-D"},
		{"2-D lift for 1-D data", x, 2, []int{5}, y, 2, lift2, nil, "2-D lift for 1-D"},
		// 3-D: the 2-D images read as 1×3×4 volumes.
		{"3-D lift for 2-D data", x2, 2, []int{3, 4}, y2, 2, lift3, nil, "3-D lift for 2-D"},
		{"2-D lift for 3-D data", x2, 2, []int{1, 3, 4}, y2, 2, lift2, nil, "2-D lift for 3-D"},
		{"kernel larger than the volume", x2, 2, []int{1, 3, 4}, y2, 2, lift3, nil, "kernel|larger|exceeds"},
		{"shape [1 0 4]", x2, 2, []int{1, 0, 4}, y2, 2, nil, nil, "signal shape"},
		{"malformed lift", x, 2, []int{5}, y, 2, bad, nil, "kernel weights"},
		{"shape [0 4]", x2, 2, []int{0, 4}, y2, 2, nil, nil, "signal shape"},
		{"shape [3 0]", x2, 2, []int{3, 0}, y2, 2, nil, nil, "signal shape"},
		{"shape [-3 -4]", x2, 2, []int{-3, -4}, y2, 2, nil, nil, "signal shape"},
		{"empty shape", x, 2, nil, y, 2, nil, nil, "signal shape"},
		{"3-D shape of the wrong size", x2, 2, []int{2, 3, 4}, y2, 2, nil, nil, "96 values for 4 labels of dimension 48"},
		{"bad parameters", x, 2, []int{5}, y, 2, nil, nil, "eps2"},
	} {
		pp := p
		if tc.name == "bad parameters" {
			pp.EpsSq = 0
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", tc.name, r)
				}
			}()
			_, err := BuildMulti(context.Background(), tc.x, tc.inC, tc.shape, tc.y, tc.k, tc.lift, pp, BuildOptions{Eval: tc.eval})
			if err == nil || !confMentions(err.Error(), tc.substr) {
				t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.substr)
			}
		}()
	}
}

// TestMultiTransformErrors: Transform on a kept net rejects what BuildMulti
// rejects in an evaluation set (BuildOptions.Eval and Transform are the two
// ways of applying the same layers, DESIGN.md §3.4 Construct-then-apply): a set
// that is not a whole number of samples, and non-finite values (an earlier
// version returned NaN features with a confident ŷ = 0 for a NaN sample).
func TestMultiTransformErrors(t *testing.T) {
	x, y := golden1DInput()
	res, err := BuildMulti(context.Background(), x, 2, []int{5}, y, 2, nil, DefaultParams(2), BuildOptions{Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	nan := slices.Clone(x[:10])
	nan[2] = math.NaN()
	inf := slices.Clone(x[:10])
	inf[7] = math.Inf(1)
	for _, tc := range []struct {
		name   string
		set    []float64
		substr string
	}{
		{"not a whole number of samples", x[:11], "11 values"},
		{"NaN value", nan, "non-finite"},
		{"Inf value", inf, "non-finite"},
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", tc.name, r)
				}
			}()
			feats, yhat, err := res.Net.Transform(context.Background(), x[:10], tc.set)
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("%s: Transform returned error %v (features %v, ŷ %v), want an error mentioning %q", tc.name, err, feats, yhat, tc.substr)
			}
		}()
	}
	// Not kept: an error, not a panic.
	plain, err := BuildMulti(context.Background(), x, 2, []int{5}, y, 2, nil, DefaultParams(2), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := plain.Net.Transform(context.Background(), x); err == nil || !strings.Contains(err.Error(), "Keep") {
		t.Errorf("Transform of a net built without Keep: error %v, want one mentioning Keep", err)
	}
}
