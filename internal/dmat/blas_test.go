package dmat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// TestBLASSyrk: Dsyrk and Ssyrk of the adapters compute the triangle ul and
// leave the other alone (bitwise, NaN included).
func TestBLASSyrk(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, im := range testImpls() {
		restore := setImpl(im)
		for _, nk := range [][2]int{{1, 3}, {5, 5}, {7, 9}, {33, 17}, {100, 65}, {257, 300}} {
			n, k := nk[0], nk[1]
			for _, ul := range []blas.Uplo{blas.Lower, blas.Upper} {
				for _, tr := range bools() {
					for _, beta := range []float64{0, 0.3} {
						ar, ac := n, k
						if tr {
							ar, ac = k, n
						}
						a := newMatrix(rng, ar, ac, 1, math.NaN())
						inside := func(i, j int) bool { return ul == blas.Lower && j <= i || ul == blas.Upper && j >= i }
						c0 := newMatrix(rng, n, n, 2, -7.0)
						for i := 0; i < n; i++ {
							for j := 0; j < n; j++ {
								if !inside(i, j) || beta == 0 {
									c0.data[i*c0.ld+j] = math.NaN()
								}
							}
						}
						got, got32 := c0.clone(), toF32(c0)
						BLAS64{Workers: 2}.Dsyrk(ul, trans(tr), n, k, -0.5, a.data, a.ld, beta, got.data, got.ld)
						BLAS32{Workers: 2}.Ssyrk(ul, trans(tr), n, k, -0.5, toF32(a).data, a.ld, float32(beta), got32.data, got32.ld)
						var prod, abs []float64
						if tr {
							prod, abs = naive(true, false, n, n, k, a, a)
						} else {
							prod, abs = naive(false, true, n, n, k, a, a)
						}
						name := fmt.Sprintf("%s ul=%c trans=%v n=%d k=%d beta=%v", im, ul, tr, n, k, beta)
						for i := 0; i < n; i++ {
							for j := 0; j < n; j++ {
								if inside(i, j) {
									continue
								}
								if x, y := got.at(i, j), c0.at(i, j); math.Float64bits(x) != math.Float64bits(y) {
									t.Fatalf("%s: C[%d][%d] outside the triangle changed: %v -> %v", name, i, j, y, x)
								}
								if x, y := got32.at(i, j), float64(float32(c0.at(i, j))); !same(x, y) {
									t.Fatalf("%s: float32 C[%d][%d] outside the triangle changed: %v -> %v", name, i, j, y, x)
								}
							}
						}
						// Compare the triangle: mirror expectations onto it.
						check := func(got matrix[float64], tol float64, what string) {
							for i := 0; i < n; i++ {
								for j := 0; j < n; j++ {
									if !inside(i, j) {
										continue
									}
									want := -0.5 * prod[i*n+j]
									scale := 0.5 * abs[i*n+j]
									if beta != 0 {
										want += beta * c0.at(i, j)
										scale += math.Abs(beta * c0.at(i, j))
									}
									if d := math.Abs(got.at(i, j) - want); !(d <= tol*scale+1e-300) {
										t.Fatalf("%s %s: C[%d][%d] = %v, want %v", name, what, i, j, got.at(i, j), want)
									}
								}
							}
						}
						check(got, tol64, "float64")
						g32 := matrix[float64]{r: n, c: n, ld: got32.ld, data: make([]float64, len(got32.data))}
						for i, v := range got32.data {
							g32.data[i] = float64(v)
						}
						check(g32, tol32, "float32")
					}
				}
			}
		}
		restore()
	}
}

// TestBLASLapack: gonum's Cholesky, inverse and solve through BLAS64 agree
// with gonum's own BLAS, and the triangle Potrf does not use is kept.
func TestBLASLapack(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	n := 300
	x := newMatrix(rng, n, n+50, 0, 0.0)
	spd := make([]float64, n*n)
	Gemm(false, true, n, n, n+50, 1, x.data, x.ld, x.data, x.ld, 0, spd, n, 1)
	for i := 0; i < n; i++ {
		spd[i*n+i] += 1
		for j := i + 1; j < n; j++ {
			spd[i*n+j] = -3 // not referenced by a lower factorisation
		}
	}
	factor := func() ([]float64, []float64) {
		l := append([]float64(nil), spd...)
		sym := blas64.Symmetric{N: n, Stride: n, Uplo: blas.Lower, Data: l}
		if _, ok := lapack64.Potrf(sym); !ok {
			t.Fatal("Potrf failed")
		}
		inv := append([]float64(nil), l...)
		if _, ok := lapack64.Potri(blas64.Triangular{N: n, Stride: n, Uplo: blas.Lower, Diag: blas.NonUnit, Data: inv}); !ok {
			t.Fatal("Potri failed")
		}
		return l, inv
	}
	wantL, wantInv := factor()
	blas64.Use(BLAS64{Workers: 2})
	defer blas64.Use(gonum.Implementation{})
	for _, im := range testImpls() {
		restore := setImpl(im)
		gotL, gotInv := factor()
		restore()
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if j > i {
					if gotL[i*n+j] != -3 || gotInv[i*n+j] != -3 {
						t.Fatalf("%s: upper triangle element (%d, %d) changed", im, i, j)
					}
					continue
				}
				if d := math.Abs(gotL[i*n+j] - wantL[i*n+j]); d > 1e-12*math.Abs(wantL[i*i+i]) {
					t.Fatalf("%s: L[%d][%d] = %v, gonum %v", im, i, j, gotL[i*n+j], wantL[i*n+j])
				}
				if d := math.Abs(gotInv[i*n+j] - wantInv[i*n+j]); d > 1e-9*math.Abs(wantInv[i*n+i]) {
					t.Fatalf("%s: inverse[%d][%d] = %v, gonum %v", im, i, j, gotInv[i*n+j], wantInv[i*n+j])
				}
			}
		}
	}
}

// TestBLASPanics: the adapters check the transpose and triangle flags as
// gonum does.
func TestBLASPanics(t *testing.T) {
	a, c := make([]float64, 4), make([]float64, 4)
	a32, c32 := make([]float32, 4), make([]float32, 4)
	cases := []struct {
		name      string
		got, want func()
	}{
		{"Dgemm tA",
			func() { BLAS64{}.Dgemm('x', blas.NoTrans, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2) },
			func() { gonum.Implementation{}.Dgemm('x', blas.NoTrans, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2) }},
		{"Dgemm tB",
			func() { BLAS64{}.Dgemm(blas.NoTrans, 'x', 2, 2, 2, 1, a, 2, a, 2, 0, c, 2) },
			func() { gonum.Implementation{}.Dgemm(blas.NoTrans, 'x', 2, 2, 2, 1, a, 2, a, 2, 0, c, 2) }},
		{"Dgemm short c",
			func() { BLAS64{}.Dgemm(blas.Trans, blas.ConjTrans, 2, 2, 2, 1, a, 2, a, 2, 0, c[:3], 2) },
			func() { gonum.Implementation{}.Dgemm(blas.Trans, blas.ConjTrans, 2, 2, 2, 1, a, 2, a, 2, 0, c[:3], 2) }},
		{"Dsyrk ul",
			func() { BLAS64{}.Dsyrk('x', 'y', 2, 2, 1, a, 2, 0, c, 2) },
			func() { gonum.Implementation{}.Dsyrk('x', 'y', 2, 2, 1, a, 2, 0, c, 2) }},
		{"Dsyrk tA",
			func() { BLAS64{}.Dsyrk(blas.Upper, 'y', 2, 2, 1, a, 2, 0, c, 2) },
			func() { gonum.Implementation{}.Dsyrk(blas.Upper, 'y', 2, 2, 1, a, 2, 0, c, 2) }},
		{"Dsyrk lda",
			func() { BLAS64{}.Dsyrk(blas.Upper, blas.NoTrans, 2, 3, 1, a, 2, 0, c, 2) },
			func() { gonum.Implementation{}.Dsyrk(blas.Upper, blas.NoTrans, 2, 3, 1, a, 2, 0, c, 2) }},
		{"Sgemm tA",
			func() { BLAS32{}.Sgemm('x', blas.NoTrans, 2, 2, 2, 1, a32, 2, a32, 2, 0, c32, 2) },
			func() { gonum.Implementation{}.Sgemm('x', blas.NoTrans, 2, 2, 2, 1, a32, 2, a32, 2, 0, c32, 2) }},
		{"Ssyrk ul",
			func() { BLAS32{}.Ssyrk('x', blas.NoTrans, 2, 2, 1, a32, 2, 0, c32, 2) },
			func() { gonum.Implementation{}.Ssyrk('x', blas.NoTrans, 2, 2, 1, a32, 2, 0, c32, 2) }},
		{"Ssyrk short a",
			func() { BLAS32{}.Ssyrk(blas.Lower, blas.Trans, 2, 3, 1, a32, 2, 0, c32, 2) },
			func() { gonum.Implementation{}.Ssyrk(blas.Lower, blas.Trans, 2, 3, 1, a32, 2, 0, c32, 2) }},
	}
	for _, tc := range cases {
		got, want := catch(tc.got), catch(tc.want)
		if got == "" || got != want {
			t.Errorf("%s: panic %q, gonum %q", tc.name, got, want)
		}
	}
}
