package conv

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/cblas128"
)

// kernelTol is the relative tolerance of the kernel tests: each entry's
// error is measured against the sum of the magnitudes of its terms, the
// natural scale of the rounding error of a sum of products.
const kernelTol = 1e-12

// testSizes covers the degenerate sizes (c=1, m=1), every remainder of the
// 4-way blocking (c mod 4 = 0…3), odd sizes and the paper's sizes.
var testSizes = []struct{ c, m int }{
	{1, 1}, {1, 7}, {2, 1}, {3, 3}, {4, 5}, {5, 2}, {6, 9}, {7, 13}, {8, 1},
	{9, 31}, {13, 17}, {16, 100}, {20, 100}, {5, 1000}, {75, 100},
}

// naiveGram is α·V·Vᴴ by the definition, in complex arithmetic, with the
// error scale α·Σ_i |V[a,i]|·|V[b,i]| of each entry.
func naiveGram(v []complex128, c, m int, alpha float64) (g []complex128, scale []float64) {
	g = make([]complex128, c*c)
	scale = make([]float64, c*c)
	for a := 0; a < c; a++ {
		for b := 0; b < c; b++ {
			var s complex128
			var t float64
			for i := 0; i < m; i++ {
				s += v[a*m+i] * cmplx.Conj(v[b*m+i])
				t += cmplx.Abs(v[a*m+i]) * cmplx.Abs(v[b*m+i])
			}
			g[a*c+b] = complex(alpha, 0) * s
			scale[a*c+b] = math.Abs(alpha) * t
		}
	}
	return g, scale
}

// naiveMul is A·V + β·D by the definition, with the error scale of each
// entry.
func naiveMul(a, v, d []complex128, c, m int, beta float64) (p []complex128, scale []float64) {
	p = make([]complex128, c*m)
	scale = make([]float64, c*m)
	for r := 0; r < c; r++ {
		for i := 0; i < m; i++ {
			var s complex128
			var t float64
			for k := 0; k < c; k++ {
				s += a[r*c+k] * v[k*m+i]
				t += cmplx.Abs(a[r*c+k]) * cmplx.Abs(v[k*m+i])
			}
			if beta != 0 {
				s += complex(beta, 0) * d[r*m+i]
				t += math.Abs(beta) * cmplx.Abs(d[r*m+i])
			}
			p[r*m+i] = s
			scale[r*m+i] = t
		}
	}
	return p, scale
}

// checkClose fails t if any |got−want| exceeds kernelTol times the entry's
// error scale (plus a tiny absolute floor for all-zero entries).
func checkClose(t *testing.T, what string, got, want []complex128, scale []float64) {
	t.Helper()
	for i := range want {
		if d := cmplx.Abs(got[i] - want[i]); d > kernelTol*scale[i]+1e-300 {
			t.Fatalf("%s: entry %d = %v, want %v (|diff| %g, scale %g)", what, i, got[i], want[i], d, scale[i])
		}
	}
}

func TestGram(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sz := range testSizes {
		c, m := sz.c, sz.m
		name := fmt.Sprintf("c=%d,m=%d", c, m)
		v := randComplex(rng, c*m)
		alpha := 0.3 + rng.Float64()
		got := Gram(nil, v, c, m, alpha)
		want, scale := naiveGram(v, c, m, alpha)
		checkClose(t, name+" vs naive", got, want, scale)

		// Against gonum's Herk, lower triangle.
		ref := make([]complex128, c*c)
		cblas128.Herk(blas.NoTrans, alpha,
			cblas128.General{Rows: c, Cols: m, Stride: m, Data: v}, 0,
			cblas128.Hermitian{N: c, Stride: c, Data: ref, Uplo: blas.Lower})
		for a := 0; a < c; a++ {
			for b := 0; b <= a; b++ {
				if d := cmplx.Abs(got[a*c+b] - ref[a*c+b]); d > kernelTol*scale[a*c+b] {
					t.Fatalf("%s vs cblas128: [%d,%d] = %v, want %v", name, a, b, got[a*c+b], ref[a*c+b])
				}
			}
		}

		// Exactly Hermitian, real diagonal.
		for a := 0; a < c; a++ {
			if imag(got[a*c+a]) != 0 {
				t.Fatalf("%s: diagonal %d not real: %v", name, a, got[a*c+a])
			}
			for b := 0; b < a; b++ {
				if got[b*c+a] != cmplx.Conj(got[a*c+b]) {
					t.Fatalf("%s: not exactly Hermitian at [%d,%d]", name, a, b)
				}
			}
		}

		// A preallocated dst is overwritten, whatever it held.
		dst := make([]complex128, c*c)
		for i := range dst {
			dst[i] = complex(math.NaN(), 1)
		}
		Gram(dst, v, c, m, alpha)
		for i := range dst {
			if dst[i] != got[i] {
				t.Fatalf("%s: Gram into a used dst differs at %d", name, i)
			}
		}
	}
}

func TestMulBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, sz := range testSizes {
		c, m := sz.c, sz.m
		a := randComplex(rng, c*c)
		v := randComplex(rng, c*m)
		d0 := randComplex(rng, c*m)
		for _, beta := range []float64{0, 1, -0.75} {
			name := fmt.Sprintf("c=%d,m=%d,beta=%g", c, m, beta)
			dst := append([]complex128(nil), d0...)
			if beta == 0 {
				for i := range dst {
					dst[i] = complex(math.NaN(), math.Inf(1)) // must not be read
				}
			}
			got := MulBlock(dst, a, v, c, m, beta)
			want, scale := naiveMul(a, v, d0, c, m, beta)
			checkClose(t, name+" vs naive", got, want, scale)

			ref := append([]complex128(nil), d0...)
			cblas128.Gemm(blas.NoTrans, blas.NoTrans, 1,
				cblas128.General{Rows: c, Cols: c, Stride: c, Data: a},
				cblas128.General{Rows: c, Cols: m, Stride: m, Data: v},
				complex(beta, 0),
				cblas128.General{Rows: c, Cols: m, Stride: m, Data: ref})
			checkClose(t, name+" vs cblas128", got, ref, scale)
		}
		if got := MulBlock(nil, a, v, c, m, 0); len(got) != c*m {
			t.Fatalf("MulBlock(nil) has length %d, want %d", len(got), c*m)
		}
	}
}

func TestKernelsNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	c, m := 13, 57
	v := randComplex(rng, c*m)
	a := randComplex(rng, c*c)
	g := make([]complex128, c*c)
	d := make([]complex128, c*m)
	if n := testing.AllocsPerRun(20, func() { Gram(g, v, c, m, 1) }); n != 0 {
		t.Errorf("Gram allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(20, func() { MulBlock(d, a, v, c, m, 0.5) }); n != 0 {
		t.Errorf("MulBlock allocates %v times per call", n)
	}
}

// mustPanic fails t unless f panics.
func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

func TestKernelsPanic(t *testing.T) {
	v := make([]complex128, 6)
	mustPanic(t, "Gram short v", func() { Gram(nil, v[:5], 2, 3, 1) })
	mustPanic(t, "Gram short dst", func() { Gram(make([]complex128, 3), v, 2, 3, 1) })
	mustPanic(t, "MulBlock short a", func() { MulBlock(nil, make([]complex128, 3), v, 2, 3, 0) })
	mustPanic(t, "MulBlock short dst", func() { MulBlock(make([]complex128, 5), make([]complex128, 4), v, 2, 3, 0) })
	mustPanic(t, "MulBlock negative", func() { MulBlock(nil, nil, nil, -1, 3, 0) })
}
