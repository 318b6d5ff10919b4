package zmat

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"
)

// The tests run every implementation this machine has (available: the
// assembly kernels the CPU supports, and pure Go; with -tags purego only
// pure Go) against plain reference loops, and check the determinism
// properties of the package documentation on each.
//
// Tolerance: an element x computed by a kernel and its reference y (plain
// loops in complex128, also for the complex64 kernels, whose inputs are
// converted) must satisfy
//
//	|x − y| ≤ tol·(Σ_k |a_ik|·|v_kj| + |β|·|dst_ij|)   (Mul)
//	|x − y| ≤ tol·|α|·Σ_i |v_ai|·|v_bi|               (Gram)
//
// with tol = 1e-13 for complex128 and 1e-5 for complex64: a bound relative
// to the magnitude of the terms summed, which is what rounding errors scale
// with (a relative bound on x itself would fail on cancellation).

const (
	tol128 = 1e-13
	tol64  = 1e-5
)

// dims are the edge sizes the tests mix: every tail of the AVX-512 (6 rows,
// 8 or 16 columns, 4 or 8 samples) and AVX2 (3 rows, 4 or 8 columns, 2 or 4
// samples) tiles, with and without full tiles before them.
var dims = []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17, 31, 33, 75, 100}

// betas are the β of the Mul tests; 0 also runs with a NaN-filled dst.
var betas = []float64{0, 1, 0.5, -2}

func randC128(rng *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return x
}

func randC64(rng *rand.Rand, n int) []complex64 {
	x := make([]complex64, n)
	for i := range x {
		x[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	return x
}

// offset returns a copy of x that starts off elements into a larger slice,
// so that the kernels see unaligned inputs.
func offset[T any](x []T, off int) []T {
	y := make([]T, off+len(x)+1)
	copy(y[off:], x)
	return y[off : off+len(x) : off+len(x)]
}

func to128(x []complex64) []complex128 {
	y := make([]complex128, len(x))
	for i, v := range x {
		y[i] = complex128(v)
	}
	return y
}

// mulRef returns A·V + β·D with plain loops, and the error scale of every
// element, Σ_k |a_ik||v_kj| + |β||d_ij|.
func mulRef(d, a, v []complex128, r, q, n int, beta float64) (want []complex128, scale []float64) {
	want = make([]complex128, r*n)
	scale = make([]float64, r*n)
	for i := 0; i < r; i++ {
		for j := 0; j < n; j++ {
			var s complex128
			var e float64
			for k := 0; k < q; k++ {
				s += a[i*q+k] * v[k*n+j]
				e += cmplx.Abs(a[i*q+k]) * cmplx.Abs(v[k*n+j])
			}
			if beta != 0 {
				s += complex(beta, 0) * d[i*n+j]
				e += math.Abs(beta) * cmplx.Abs(d[i*n+j])
			}
			want[i*n+j], scale[i*n+j] = s, e
		}
	}
	return want, scale
}

// gramRef returns α·V·Vᴴ with plain loops and the error scale of every
// element, |α|·Σ_i |v_ai||v_bi|.
func gramRef(v []complex128, c, m int, alpha float64) (want []complex128, scale []float64) {
	want = make([]complex128, c*c)
	scale = make([]float64, c*c)
	for a := 0; a < c; a++ {
		for b := 0; b < c; b++ {
			var s complex128
			var e float64
			for i := 0; i < m; i++ {
				s += v[a*m+i] * cmplx.Conj(v[b*m+i])
				e += cmplx.Abs(v[a*m+i]) * cmplx.Abs(v[b*m+i])
			}
			want[a*c+b], scale[a*c+b] = complex(alpha, 0)*s, math.Abs(alpha)*e
		}
	}
	return want, scale
}

// within reports the first element of got off want by more than tol·scale.
func within(got, want []complex128, scale []float64, tol float64) error {
	for i := range want {
		if !(cmplx.Abs(got[i]-want[i]) <= tol*scale[i]+1e-300) {
			return fmt.Errorf("element %d: got %v, want %v (error %.3g, bound %.3g)",
				i, got[i], want[i], cmplx.Abs(got[i]-want[i]), tol*scale[i])
		}
	}
	return nil
}

func TestImpls(t *testing.T) {
	var names []string
	for _, im := range available {
		names = append(names, im.name)
	}
	t.Logf("implementations: %v, active %q", names, Impl())
	if l := available; l[len(l)-1] != goImpl || active != l[0] {
		t.Fatal("impls must end with goImpl and start with the active implementation")
	}
}

// mulCases lists the (r, q, n) of the Mul tests: all r and n of dims with a
// few q, plus the large q with some r and n.
func mulCases() [][3]int {
	var cs [][3]int
	for _, r := range dims {
		for _, n := range dims {
			for _, q := range []int{0, 1, 2, 7, 16, 33} {
				cs = append(cs, [3]int{r, q, n})
			}
		}
	}
	for _, q := range []int{75, 100} {
		for _, rn := range [][2]int{{1, 1}, {5, 7}, {7, 17}, {13, 33}, {75, 100}, {100, 75}} {
			cs = append(cs, [3]int{rn[0], q, rn[1]})
		}
	}
	return cs
}

func TestMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, im := range available {
		for ci, sz := range mulCases() {
			r, q, n := sz[0], sz[1], sz[2]
			beta := betas[ci%len(betas)]
			a := offset(randC128(rng, r*q), ci%3)
			v := offset(randC128(rng, q*n), (ci+1)%3)
			d0 := randC128(rng, r*n)
			want, scale := mulRef(d0, a, v, r, q, n, beta)
			d := offset(d0, (ci+2)%3)
			if r == 0 || n == 0 { // the kernels need r, n ≥ 1
				continue
			}
			im.mul(d, a, v, r, q, n, beta)
			if err := within(d, want, scale, tol128); err != nil {
				t.Fatalf("%s: r=%d q=%d n=%d beta=%v: %v", im.name, r, q, n, beta, err)
			}
			if beta == 0 { // dst must not be read
				for i := range d {
					d[i] = cmplx.NaN()
				}
				im.mul(d, a, v, r, q, n, 0)
				if err := within(d, want, scale, tol128); err != nil {
					t.Fatalf("%s: NaN dst: r=%d q=%d n=%d: %v", im.name, r, q, n, err)
				}
			}
		}
	}
}

func TestMul64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, im := range available {
		for ci, sz := range mulCases() {
			r, q, n := sz[0], sz[1], sz[2]
			beta := float32(betas[ci%len(betas)])
			a := offset(randC64(rng, r*q), ci%3)
			v := offset(randC64(rng, q*n), (ci+1)%3)
			d0 := randC64(rng, r*n)
			want, scale := mulRef(to128(d0), to128(a), to128(v), r, q, n, float64(beta))
			d := offset(d0, (ci+2)%3)
			if r == 0 || n == 0 {
				continue
			}
			im.mul64(d, a, v, r, q, n, beta)
			if err := within(to128(d), want, scale, tol64); err != nil {
				t.Fatalf("%s: r=%d q=%d n=%d beta=%v: %v", im.name, r, q, n, beta, err)
			}
			if beta == 0 {
				nan := complex(float32(math.NaN()), float32(math.NaN()))
				for i := range d {
					d[i] = nan
				}
				im.mul64(d, a, v, r, q, n, 0)
				if err := within(to128(d), want, scale, tol64); err != nil {
					t.Fatalf("%s: NaN dst: r=%d q=%d n=%d: %v", im.name, r, q, n, err)
				}
			}
		}
	}
}

// gramCases lists the (c, m) of the Gram tests.
func gramCases() [][2]int {
	var cs [][2]int
	for _, c := range dims {
		for _, m := range []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 100} {
			cs = append(cs, [2]int{c, m})
		}
	}
	return cs
}

// checkHermitian reports an error unless g is exactly Hermitian with a real
// diagonal (imaginary part +0 or −0 is not enough: exactly 0).
func checkHermitian[T complex64 | complex128](g []T, c int) error {
	for a := 0; a < c; a++ {
		if d := complex128(g[a*c+a]); imag(d) != 0 {
			return fmt.Errorf("diagonal %d = %v is not real", a, d)
		}
		for b := 0; b < a; b++ {
			x, y := complex128(g[a*c+b]), complex128(g[b*c+a])
			if math.Float64bits(real(x)) != math.Float64bits(real(y)) || imag(x) != -imag(y) {
				return fmt.Errorf("(%d,%d) = %v but (%d,%d) = %v", a, b, x, b, a, y)
			}
		}
	}
	return nil
}

func TestGram(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	for _, im := range available {
		for ci, sz := range gramCases() {
			c, m := sz[0], sz[1]
			if c == 0 {
				continue
			}
			alpha := []float64{1, 0.5, -2}[ci%3]
			v := offset(randC128(rng, c*m), ci%3)
			want, scale := gramRef(v, c, m, alpha)
			d := offset(randC128(rng, c*c), (ci+1)%3)
			for i := range d {
				d[i] = cmplx.NaN() // dst is not read
			}
			im.gram(d, v, c, m, alpha)
			if err := within(d, want, scale, tol128); err != nil {
				t.Fatalf("%s: c=%d m=%d: %v", im.name, c, m, err)
			}
			if err := checkHermitian(d, c); err != nil {
				t.Fatalf("%s: c=%d m=%d: %v", im.name, c, m, err)
			}
		}
	}
}

func TestGram64(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, im := range available {
		for ci, sz := range gramCases() {
			c, m := sz[0], sz[1]
			if c == 0 {
				continue
			}
			alpha := []float32{1, 0.5, -2}[ci%3]
			v := offset(randC64(rng, c*m), ci%3)
			want, scale := gramRef(to128(v), c, m, float64(alpha))
			d := offset(randC64(rng, c*c), (ci+1)%3)
			nan := complex(float32(math.NaN()), float32(math.NaN()))
			for i := range d {
				d[i] = nan
			}
			im.gram64(d, v, c, m, alpha)
			if err := within(to128(d), want, scale, tol64); err != nil {
				t.Fatalf("%s: c=%d m=%d: %v", im.name, c, m, err)
			}
			if err := checkHermitian(d, c); err != nil {
				t.Fatalf("%s: c=%d m=%d: %v", im.name, c, m, err)
			}
		}
	}
}

// TestExported checks the exported functions on empty and degenerate
// sizes, which the implementations never see.
func TestExported(t *testing.T) {
	Mul(nil, nil, nil, 0, 0, 0, 1)
	Mul(nil, make([]complex128, 6), nil, 2, 3, 0, 1)
	Mul64(nil, nil, make([]complex64, 6), 0, 3, 2, 1)
	d := []complex128{1, 2, 3, 4}
	Mul(d, nil, nil, 2, 0, 2, 0.5) // q = 0: dst = β·dst
	if !slices.Equal(d, []complex128{0.5, 1, 1.5, 2}) {
		t.Errorf("Mul with q = 0: got %v", d)
	}
	Mul(d, nil, nil, 2, 0, 2, 0)
	if !slices.Equal(d, make([]complex128, 4)) {
		t.Errorf("Mul with q = 0, β = 0: got %v", d)
	}
	d64 := []complex64{1, 2}
	Mul64(d64, nil, nil, 1, 0, 2, -1)
	if !slices.Equal(d64, []complex64{-1, -2}) {
		t.Errorf("Mul64 with q = 0: got %v", d64)
	}
	Gram(nil, nil, 0, 5, 1)
	Gram64(nil, nil, 0, 0, 1)
	g := []complex128{1, 2, 3, 4}
	Gram(g, nil, 2, 0, 1) // m = 0: dst = 0
	if !slices.Equal(g, make([]complex128, 4)) {
		t.Errorf("Gram with m = 0: got %v", g)
	}
	g64 := []complex64{1}
	Gram64(g64, nil, 1, 0, 1)
	if g64[0] != 0 {
		t.Errorf("Gram64 with m = 0: got %v", g64)
	}
	// And the exported functions on a small case against the reference.
	rng := rand.New(rand.NewPCG(3, 3))
	a, v := randC128(rng, 3*4), randC128(rng, 4*5)
	dst := make([]complex128, 3*5)
	Mul(dst, a, v, 3, 4, 5, 0)
	want, scale := mulRef(nil, a, v, 3, 4, 5, 0)
	if err := within(dst, want, scale, tol128); err != nil {
		t.Errorf("Mul: %v", err)
	}
	gd := make([]complex128, 16)
	Gram(gd, v, 4, 5, 2)
	want, scale = gramRef(v, 4, 5, 2)
	if err := within(gd, want, scale, tol128); err != nil {
		t.Errorf("Gram: %v", err)
	}
}

func TestPanics(t *testing.T) {
	c := func(n int) []complex128 { return make([]complex128, n) }
	f := func(n int) []complex64 { return make([]complex64, n) }
	big := math.MaxInt/2 + 1
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Mul negative", func() { Mul(nil, nil, nil, -1, 0, 0, 0) }},
		{"Mul len(a)", func() { Mul(c(6), c(5), c(6), 2, 3, 3, 0) }},
		{"Mul len(v)", func() { Mul(c(6), c(6), c(10), 2, 3, 3, 0) }},
		{"Mul len(dst)", func() { Mul(c(7), c(6), c(9), 2, 3, 3, 0) }},
		{"Mul overflow", func() { Mul(nil, nil, nil, big, 0, 2, 0) }},
		{"Mul64 len(a)", func() { Mul64(f(6), f(7), f(9), 2, 3, 3, 0) }},
		{"Mul64 len(dst)", func() { Mul64(f(5), f(6), f(9), 2, 3, 3, 0) }},
		{"Mul64 negative", func() { Mul64(nil, nil, nil, 0, -2, 0, 0) }},
		{"Gram negative", func() { Gram(nil, nil, 0, -1, 1) }},
		{"Gram len(v)", func() { Gram(c(4), c(5), 2, 3, 1) }},
		{"Gram len(dst)", func() { Gram(c(3), c(6), 2, 3, 1) }},
		{"Gram overflow", func() { Gram(nil, nil, big, 0, 1) }},
		{"Gram64 len(v)", func() { Gram64(f(4), f(7), 2, 3, 1) }},
		{"Gram64 len(dst)", func() { Gram64(f(5), f(6), 2, 3, 1) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

func TestNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	a, v, d := randC128(rng, 13*17), randC128(rng, 17*19), randC128(rng, 13*19)
	a64, v64, d64 := randC64(rng, 13*17), randC64(rng, 17*19), randC64(rng, 13*19)
	g, g64 := make([]complex128, 13*13), make([]complex64, 13*13)
	for name, f := range map[string]func(){
		"Mul":    func() { Mul(d, a, v, 13, 17, 19, 0.5) },
		"Mul64":  func() { Mul64(d64, a64, v64, 13, 17, 19, 0.5) },
		"Gram":   func() { Gram(g, v[:13*24], 13, 24, 1) },
		"Gram64": func() { Gram64(g64, v64[:13*24], 13, 24, 1) },
	} {
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s allocates %v times per call", name, n)
		}
	}
}
