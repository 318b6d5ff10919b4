package redunet

import "math"

// This file holds the hand-written Cholesky factorisation of small Hermitian
// positive-definite complex matrices, one per frequency bin of the
// multichannel ReduNet (gonum has no complex factorisation). Matrices are
// n×n, row-major, in a []complex128 of length n·n. A real symmetric matrix is
// the special case with zero imaginary parts. No function here allocates.

// cholesky factorises the Hermitian positive-definite matrix a = L·Lᴴ in
// place. Only the lower triangle of a is read; L, with a real positive
// diagonal, overwrites it (the strict upper triangle is left untouched). It
// reports false, leaving a partly overwritten, when a is not numerically
// positive definite.
func cholesky(a []complex128, n int) bool {
	_ = a[n*n-1]
	for j := 0; j < n; j++ {
		rj := a[j*n : j*n+j+1]
		d := real(rj[j])
		for _, v := range rj[:j] {
			d -= real(v)*real(v) + imag(v)*imag(v)
		}
		if !(d > 0) || math.IsInf(d, 0) {
			return false
		}
		d = math.Sqrt(d)
		rj[j] = complex(d, 0)
		inv := 1 / d
		for i := j + 1; i < n; i++ {
			ri := a[i*n : i*n+j+1]
			// L[i,j] = (A[i,j] − Σ_k L[i,k]·conj(L[j,k])) / L[j,j]
			sr, si := real(ri[j]), imag(ri[j])
			for k, x := range ri[:j] {
				y := rj[k]
				sr -= real(x)*real(y) + imag(x)*imag(y)
				si -= imag(x)*real(y) - real(x)*imag(y)
			}
			ri[j] = complex(sr*inv, si*inv)
		}
	}
	return true
}

// cholLogDet returns log det(L·Lᴴ) = 2·Σ log L[i,i] for a factor from
// cholesky.
func cholLogDet(l []complex128, n int) float64 {
	s := 0.0
	for i := 0; i < n; i++ {
		s += math.Log(real(l[i*n+i]))
	}
	return 2 * s
}

// cholSolve overwrites b with the solution x of (L·Lᴴ)·x = b.
func cholSolve(l []complex128, n int, b []complex128) {
	// L·y = b, forward.
	for i := 0; i < n; i++ {
		s := b[i]
		for k, x := range l[i*n : i*n+i] {
			s -= x * b[k]
		}
		b[i] = s / complex(real(l[i*n+i]), 0)
	}
	// Lᴴ·x = y, backward, by columns of Lᴴ (rows of L) so access stays contiguous.
	for i := n - 1; i >= 0; i-- {
		xi := b[i] / complex(real(l[i*n+i]), 0)
		b[i] = xi
		for k, x := range l[i*n : i*n+i] {
			// b[k] -= conj(L[i,k])·x_i
			b[k] -= complex(real(x), -imag(x)) * xi
		}
	}
}

// cholInverse writes the full Hermitian matrix (L·Lᴴ)⁻¹, scaled by s, to dst
// (n×n). work must hold n·n values; it receives L⁻¹.
func cholInverse(dst, l, work []complex128, n int, s float64) {
	w := work[:n*n]
	clear(w)
	// W = L⁻¹, lower triangular, row by row: W[i,:] = (e_i − Σ_{k<i} L[i,k]·W[k,:]) / L[i,i].
	for i := 0; i < n; i++ {
		wi := w[i*n : i*n+i+1]
		li := l[i*n : i*n+i]
		for k, x := range li {
			if x == 0 {
				continue
			}
			wk := w[k*n : k*n+k+1]
			for c, v := range wk {
				wi[c] -= x * v
			}
		}
		inv := 1 / real(l[i*n+i])
		wi[i] = 1
		for c := range wi {
			wi[c] *= complex(inv, 0)
		}
	}
	// (L·Lᴴ)⁻¹ = Wᴴ·W: dst[i,j] = Σ_{k ≥ max(i,j)} conj(W[k,i])·W[k,j].
	clear(dst[:n*n])
	for k := 0; k < n; k++ {
		wk := w[k*n : k*n+k+1]
		for i, x := range wk {
			cx := complex(s*real(x), -s*imag(x))
			di := dst[i*n : i*n+k+1]
			for j, y := range wk[:i+1] {
				di[j] += cx * y
			}
		}
	}
	// Mirror the lower triangle to the upper one.
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			v := dst[i*n+j]
			dst[j*n+i] = complex(real(v), -imag(v))
		}
		dst[i*n+i] = complex(real(dst[i*n+i]), 0)
	}
}
