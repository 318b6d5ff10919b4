// Package dmat is a fast dense real matrix multiply (GEMM, SYRK) for
// row-major float64 and float32 matrices, a drop-in for the hot products
// that gonum's pure-Go blas64.Gemm and blas64.Syrk compute.
//
// On amd64 it follows the Goto/BLIS design: op(A) and op(B) are packed into
// contiguous slivers (MR rows of A, NR columns of B, zero padded), and an
// assembly micro-kernel accumulates an MR×NR tile of C in vector registers
// with fused multiply-adds, over k blocks of at most 256. The AVX-512 kernels
// use 8×24 tiles in float64 and 8×48 in float32 (24 zmm accumulators, opmask
// stores for the edges); the AVX2+FMA kernels 6×8 and 6×16 tiles (12 ymm
// accumulators). Tiles are grouped in tasks of at most 256 rows and 480
// columns, the B block of a task staying in L2, and each task packs the
// slivers it is the first to need just before using them. Large products
// (m·n·k ≥ 2²⁰) are split among goroutines, each owning a range of tasks
// (column blocks first, so that it keeps its B blocks) and helping the others
// when done. Tiny ones (m·n·k ≤ 256) are computed directly.
//
// Elsewhere, under the build tag purego, or on a CPU without AVX2 and FMA,
// every call goes to gonum's native BLAS (gonum.org/v1/gonum/blas/gonum),
// which ignores the worker count (its Gemm uses GOMAXPROCS goroutines).
//
// Every element of C accumulates its k blocks, fixed by k alone, in the same
// order whatever the number of workers, so results are bitwise independent
// of it. They are not bitwise those of gonum (another summation order).
//
// BLAS64 and BLAS32 wrap these products as gonum BLAS implementations, for
// blas64.Use and so for gonum's LAPACK.
package dmat

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// float is the element type of the generic driver.
type float interface{ float32 | float64 }

// Panic messages, those of gonum's BLAS.
const (
	mLT0   = "blas: m < 0"
	nLT0   = "blas: n < 0"
	kLT0   = "blas: k < 0"
	badLdA = "blas: bad leading dimension of A"
	badLdB = "blas: bad leading dimension of B"
	badLdC = "blas: bad leading dimension of C"
	shortA = "blas: insufficient length of a"
	shortB = "blas: insufficient length of b"
	shortC = "blas: insufficient length of c"
)

// Gemm sets C = alpha·op(A)·op(B) + beta·C for row-major matrices with
// leading dimensions (row strides) lda, ldb and ldc, where op(X) is X, or Xᵀ
// when transA (transB) is set; op(A) is m×k, op(B) is k×n and C is m×n.
//
// With beta == 0, C is not read (NaN or Inf in C do not propagate); with
// alpha == 0 or k == 0, A and B are not read and C is scaled by beta. Gemm
// panics, with gonum's messages, on negative dimensions, leading dimensions
// shorter than a row, and slices too short for their matrix, the checks of
// gonum's blas64.Gemm. It uses up to workers goroutines (workers <= 0:
// GOMAXPROCS) for large products; the result is bitwise identical for any
// number of workers. The gonum fallback ignores workers.
func Gemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int, workers int) {
	gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, workers)
}

// Gemm32 is Gemm for float32 matrices (float32 accumulation).
func Gemm32(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, workers int) {
	gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, workers)
}

// Syrk sets the n×n symmetric C to alpha·A·Aᵀ + beta·C for the n×k A
// (trans false) or to alpha·Aᵀ·A + beta·C for the k×n A (trans true),
// row-major with leading dimensions lda and ldc.
//
// Only the lower triangle of C is read (when beta != 0); both triangles are
// written, the upper one a mirror of the lower: C[j][i] is exactly C[i][j].
// Argument checks, the worker count and determinism are as for Gemm.
func Syrk(trans bool, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int, workers int) {
	syrk(triLower, true, trans, n, k, alpha, a, lda, beta, c, ldc, workers)
}

// Syrk32 is Syrk for float32 matrices (float32 accumulation).
func Syrk32(trans bool, n, k int, alpha float32, a []float32, lda int, beta float32, c []float32, ldc int, workers int) {
	syrk(triLower, true, trans, n, k, alpha, a, lda, beta, c, ldc, workers)
}

// Impl names the implementation in use: "avx512", "avx2" or "go" (gonum).
func Impl() string { return implName() }

func gemm[T float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, workers int) {
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	if transA {
		if lda < max(1, m) {
			panic(badLdA)
		}
	} else if lda < max(1, k) {
		panic(badLdA)
	}
	if transB {
		if ldb < max(1, k) {
			panic(badLdB)
		}
	} else if ldb < max(1, n) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	if transA {
		if len(a) < (k-1)*lda+m {
			panic(shortA)
		}
	} else if len(a) < (m-1)*lda+k {
		panic(shortA)
	}
	if transB {
		if len(b) < (n-1)*ldb+k {
			panic(shortB)
		}
	} else if len(b) < (k-1)*ldb+n {
		panic(shortB)
	}
	if len(c) < (m-1)*ldc+n {
		panic(shortC)
	}
	if alpha == 0 || k == 0 {
		for i := 0; i < m; i++ {
			scale(c[i*ldc:i*ldc+n], beta)
		}
		return
	}
	gemmImpl(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, workers)
}

// Parts of C a Syrk computes.
const (
	triAll   = iota // every element (Gemm)
	triLower        // C[i][j], i ≥ j
	triUpper        // C[i][j], i ≤ j
)

// syrk computes the tri triangle of C = alpha·op(A)·op(A)ᵀ + beta·C, and
// with mirror (triLower only) copies it to the other triangle.
func syrk[T float](tri int, mirrored, trans bool, n, k int, alpha T, a []T, lda int, beta T, c []T, ldc int, workers int) {
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	row, col := k, n
	if !trans {
		row, col = n, k
	}
	if lda < max(1, col) {
		panic(badLdA)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if n == 0 {
		return
	}
	if len(a) < lda*(row-1)+col {
		panic(shortA)
	}
	if len(c) < ldc*(n-1)+n {
		panic(shortC)
	}
	if alpha == 0 || k == 0 {
		for i := 0; i < n; i++ {
			if tri == triUpper {
				scale(c[i*ldc+i:i*ldc+n], beta)
			} else {
				scale(c[i*ldc:i*ldc+i+1], beta)
			}
		}
		if mirrored {
			mirror(c, n, ldc)
		}
		return
	}
	syrkImpl(tri, mirrored, trans, n, k, alpha, a, lda, beta, c, ldc, workers)
}

// scale multiplies x by beta; with beta == 0 it zeroes x without reading it.
func scale[T float](x []T, beta T) {
	switch beta {
	case 1:
	case 0:
		clear(x)
	default:
		for i := range x {
			x[i] *= beta
		}
	}
}

// mirror copies the lower triangle of the n×n c to its upper triangle, in
// square blocks so that both triangles are walked cache-friendly.
func mirror[T float](c []T, n, ldc int) {
	const bs = 32
	for i0 := 0; i0 < n; i0 += bs {
		i1 := min(i0+bs, n)
		for j0 := 0; j0 <= i0; j0 += bs {
			j1 := min(j0+bs, n)
			for i := i0; i < i1; i++ {
				row := c[i*ldc : i*ldc+min(i, j1)]
				for j := j0; j < len(row); j++ {
					c[j*ldc+i] = row[j]
				}
			}
		}
	}
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// goGemm is the fallback: gonum's native BLAS implementation (not the one
// registered with blas64.Use, which may be BLAS64, calling back here).
func goGemm[T float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float64:
		gonum.Implementation{}.Dgemm(trans(transA), trans(transB), m, n, k, float64(alpha), a, lda,
			any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	case []float32:
		gonum.Implementation{}.Sgemm(trans(transA), trans(transB), m, n, k, float32(alpha), a, lda,
			any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	}
}

// goSyrk is the fallback Syrk: gonum's Syrk of the triangle (and a mirror).
func goSyrk[T float](tri int, mirrored, tr bool, n, k int, alpha T, a []T, lda int, beta T, c []T, ldc int) {
	ul := blas.Lower
	if tri == triUpper {
		ul = blas.Upper
	}
	if beta == 0 && ul == blas.Lower {
		// gonum's lower Syrk of Aᵀ·A scales C by beta, so NaN in C would
		// survive beta == 0.
		for i := 0; i < n; i++ {
			clear(c[i*ldc : i*ldc+i+1])
		}
	}
	switch a := any(a).(type) {
	case []float64:
		gonum.Implementation{}.Dsyrk(ul, trans(tr), n, k, float64(alpha), a, lda,
			float64(beta), any(c).([]float64), ldc)
	case []float32:
		gonum.Implementation{}.Ssyrk(ul, trans(tr), n, k, float32(alpha), a, lda,
			float32(beta), any(c).([]float32), ldc)
	}
	if mirrored {
		mirror(c, n, ldc)
	}
}
