package dmat

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

const (
	badUplo      = "blas: illegal triangle"
	badTranspose = "blas: illegal transpose"
)

// BLAS64 is a gonum blas.Float64 implementation: gonum's native one, with
// Dgemm and Dsyrk computed by this package on up to Workers goroutines
// (Workers <= 0: GOMAXPROCS). Registered with blas64.Use(dmat.BLAS64{}),
// it also speeds up gonum's LAPACK, whose blocked Dpotrf (lapack64.Potrf)
// and Dlauum (within lapack64.Potri) do most of their work in Dgemm and
// Dsyrk. Unlike this package's Syrk, its Dsyrk follows BLAS: it reads and
// writes only the triangle ul of C.
type BLAS64 struct {
	gonum.Implementation
	Workers int
}

// BLAS32 is BLAS64 for float32: gonum's blas.Float32 with Sgemm and Ssyrk
// from this package.
type BLAS32 struct {
	gonum.Implementation
	Workers int
}

var (
	_ blas.Float64 = BLAS64{}
	_ blas.Float32 = BLAS32{}
)

func isTrans(t blas.Transpose) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic(badTranspose)
}

func triangle(ul blas.Uplo) int {
	switch ul {
	case blas.Lower:
		return triLower
	case blas.Upper:
		return triUpper
	}
	panic(badUplo)
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C with Gemm.
func (b BLAS64) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, bm []float64, ldb int, beta float64, c []float64, ldc int) {
	ta, tb := isTrans(tA), isTrans(tB)
	gemm(ta, tb, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc, b.Workers)
}

// Dsyrk computes the ul triangle of C = alpha·A·Aᵀ + beta·C (tA NoTrans)
// or alpha·Aᵀ·A + beta·C, leaving the other triangle alone.
func (b BLAS64) Dsyrk(ul blas.Uplo, tA blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	tri, ta := triangle(ul), isTrans(tA)
	syrk(tri, false, ta, n, k, alpha, a, lda, beta, c, ldc, b.Workers)
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C with Gemm32.
func (b BLAS32) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, bm []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := isTrans(tA), isTrans(tB)
	gemm(ta, tb, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc, b.Workers)
}

// Ssyrk computes the ul triangle of C = alpha·A·Aᵀ + beta·C (tA NoTrans)
// or alpha·Aᵀ·A + beta·C, leaving the other triangle alone.
func (b BLAS32) Ssyrk(ul blas.Uplo, tA blas.Transpose, n, k int, alpha float32, a []float32, lda int, beta float32, c []float32, ldc int) {
	tri, ta := triangle(ul), isTrans(tA)
	syrk(tri, false, ta, n, k, alpha, a, lda, beta, c, ldc, b.Workers)
}
