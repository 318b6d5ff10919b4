//go:build !amd64 || purego

package dmat

func implName() string { return "go" }

func gemmImpl[T float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, _ int) {
	goGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func syrkImpl[T float](tri int, mirrored, trans bool, n, k int, alpha T, a []T, lda int, beta T, c []T, ldc int, _ int) {
	goSyrk(tri, mirrored, trans, n, k, alpha, a, lda, beta, c, ldc)
}
