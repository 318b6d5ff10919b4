// Package zmat holds the dense complex matrix kernels of the convolutional
// ReduNet: the product of a matrix with a block of samples, and the scaled
// Gram matrix of a block, both per frequency bin, in complex128 and
// complex64.
//
// All matrices are dense, row-major and contiguous (no strides): an r×n
// matrix is a slice of length r·n whose element (i, j) is at index i·n+j.
//
// On amd64 the kernels run in AVX-512 or AVX2+FMA assembly, chosen once at
// start-up from the CPU's features (see Impl); elsewhere, under the build
// tag purego, or on a CPU without AVX2 and FMA they run in pure Go.
//
// # Determinism
//
// Within one implementation, the value of every output element is a fixed
// function of the inputs it depends on: for Mul, of row i of A, column j of
// V, dst[i*n+j] and beta; for Gram, of rows a and b of V and alpha. It does
// not depend on the dimensions r, n or c, on the element's position in the
// matrix, on the alignment of the slices, nor on which edge path of the
// kernel computed it: every element goes through the same sequence of
// floating-point operations, with the sums taken in the same order. So a
// product of a sub-block, or the Gram matrix of a subset of the rows, is
// bitwise the corresponding part of the whole.
//
// The AVX-512 and AVX2 Mul kernels perform the same operations and agree
// bitwise, on any CPU that has them. Their Gram kernels sum the samples in
// different orders (as many partial sums per inner product as a vector
// holds values: 4 or 2 for complex128), and the pure-Go kernels round
// differently again, so those agree only to within rounding: about 1e-16·q
// (Mul) or 1e-16·m (Gram) relative to the sum of the magnitudes of the
// terms for complex128, in the worst case.
package zmat

import "math"

// Mul sets dst (r×n) = A·V + beta·dst for A r×q and V q×n, all row-major and
// contiguous:
//
//	dst[i*n+j] = Σ_k a[i*q+k]·v[k*n+j] + beta·dst[i*n+j].
//
// With beta == 0 dst is not read (it may hold NaN). Mul panics on negative
// dimensions or wrong lengths (len(a) != r*q, len(v) != q*n,
// len(dst) != r*n). dst must not overlap a or v. Mul does not allocate.
func Mul(dst, a, v []complex128, r, q, n int, beta float64) {
	checkMul(len(dst), len(a), len(v), r, q, n, "Mul")
	if r == 0 || n == 0 {
		return
	}
	active.mul(dst, a, v, r, q, n, beta)
}

// Mul64 is Mul for complex64: dst (r×n) = A·V + beta·dst, accumulating in
// float32. With beta == 0 dst is not read. It panics on negative dimensions
// or wrong lengths, like Mul. dst must not overlap a or v. Mul64 does not
// allocate.
func Mul64(dst, a, v []complex64, r, q, n int, beta float32) {
	checkMul(len(dst), len(a), len(v), r, q, n, "Mul64")
	if r == 0 || n == 0 {
		return
	}
	active.mul64(dst, a, v, r, q, n, beta)
}

// Gram sets dst (c×c, row-major, both triangles) = alpha·V·Vᴴ for the c×m
// row-major matrix V:
//
//	dst[a*c+b] = alpha·Σ_i v[a*m+i]·conj(v[b*m+i]).
//
// Only the lower triangle (a ≥ b) is computed; dst[b*c+a] is set to exactly
// its conjugate, and the diagonal is real with an imaginary part of exactly
// zero. Gram panics on negative dimensions or wrong lengths (len(v) != c*m,
// len(dst) != c*c). dst must not overlap v. Gram does not allocate.
func Gram(dst, v []complex128, c, m int, alpha float64) {
	checkGram(len(dst), len(v), c, m, "Gram")
	if c == 0 {
		return
	}
	if m == 0 {
		clear(dst)
		return
	}
	active.gram(dst, v, c, m, alpha)
}

// Gram64 is Gram for complex64: dst (c×c, both triangles) = alpha·V·Vᴴ,
// accumulating in float32. The diagonal is real with an imaginary part of
// exactly zero and the upper triangle is exactly the conjugate of the lower.
// It panics on negative dimensions or wrong lengths, like Gram. dst must not
// overlap v. Gram64 does not allocate.
func Gram64(dst, v []complex64, c, m int, alpha float32) {
	checkGram(len(dst), len(v), c, m, "Gram64")
	if c == 0 {
		return
	}
	if m == 0 {
		clear(dst)
		return
	}
	active.gram64(dst, v, c, m, alpha)
}

// Impl reports the implementation in use: "avx512", "avx2" or "go".
func Impl() string { return active.name }

// impl is one implementation of the four kernels. The exported functions
// check their arguments, handle empty outputs and call the active one; the
// kernels may assume r, n, c, m ≥ 1, q ≥ 0 and correct lengths.
type impl struct {
	name   string
	mul    func(dst, a, v []complex128, r, q, n int, beta float64)
	mul64  func(dst, a, v []complex64, r, q, n int, beta float32)
	gram   func(dst, v []complex128, c, m int, alpha float64)
	gram64 func(dst, v []complex64, c, m int, alpha float32)
}

// goImpl is the pure-Go implementation, available everywhere.
var goImpl = &impl{name: "go", mul: mulGo, mul64: mul64Go, gram: gramGo, gram64: gram64Go}

// available lists the implementations this machine can run, fastest first
// and the pure-Go one last (platformImpls is in the platform's file); the
// tests run them all.
var available = platformImpls()

// active is the implementation the exported functions use: the fastest.
var active = available[0]

// checkMul panics unless r, q, n ≥ 0 and the lengths match the dimensions.
// The products are checked for overflow, so that the kernels, which index
// memory directly, never see dimensions larger than the slices.
func checkMul(ld, la, lv, r, q, n int, fn string) {
	if r < 0 || q < 0 || n < 0 {
		panic("zmat: " + fn + ": negative dimension")
	}
	if overflows(r, q) || overflows(q, n) || overflows(r, n) {
		panic("zmat: " + fn + ": dimensions overflow int")
	}
	if la != r*q {
		panic("zmat: " + fn + ": len(a) != r*q")
	}
	if lv != q*n {
		panic("zmat: " + fn + ": len(v) != q*n")
	}
	if ld != r*n {
		panic("zmat: " + fn + ": len(dst) != r*n")
	}
}

// checkGram panics unless c, m ≥ 0 and the lengths match the dimensions.
func checkGram(ld, lv, c, m int, fn string) {
	if c < 0 || m < 0 {
		panic("zmat: " + fn + ": negative dimension")
	}
	if overflows(c, m) || overflows(c, c) {
		panic("zmat: " + fn + ": dimensions overflow int")
	}
	if lv != c*m {
		panic("zmat: " + fn + ": len(v) != c*m")
	}
	if ld != c*c {
		panic("zmat: " + fn + ": len(dst) != c*c")
	}
}

// overflows reports whether x·y, for x, y ≥ 0, does not fit in an int.
func overflows(x, y int) bool {
	return x != 0 && y > math.MaxInt/x
}
