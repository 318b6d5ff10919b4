package dmat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// sizes hit every edge of the tilings: below, at and above multiples of the
// tile sizes (6, 8, 16, 24, 48), of the k unrolling (4), and, with 257, two
// k blocks and more than one task.
var sizes = []int{0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 33, 64, 65, 100, 257}

// Relative error bounds, on |alpha|·Σ_k|a||b| + |beta·c| per element. The
// worst-case rounding error of a k-term dot product with fused
// multiply-adds, plus the two roundings of alpha·s + beta·c, is about
// (k+2)·u·(that sum), u = 2⁻⁵³ or 2⁻²⁴: for k ≤ 1000 that is below 1.2e-13
// in float64 (1e-13 holds with room for k ≤ 257, and the errors of random
// data are far below the worst case) and 6e-5 in float32, where random
// data stays well below 1e-5.
const (
	tol64 = 1e-13
	tol32 = 1e-5
)

func tolerance[T float]() float64 {
	var z T
	if _, ok := any(z).(float32); ok {
		return tol32
	}
	return tol64
}

// matrix is a row-major r×c matrix with leading dimension ld, stored in a
// slice of the shortest length the BLAS checks allow; the gaps between
// rows hold pad.
type matrix[T float] struct {
	r, c, ld int
	data     []T
}

func newMatrix[T float](rng *rand.Rand, r, c, extra int, pad T) matrix[T] {
	m := matrix[T]{r: r, c: c, ld: max(1, c) + extra}
	if r > 0 {
		m.data = make([]T, (r-1)*m.ld+c)
	}
	for i := range m.data {
		if i%m.ld < c {
			m.data[i] = T(2*rng.Float64() - 1)
		} else {
			m.data[i] = pad
		}
	}
	return m
}

func (m matrix[T]) at(i, j int) float64 { return float64(m.data[i*m.ld+j]) }

func (m matrix[T]) clone() matrix[T] {
	m.data = append([]T(nil), m.data...)
	return m
}

// naive returns op(A)·op(B) and Σ_l |op(A)[i][l]·op(B)[l][j]|, in float64.
func naive[T float](tA, tB bool, m, n, k int, a, b matrix[T]) (prod, abs []float64) {
	prod, abs = make([]float64, m*n), make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s, sa := 0.0, 0.0
			for l := 0; l < k; l++ {
				var x, y float64
				if tA {
					x = a.at(l, i)
				} else {
					x = a.at(i, l)
				}
				if tB {
					y = b.at(j, l)
				} else {
					y = b.at(l, j)
				}
				s += x * y
				sa += math.Abs(x * y)
			}
			prod[i*n+j], abs[i*n+j] = s, sa
		}
	}
	return prod, abs
}

func same[T float](x, y T) bool { return x == y || (x != x && y != y) }

// checkProduct checks the m×n got against alpha·prod + beta·c0 (c0 ignored
// when beta == 0) within the tolerance of T, and that got's padding is c0's.
// With upper, only the lower triangle is compared to the product and the
// upper one must mirror it exactly.
func checkProduct[T float](t *testing.T, name string, got, c0 matrix[T], m, n int, alpha, beta T, prod, abs []float64, upper bool) {
	t.Helper()
	tol := tolerance[T]()
	bad := 0
	for i := range got.data {
		if i%got.ld >= n && !same(got.data[i], c0.data[i]) {
			t.Errorf("%s: padding element %d changed: %v -> %v", name, i, c0.data[i], got.data[i])
			return
		}
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			g := got.at(i, j)
			if upper && j > i {
				if math.Float64bits(g) != math.Float64bits(got.at(j, i)) {
					t.Errorf("%s: C[%d][%d] = %v is not C[%d][%d] = %v", name, i, j, g, j, i, got.at(j, i))
					return
				}
				continue
			}
			want := float64(alpha) * prod[i*n+j]
			scale := math.Abs(float64(alpha)) * abs[i*n+j]
			if beta != 0 {
				want += float64(beta) * c0.at(i, j)
				scale += math.Abs(float64(beta) * c0.at(i, j))
			}
			if d := math.Abs(g - want); !(d <= tol*scale+1e-300) {
				if bad++; bad <= 3 {
					t.Errorf("%s: C[%d][%d] = %v, want %v (error %.3g of scale %.3g)", name, i, j, g, want, d, scale)
				}
			}
		}
	}
}

// gemmT calls Gemm or Gemm32.
func gemmT[T float](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, workers int) {
	switch a := any(a).(type) {
	case []float64:
		Gemm(tA, tB, m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc, workers)
	case []float32:
		Gemm32(tA, tB, m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc, workers)
	}
}

// syrkT calls Syrk or Syrk32.
func syrkT[T float](tr bool, n, k int, alpha T, a []T, lda int, beta T, c []T, ldc int, workers int) {
	switch a := any(a).(type) {
	case []float64:
		Syrk(tr, n, k, float64(alpha), a, lda, float64(beta), any(c).([]float64), ldc, workers)
	case []float32:
		Syrk32(tr, n, k, float32(alpha), a, lda, float32(beta), any(c).([]float32), ldc, workers)
	}
}

// gonumGemm calls gonum's Dgemm or Sgemm directly (not through this
// package's fallback), the second reference.
func gonumGemm[T float](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float64:
		gonum.Implementation{}.Dgemm(trans(tA), trans(tB), m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	case []float32:
		gonum.Implementation{}.Sgemm(trans(tA), trans(tB), m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	}
}

func bools() []bool { return []bool{false, true} }

// gemmTriples pairs every m with every n, and each pair with two of the
// sizes for k, cycling so that each k meets many (m, n).
func gemmTriples() [][3]int {
	var ts [][3]int
	for im, m := range sizes {
		for in, n := range sizes {
			ts = append(ts, [3]int{m, n, sizes[(3*im+5*in)%len(sizes)]})
			ts = append(ts, [3]int{m, n, sizes[(7*im+in+11)%len(sizes)]})
		}
	}
	return ts
}

func testGemm[T float](t *testing.T, triples [][3]int) {
	rng := rand.New(rand.NewPCG(1, 2))
	nan := T(math.NaN())
	impls := testImpls()
	for ti, mnk := range triples {
		m, n, k := mnk[0], mnk[1], mnk[2]
		for _, tA := range bools() {
			for _, tB := range bools() {
				ar, ac := m, k
				if tA {
					ar, ac = k, m
				}
				br, bc := k, n
				if tB {
					br, bc = n, k
				}
				// NaN in the gaps between rows: reading them would show.
				a := newMatrix(rng, ar, ac, ti%3, nan)
				b := newMatrix(rng, br, bc, (ti+1)%4, nan)
				prod, abs := naive(tA, tB, m, n, k, a, b)
				for _, alpha := range []T{1, -0.5} {
					for _, beta := range []T{0, 1, 0.3} {
						var c0 matrix[T]
						if beta == 0 {
							c0 = newMatrix(rng, m, n, ti%2, T(-7))
							for i := range c0.data {
								if i%c0.ld < n {
									c0.data[i] = nan
								}
							}
						} else {
							c0 = newMatrix(rng, m, n, ti%2, T(-7))
						}
						ref := c0.clone()
						gonumGemm(tA, tB, m, n, k, alpha, a.data, a.ld, b.data, b.ld, beta, ref.data, ref.ld)
						for _, im := range impls {
							restore := setImpl(im)
							got := c0.clone()
							workers := []int{1, 2, 0, 3}[ti%4]
							gemmT(tA, tB, m, n, k, alpha, a.data, a.ld, b.data, b.ld, beta, got.data, got.ld, workers)
							restore()
							name := fmt.Sprintf("%s tA=%v tB=%v m=%d n=%d k=%d alpha=%v beta=%v", im, tA, tB, m, n, k, alpha, beta)
							checkProduct(t, name, got, c0, m, n, alpha, beta, prod, abs, false)
							// Against gonum: both within the bound of the
							// exact product, so within twice it of each other.
							tol := 2 * tolerance[T]()
							for i := 0; i < m && !t.Failed(); i++ {
								for j := 0; j < n; j++ {
									g, r := got.at(i, j), ref.at(i, j)
									s := math.Abs(float64(alpha))*abs[i*n+j] + math.Abs(float64(beta))*math.Abs(c0.at(i, j))
									if beta == 0 {
										s = math.Abs(float64(alpha)) * abs[i*n+j]
									}
									if !(math.Abs(g-r) <= tol*s+1e-300) {
										t.Errorf("%s: C[%d][%d] = %v, gonum %v", name, i, j, g, r)
										break
									}
								}
							}
							if t.Failed() {
								return
							}
						}
					}
				}
			}
		}
	}
}

func TestGemm(t *testing.T) {
	testGemm[float64](t, gemmTriples())
}

func TestGemm32(t *testing.T) {
	testGemm[float32](t, gemmTriples())
}

// TestGemmChunked runs products through the chunked path (several packings
// of k blocks, rows and columns per call).
func TestGemmChunked(t *testing.T) {
	defer setChunking(1, 3000)()
	triples := [][3]int{{100, 257, 300}, {257, 65, 600}, {33, 100, 520}, {7, 9, 1000}}
	testGemm[float64](t, triples)
	testGemm[float32](t, triples)
}

func testSyrk[T float](t *testing.T, pairs [][2]int) {
	rng := rand.New(rand.NewPCG(3, 4))
	nan := T(math.NaN())
	for pi, nk := range pairs {
		n, k := nk[0], nk[1]
		for _, tr := range bools() {
			ar, ac := n, k
			if tr {
				ar, ac = k, n
			}
			a := newMatrix(rng, ar, ac, pi%3, nan)
			var prod, abs []float64
			if tr {
				prod, abs = naive(true, false, n, n, k, a, a)
			} else {
				prod, abs = naive(false, true, n, n, k, a, a)
			}
			for _, alpha := range []T{1, -0.5} {
				for _, beta := range []T{0, 1, 0.3} {
					// The upper triangle, and with beta == 0 all of C, is
					// NaN: Syrk must not read it.
					c0 := newMatrix(rng, n, n, pi%2, T(-7))
					for i := 0; i < n; i++ {
						for j := 0; j < n; j++ {
							if j > i || beta == 0 {
								c0.data[i*c0.ld+j] = nan
							}
						}
					}
					for _, im := range testImpls() {
						restore := setImpl(im)
						got := c0.clone()
						syrkT(tr, n, k, alpha, a.data, a.ld, beta, got.data, got.ld, []int{1, 2, 0}[pi%3])
						restore()
						name := fmt.Sprintf("%s Syrk trans=%v n=%d k=%d alpha=%v beta=%v", im, tr, n, k, alpha, beta)
						checkProduct(t, name, got, c0, n, n, alpha, beta, prod, abs, true)
						if t.Failed() {
							return
						}
					}
				}
			}
		}
	}
}

func syrkPairs() [][2]int {
	var ps [][2]int
	for in, n := range sizes {
		for ik, k := range sizes {
			if (in+ik)%2 == 0 || n < 40 {
				ps = append(ps, [2]int{n, k})
			}
		}
	}
	return ps
}

func TestSyrk(t *testing.T) {
	testSyrk[float64](t, syrkPairs())
}

func TestSyrk32(t *testing.T) {
	testSyrk[float32](t, syrkPairs())
}

func TestSyrkChunked(t *testing.T) {
	defer setChunking(1, 3000)()
	testSyrk[float64](t, [][2]int{{100, 600}, {257, 300}})
}

// TestAlphaZero: with alpha == 0 A and B are not read, C = beta·C.
func TestAlphaZero(t *testing.T) {
	nan := math.NaN()
	for _, im := range testImpls() {
		restore := setImpl(im)
		a := []float64{nan, nan, nan, nan}
		c := []float64{1, 2, 3, 4}
		Gemm(false, false, 2, 2, 2, 0, a, 2, a, 2, 0.5, c, 2, 1)
		if c[0] != 0.5 || c[3] != 2 {
			t.Errorf("%s: alpha = 0, beta = 0.5: C = %v", im, c)
		}
		Gemm(false, true, 2, 2, 2, 0, a, 2, a, 2, 0, c, 2, 1)
		if c[0] != 0 || c[3] != 0 {
			t.Errorf("%s: alpha = 0, beta = 0: C = %v", im, c)
		}
		c = []float64{1, nan, 3, 4}
		Syrk(false, 2, 2, 0, a, 2, 2, c, 2, 1)
		if c[0] != 2 || c[1] != 6 || c[2] != 6 || c[3] != 8 {
			t.Errorf("%s: Syrk alpha = 0: C = %v", im, c)
		}
		restore()
	}
}

// TestDeterminism: results are bitwise the same for 1, 2 and 7 workers, and
// with the operands packed in chunks.
func TestDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type gcase struct {
		tA, tB  bool
		m, n, k int
		beta    float64
	}
	gcases := []gcase{
		{false, false, 300, 200, 700, 0},
		{false, true, 257, 383, 600, 0.3},
		{true, false, 129, 517, 300, 1},
		{true, true, 1000, 33, 257, 0},
		{false, true, 41, 1000, 1000, 0},
	}
	for _, im := range testImpls() {
		restore := setImpl(im)
		for _, gc := range gcases {
			ar, ac := gc.m, gc.k
			if gc.tA {
				ar, ac = gc.k, gc.m
			}
			br, bc := gc.k, gc.n
			if gc.tB {
				br, bc = gc.n, gc.k
			}
			a := newMatrix(rng, ar, ac, 1, 0.0)
			b := newMatrix(rng, br, bc, 0, 0.0)
			c0 := newMatrix(rng, gc.m, gc.n, 3, 0.0)
			a32, b32, c32 := toF32(a), toF32(b), toF32(c0)
			var want []float64
			var want32 []float32
			for _, w := range []int{1, 2, 7, -1} {
				got := c0.clone()
				got32 := c32.clone()
				func() {
					if w == -1 { // chunked, 2 workers
						defer setChunking(1, 5000)()
						w = 2
					}
					Gemm(gc.tA, gc.tB, gc.m, gc.n, gc.k, -0.5, a.data, a.ld, b.data, b.ld, gc.beta, got.data, got.ld, w)
					Gemm32(gc.tA, gc.tB, gc.m, gc.n, gc.k, -0.5, a32.data, a32.ld, b32.data, b32.ld, float32(gc.beta), got32.data, got32.ld, w)
				}()
				if want == nil {
					want, want32 = got.data, got32.data
					continue
				}
				for i := range want {
					if math.Float64bits(want[i]) != math.Float64bits(got.data[i]) {
						t.Fatalf("%s %+v: %d workers: C element %d = %v, 1 worker %v", im, gc, w, i, got.data[i], want[i])
					}
					if math.Float32bits(want32[i]) != math.Float32bits(got32.data[i]) {
						t.Fatalf("%s %+v float32: %d workers: C element %d = %v, 1 worker %v", im, gc, w, i, got32.data[i], want32[i])
					}
				}
			}
		}
		for _, tr := range bools() {
			n, k := 300, 700
			ar, ac := n, k
			if tr {
				ar, ac = k, n
			}
			a := newMatrix(rng, ar, ac, 2, 0.0)
			c0 := newMatrix(rng, n, n, 1, 0.0)
			var want []float64
			for _, w := range []int{1, 2, 7} {
				got := c0.clone()
				Syrk(tr, n, k, 1, a.data, a.ld, 0.3, got.data, got.ld, w)
				if want == nil {
					want = got.data
					continue
				}
				for i := range want {
					if math.Float64bits(want[i]) != math.Float64bits(got.data[i]) {
						t.Fatalf("%s Syrk trans=%v: %d workers: element %d = %v, 1 worker %v", im, tr, w, i, got.data[i], want[i])
					}
				}
			}
		}
		restore()
	}
}

func toF32(m matrix[float64]) matrix[float32] {
	r := matrix[float32]{r: m.r, c: m.c, ld: m.ld, data: make([]float32, len(m.data))}
	for i, v := range m.data {
		r.data[i] = float32(v)
	}
	return r
}

// catch returns the value f panics with, "" if it returns.
func catch(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// TestPanics: bad arguments panic, with the message gonum's BLAS gives for
// the same call; good ones (including empty products with short or nil
// slices) do not.
func TestPanics(t *testing.T) {
	type gargs struct {
		tA, tB        bool
		m, n, k       int
		la, lda       int
		lb, ldb       int
		lc, ldc       int
		shouldPanic   bool
		description   string
		syrk, syrkTrs bool
	}
	cases := []gargs{
		{m: -1, n: 2, k: 2, la: 4, lda: 2, lb: 4, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "m<0"},
		{m: 2, n: -1, k: 2, la: 4, lda: 2, lb: 4, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "n<0"},
		{m: 2, n: 2, k: -1, la: 4, lda: 2, lb: 4, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "k<0"},
		{m: 2, n: 2, k: 3, la: 6, lda: 2, lb: 6, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "lda<k"},
		{tA: true, m: 3, n: 2, k: 2, la: 6, lda: 2, lb: 4, ldb: 2, lc: 6, ldc: 2, shouldPanic: true, description: "lda<m (transA)"},
		{m: 2, n: 3, k: 2, la: 4, lda: 2, lb: 6, ldb: 2, lc: 6, ldc: 3, shouldPanic: true, description: "ldb<n"},
		{tB: true, m: 2, n: 2, k: 3, la: 6, lda: 3, lb: 6, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "ldb<k (transB)"},
		{m: 2, n: 3, k: 2, la: 4, lda: 2, lb: 6, ldb: 3, lc: 6, ldc: 2, shouldPanic: true, description: "ldc<n"},
		{m: 2, n: 2, k: 2, la: 3, lda: 2, lb: 4, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "short a"},
		{tA: true, m: 2, n: 2, k: 2, la: 3, lda: 2, lb: 4, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "short a (transA)"},
		{m: 2, n: 2, k: 2, la: 4, lda: 2, lb: 3, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "short b"},
		{tB: true, m: 2, n: 2, k: 2, la: 4, lda: 2, lb: 3, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "short b (transB)"},
		{m: 2, n: 2, k: 2, la: 4, lda: 2, lb: 4, ldb: 2, lc: 3, ldc: 2, shouldPanic: true, description: "short c"},
		{m: 2, n: 2, k: 2, la: 4, lda: 3, lb: 4, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "short a with stride"},
		{m: 0, n: 2, k: 2, la: 0, lda: 2, lb: 0, ldb: 2, lc: 0, ldc: 2, description: "m=0, nil slices"},
		{m: 2, n: 0, k: 2, la: 0, lda: 2, lb: 0, ldb: 1, lc: 0, ldc: 1, description: "n=0, nil slices"},
		{m: 2, n: 2, k: 0, la: 1, lda: 1, lb: 0, ldb: 2, lc: 4, ldc: 2, description: "k=0"},
		{m: 2, n: 2, k: 0, la: 0, lda: 1, lb: 0, ldb: 2, lc: 4, ldc: 2, shouldPanic: true, description: "k=0, short a"},
		{m: 2, n: 2, k: 2, la: 4, lda: 2, lb: 4, ldb: 2, lc: 4, ldc: 2, description: "good"},
		{m: 2, n: 2, k: 2, la: 5, lda: 3, lb: 6, ldb: 4, lc: 7, ldc: 5, description: "good with strides"},
		{m: 2, n: 2, k: 0, lda: 0, lc: 4, ldc: 2, shouldPanic: true, description: "lda=0"},

		{syrk: true, n: -1, k: 2, la: 4, lda: 2, lc: 4, ldc: 2, shouldPanic: true, description: "syrk n<0"},
		{syrk: true, n: 2, k: -1, la: 4, lda: 2, lc: 4, ldc: 2, shouldPanic: true, description: "syrk k<0"},
		{syrk: true, n: 2, k: 3, la: 6, lda: 2, lc: 4, ldc: 2, shouldPanic: true, description: "syrk lda<k"},
		{syrk: true, syrkTrs: true, n: 3, k: 2, la: 6, lda: 2, lc: 9, ldc: 3, shouldPanic: true, description: "syrk lda<n (trans)"},
		{syrk: true, n: 3, k: 2, la: 6, lda: 2, lc: 9, ldc: 2, shouldPanic: true, description: "syrk ldc<n"},
		{syrk: true, n: 2, k: 2, la: 3, lda: 2, lc: 4, ldc: 2, shouldPanic: true, description: "syrk short a"},
		{syrk: true, n: 2, k: 2, la: 4, lda: 2, lc: 3, ldc: 2, shouldPanic: true, description: "syrk short c"},
		{syrk: true, syrkTrs: true, n: 2, k: 3, la: 5, lda: 2, lc: 4, ldc: 2, shouldPanic: true, description: "syrk short a (trans)"},
		{syrk: true, n: 0, k: 2, la: 0, lda: 2, lc: 0, ldc: 1, description: "syrk n=0, nil slices"},
		{syrk: true, n: 2, k: 0, la: 1, lda: 1, lc: 4, ldc: 2, description: "syrk k=0"},
		{syrk: true, n: 2, k: 3, la: 6, lda: 3, lc: 4, ldc: 2, description: "syrk good"},
	}
	for _, im := range testImpls() {
		restore := setImpl(im)
		for _, tc := range cases {
			a64, b64, c64 := make([]float64, tc.la), make([]float64, tc.lb), make([]float64, tc.lc)
			a32, b32, c32 := make([]float32, tc.la), make([]float32, tc.lb), make([]float32, tc.lc)
			var got, got32, want string
			if tc.syrk {
				got = catch(func() { Syrk(tc.syrkTrs, tc.n, tc.k, 1, a64, tc.lda, 0, c64, tc.ldc, 1) })
				got32 = catch(func() { Syrk32(tc.syrkTrs, tc.n, tc.k, 1, a32, tc.lda, 0, c32, tc.ldc, 1) })
				want = catch(func() {
					gonum.Implementation{}.Dsyrk(blas.Lower, trans(tc.syrkTrs), tc.n, tc.k, 1, a64, tc.lda, 0, c64, tc.ldc)
				})
			} else {
				got = catch(func() {
					Gemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, 1, a64, tc.lda, b64, tc.ldb, 0, c64, tc.ldc, 1)
				})
				got32 = catch(func() {
					Gemm32(tc.tA, tc.tB, tc.m, tc.n, tc.k, 1, a32, tc.lda, b32, tc.ldb, 0, c32, tc.ldc, 1)
				})
				want = catch(func() {
					gonum.Implementation{}.Dgemm(trans(tc.tA), trans(tc.tB), tc.m, tc.n, tc.k, 1, a64, tc.lda, b64, tc.ldb, 0, c64, tc.ldc)
				})
			}
			if (got != "") != tc.shouldPanic || got != want || got32 != want {
				t.Errorf("%s %s: panic %q (float32 %q), gonum %q, want panic: %v", im, tc.description, got, got32, want, tc.shouldPanic)
			}
		}
		restore()
	}
}

func TestImpl(t *testing.T) {
	impls := testImpls()
	if got, want := Impl(), impls[len(impls)-1]; got != want {
		t.Errorf("Impl() = %q, want %q (the best of %v)", got, want, impls)
	}
	t.Logf("implementation: %s", Impl())
}

// TestAllocs: a steady-state call allocates little (the goroutine closures
// of a parallel call; the scratch comes from a pool).
func TestAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a := newMatrix(rng, 128, 128, 0, 0.0)
	c := newMatrix(rng, 128, 128, 0, 0.0)
	for _, w := range []int{1, 2} {
		allocs := testing.AllocsPerRun(20, func() {
			Gemm(false, false, 128, 128, 128, 1, a.data, a.ld, a.data, a.ld, 0, c.data, c.ld, w)
		})
		if allocs > 20 {
			t.Errorf("%d workers: %v allocations per call", w, allocs)
		}
		t.Logf("%d workers: %v allocations per call", w, allocs)
	}
}
