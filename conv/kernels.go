package conv

import "github.com/redunet-go/redunet/internal/zmat"

// This file holds the two per-bin kernels of the multichannel ReduNet, the
// covariance Gram and the operator application MulBlock (MulRect). Both run
// in package internal/zmat: AVX-512 or AVX2+FMA assembly on amd64, chosen
// at run time, with pure-Go kernels elsewhere and under the purego build
// tag (see the benchmarks, which run them beside gonum's Zherk and Zgemm).
// Each output element goes through a fixed sequence of floating-point
// operations, so a result does not depend on the sizes, the position of the
// element or the alignment of the slices.

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
	zmat.Gram(dst, v, c, m, alpha)
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
	zmat.Mul(dst, a, v, r, q, n, beta)
	return dst
}
