package redunet

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// randHPD returns a random n×n Hermitian positive-definite matrix
// I + α·V·Vᴴ with V n×r complex Gaussian, the shape of the matrices the
// ReduNet factorises (condition number up to 1 + α·‖V‖²).
func randHPD(rng *rand.Rand, n, r int, alpha float64) []complex128 {
	v := make([]complex128, n*r)
	for i := range v {
		v[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	a := make([]complex128, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s complex128
			for k := 0; k < r; k++ {
				s += v[i*r+k] * cmplx.Conj(v[j*r+k])
			}
			a[i*n+j] = complex(alpha, 0) * s
		}
		a[i*n+i] += 1
	}
	return a
}

// embed returns the real 2n×2n symmetric embedding [[A, −B], [B, A]] of
// the Hermitian matrix H = A + iB. Its determinant is det(H)², and its
// inverse is the embedding of H⁻¹.
func embed(h []complex128, n int) []float64 {
	m := 2 * n
	e := make([]float64, m*m)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a, b := real(h[i*n+j]), imag(h[i*n+j])
			e[i*m+j] = a
			e[i*m+n+j] = -b
			e[(n+i)*m+j] = b
			e[(n+i)*m+n+j] = a
		}
	}
	return e
}

// TestCholeskyAgainstLapack checks the hand-written Hermitian Cholesky
// (log-determinant, inverse, solve) against gonum's real LAPACK Potrf/Potri
// on the real embedding, for C = 1..64 with a fixed seed. Tolerance 1e-12
// relative: both are backward-stable O(n³) factorisations of matrices with
// condition number ≤ 1 + α·‖V‖² ≈ 1e3 here, so errors are ~1e-16·n·cond.
func TestCholeskyAgainstLapack(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 64; n++ {
		for _, r := range []int{1, n/2 + 1, 2 * n} {
			h := randHPD(rng, n, r, 0.5)
			l := append([]complex128(nil), h...)
			if !cholesky(l, n) {
				t.Fatalf("n=%d r=%d: cholesky failed on a positive-definite matrix", n, r)
			}
			got := cholLogDet(l, n)

			m := 2 * n
			e := blas64.Symmetric{N: m, Stride: m, Uplo: blas.Upper, Data: embed(h, n)}
			tri, ok := lapack64.Potrf(e)
			if !ok {
				t.Fatalf("n=%d: Potrf failed", n)
			}
			want := 0.0
			for i := 0; i < m; i++ {
				want += math.Log(tri.Data[i*m+i])
			}
			// logdet(embedding) = 2·Σ log U_ii = 2·logdet(H).
			if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("n=%d r=%d: logdet %.15g, lapack %.15g", n, r, got, want)
			}

			inv := make([]complex128, n*n)
			cholInverse(inv, l, make([]complex128, n*n), n, 1)
			einv, ok := lapack64.Potri(tri)
			if !ok {
				t.Fatalf("n=%d: Potri failed", n)
			}
			scale := 0.0
			for _, v := range einv.Data {
				scale = math.Max(scale, math.Abs(v))
			}
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					// Potri fills the upper triangle of the embedding.
					ii, jj := i, j
					if ii > jj {
						ii, jj = jj, ii
					}
					// The top-left block of the embedded inverse is Re H⁻¹ (symmetric).
					want := complex(einv.Data[ii*m+jj], 0)
					if d := math.Abs(real(inv[i*n+j]) - real(want)); d > 1e-12*scale {
						t.Fatalf("n=%d r=%d: Re inv[%d,%d] = %g, lapack %g", n, r, i, j, real(inv[i*n+j]), real(want))
					}
				}
			}
			// The imaginary parts: the block at rows 0..n-1, columns n..2n-1
			// of the embedded inverse is −B, stored in Potri's upper triangle.
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					wantIm := -einv.Data[i*m+n+j]
					if d := math.Abs(imag(inv[i*n+j]) - wantIm); d > 1e-12*scale {
						t.Fatalf("n=%d r=%d: Im inv[%d,%d] = %g, lapack %g", n, r, i, j, imag(inv[i*n+j]), wantIm)
					}
				}
			}

			// Solve agrees with the inverse.
			b := make([]complex128, n)
			for i := range b {
				b[i] = complex(rng.NormFloat64(), rng.NormFloat64())
			}
			x := append([]complex128(nil), b...)
			cholSolve(l, n, x)
			for i := 0; i < n; i++ {
				var s complex128
				for j := 0; j < n; j++ {
					s += inv[i*n+j] * b[j]
				}
				if cmplx.Abs(s-x[i]) > 1e-12*scale*float64(n) {
					t.Fatalf("n=%d r=%d: solve[%d] = %v, inverse·b = %v", n, r, i, x[i], s)
				}
			}
		}
	}
}

// TestCholeskyNotPositiveDefinite: an indefinite or NaN matrix is reported,
// never factorised.
func TestCholeskyNotPositiveDefinite(t *testing.T) {
	for _, a := range [][]complex128{
		{1, 2, 2, 1},
		{-1, 0, 0, 1},
		{complex(math.NaN(), 0), 0, 0, 1},
		{1, 0, 0, 0},
	} {
		if cholesky(append([]complex128(nil), a...), 2) {
			t.Errorf("cholesky(%v) reported positive definite", a)
		}
	}
}

func TestCholeskyAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 16
	h := randHPD(rng, n, n, 1)
	l := make([]complex128, n*n)
	inv := make([]complex128, n*n)
	work := make([]complex128, n*n)
	b := make([]complex128, n)
	allocs := testing.AllocsPerRun(20, func() {
		copy(l, h)
		cholesky(l, n)
		_ = cholLogDet(l, n)
		cholSolve(l, n, b)
		cholInverse(inv, l, work, n, 2)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per factorise+solve+inverse, want 0", allocs)
	}
}
