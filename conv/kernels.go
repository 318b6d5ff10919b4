package conv

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/cblas128"
)

// This file holds the two per-bin kernels of the multichannel ReduNet, the
// covariance Gram and the operator application MulBlock (MulRect). Each is
// whichever was measured faster on these sizes (see the benchmarks, which
// run both side by side): Gram is gonum's Zherk, whose inner products run
// in SSE3 assembly; MulRect is written out by hand in real arithmetic (a
// complex multiply-add is four real multiplies and four real additions),
// four rows of V per pass so that each element of the output is loaded and
// stored once per four multiply-adds, with every inner loop over slices
// re-sliced to a common length so that the compiler removes the bounds
// checks; it runs at about 1.7× gonum's Zgemm.

// Gram computes the scaled Gram matrix of the rows of the c×m row-major
// complex matrix v,
//
//	dst = α·V·Vᴴ,  dst[a*c+b] = α·Σ_i v[a*m+i]·conj(v[b*m+i]),
//
// and returns dst, a full c×c row-major Hermitian matrix. Only the lower
// triangle is computed; the upper triangle is its conjugate mirror, and the
// diagonal is real with an imaginary part of exactly zero.
//
// Gram does not allocate unless dst is nil, in which case a new slice is
// allocated. It panics if c or m is negative, len(v) != c*m, or dst is not
// nil and len(dst) != c*c. dst must not overlap v.
func Gram(dst, v []complex128, c, m int, alpha float64) []complex128 {
	if c < 0 || m < 0 {
		panic("conv: Gram: negative dimension")
	}
	if len(v) != c*m {
		panic("conv: Gram: len(v) != c*m")
	}
	if dst == nil {
		dst = make([]complex128, c*c)
	} else if len(dst) != c*c {
		panic("conv: Gram: len(dst) != c*c")
	}
	if c == 0 {
		return dst
	}
	// gonum's Zherk runs its inner products in SSE3 assembly, about twice
	// the speed of the best pure-Go loop here (see BenchmarkGram): it
	// writes the lower triangle, which is mirrored below.
	cblas128.Herk(blas.NoTrans, alpha, cblas128.General{Rows: c, Cols: m, Stride: max(m, 1), Data: v}, 0,
		cblas128.Hermitian{N: c, Stride: c, Data: dst, Uplo: blas.Lower})
	for a := 0; a < c; a++ {
		row := dst[a*c : a*c+c]
		row[a] = complex(real(row[a]), 0)
		for b := 0; b < a; b++ {
			s := row[b]
			dst[b*c+a] = complex(real(s), -imag(s))
		}
	}
	return dst
}

// MulBlock computes the product of the c×c row-major complex matrix a with
// the c×m row-major complex matrix v, added to β times dst:
//
//	dst = A·V + β·dst,  dst[r*m+i] = Σ_k a[r*c+k]·v[k*m+i] + β·dst[r*m+i],
//
// and returns dst (c×m, row-major). When β = 0 the previous contents of dst
// are not read, so they may be anything, NaN included.
//
// MulBlock does not allocate unless dst is nil, in which case a new slice is
// allocated. It panics if c or m is negative, len(a) != c*c,
// len(v) != c*m, or dst is not nil and len(dst) != c*m. dst must not
// overlap a or v.
func MulBlock(dst, a, v []complex128, c, m int, beta float64) []complex128 {
	if c < 0 || m < 0 {
		panic("conv: MulBlock: negative dimension")
	}
	if len(a) != c*c {
		panic("conv: MulBlock: len(a) != c*c")
	}
	return MulRect(dst, a, v, c, c, m, beta)
}

// MulRect computes the product of the r×q row-major complex matrix a with
// the q×n row-major complex matrix v, added to β times dst:
//
//	dst = A·V + β·dst,  dst[i*n+j] = Σ_k a[i*q+k]·v[k*n+j] + β·dst[i*n+j],
//
// and returns dst (r×n, row-major). MulBlock is the square case. When β = 0
// the previous contents of dst are not read.
//
// MulRect does not allocate unless dst is nil, in which case a new slice is
// allocated. It panics if a dimension is negative, len(a) != r*q,
// len(v) != q*n, or dst is not nil and len(dst) != r*n. dst must not overlap
// a or v.
func MulRect(dst, a, v []complex128, r, q, n int, beta float64) []complex128 {
	if r < 0 || q < 0 || n < 0 {
		panic("conv: MulRect: negative dimension")
	}
	if len(a) != r*q {
		panic("conv: MulRect: len(a) != r*q")
	}
	if len(v) != q*n {
		panic("conv: MulRect: len(v) != q*n")
	}
	if dst == nil {
		dst = make([]complex128, r*n)
	} else if len(dst) != r*n {
		panic("conv: MulRect: len(dst) != r*n")
	}
	m := n
	for row := 0; row < r; row++ {
		d := dst[row*m : row*m+m]
		switch beta {
		case 0:
			clear(d)
		case 1:
		default:
			for i, x := range d {
				d[i] = complex(beta*real(x), beta*imag(x))
			}
		}
		ar := a[row*q : row*q+q]
		k := 0
		for ; k+3 < q; k += 4 {
			axpy4(d, ar[k], ar[k+1], ar[k+2], ar[k+3],
				v[k*m:k*m+m], v[(k+1)*m:(k+1)*m+m], v[(k+2)*m:(k+2)*m+m], v[(k+3)*m:(k+3)*m+m])
		}
		for ; k+1 < q; k += 2 {
			axpy2(d, ar[k], ar[k+1], v[k*m:k*m+m], v[(k+1)*m:(k+1)*m+m])
		}
		if k < q {
			axpy1(d, ar[k], v[k*m:k*m+m])
		}
	}
	return dst
}

// axpy4 adds a0·x0 + a1·x1 + a2·x2 + a3·x3 to d; the rows x_k must be at
// least as long as d. Each element of d is loaded and stored once for four
// complex multiply-adds, and the four products are summed as a tree.
func axpy4(d []complex128, a0, a1, a2, a3 complex128, x0, x1, x2, x3 []complex128) {
	x0 = x0[:len(d)]
	x1 = x1[:len(d)]
	x2 = x2[:len(d)]
	x3 = x3[:len(d)]
	a0r, a0i := real(a0), imag(a0)
	a1r, a1i := real(a1), imag(a1)
	a2r, a2i := real(a2), imag(a2)
	a3r, a3i := real(a3), imag(a3)
	for i, s := range d {
		p0, p1, p2, p3 := x0[i], x1[i], x2[i], x3[i]
		re01 := (a0r*real(p0) - a0i*imag(p0)) + (a1r*real(p1) - a1i*imag(p1))
		im01 := (a0r*imag(p0) + a0i*real(p0)) + (a1r*imag(p1) + a1i*real(p1))
		re23 := (a2r*real(p2) - a2i*imag(p2)) + (a3r*real(p3) - a3i*imag(p3))
		im23 := (a2r*imag(p2) + a2i*real(p2)) + (a3r*imag(p3) + a3i*real(p3))
		d[i] = complex(real(s)+(re01+re23), imag(s)+(im01+im23))
	}
}

// axpy2 is axpy4 for two rows.
func axpy2(d []complex128, a0, a1 complex128, x0, x1 []complex128) {
	x0 = x0[:len(d)]
	x1 = x1[:len(d)]
	a0r, a0i := real(a0), imag(a0)
	a1r, a1i := real(a1), imag(a1)
	for i, s := range d {
		p0, p1 := x0[i], x1[i]
		re := (a0r*real(p0) - a0i*imag(p0)) + (a1r*real(p1) - a1i*imag(p1))
		im := (a0r*imag(p0) + a0i*real(p0)) + (a1r*imag(p1) + a1i*real(p1))
		d[i] = complex(real(s)+re, imag(s)+im)
	}
}

// axpy1 is axpy4 for one row.
func axpy1(d []complex128, a complex128, x []complex128) {
	x = x[:len(d)]
	ar, ai := real(a), imag(a)
	for i, s := range d {
		p := x[i]
		d[i] = complex(real(s)+(ar*real(p)-ai*imag(p)), imag(s)+(ar*imag(p)+ai*real(p)))
	}
}
