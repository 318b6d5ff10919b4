//go:build amd64 && !purego

package dmat

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernels.go

// The micro-kernels of kernels_amd64.s (see gen_kernels.go). Each computes
// the tile C = alpha·Ap·Bp (+ beta·C if load != 0) of a packed kc-long
// sliver Ap of MR rows and Bp of NR columns. The AVX-512 ones store the
// first mr rows and the columns whose bit is set in mask; the AVX2 ones the
// whole tile.

//go:noescape
func kernF64Avx512x24(kc int, a, b, c *float64, ldc int, alpha, beta float64, mr, mask, load int)

//go:noescape
func kernF64Avx512x16(kc int, a, b, c *float64, ldc int, alpha, beta float64, mr, mask, load int)

//go:noescape
func kernF64Avx512x8(kc int, a, b, c *float64, ldc int, alpha, beta float64, mr, mask, load int)

//go:noescape
func kernF32Avx512x48(kc int, a, b, c *float32, ldc int, alpha, beta float32, mr, mask, load int)

//go:noescape
func kernF32Avx512x32(kc int, a, b, c *float32, ldc int, alpha, beta float32, mr, mask, load int)

//go:noescape
func kernF32Avx512x16(kc int, a, b, c *float32, ldc int, alpha, beta float32, mr, mask, load int)

//go:noescape
func kernF64Avx2x8(kc int, a, b, c *float64, ldc int, alpha, beta float64, mr, mask, load int)

//go:noescape
func kernF32Avx2x16(kc int, a, b, c *float32, ldc int, alpha, beta float32, mr, mask, load int)

// kernFunc is the signature of a micro-kernel.
type kernFunc[T float] func(kc int, a, b, c *T, ldc int, alpha, beta T, mr, mask, load int)

// kernSet is the micro-kernel family of one instruction set and type.
type kernSet[T float] struct {
	mr     int           // rows of a tile
	nr     []int         // column counts of the kernels, widest first
	kern   []kernFunc[T] // kernel for nr[i] columns
	masked bool          // kernels store partial tiles themselves

	// Optional assembly packers (nil: Go loops). packCopy copies l rows of
	// up to 3 vectors of lanes elements under masks (packCopy64); packTrans
	// transposes 8 rows into groups of 8 (packTrans64).
	packCopy  func(dst, src *T, lds, dsts, l, nv, lmask, smask int)
	packTrans func(dst, src *T, lds, dsts, l8 int)
	lanes     int
}

var (
	avx512F64 = &kernSet[float64]{mr: 8, nr: []int{24, 16, 8},
		kern:   []kernFunc[float64]{kernF64Avx512x24, kernF64Avx512x16, kernF64Avx512x8},
		masked: true, packCopy: packCopy64, packTrans: packTrans64, lanes: 8}
	avx512F32 = &kernSet[float32]{mr: 8, nr: []int{48, 32, 16},
		kern:   []kernFunc[float32]{kernF32Avx512x48, kernF32Avx512x32, kernF32Avx512x16},
		masked: true, packCopy: packCopy32, packTrans: packTrans32, lanes: 16}
	avx2F64 = &kernSet[float64]{mr: 6, nr: []int{8}, kern: []kernFunc[float64]{kernF64Avx2x8}}
	// packTrans32 needs AVX only.
	avx2F32 = &kernSet[float32]{mr: 6, nr: []int{16}, kern: []kernFunc[float32]{kernF32Avx2x16},
		packTrans: packTrans32}
)

// Implementations, in increasing order of capability.
const (
	implGo = iota
	implAVX2
	implAVX512
)

// hasImpl is the best implementation the CPU (and OS) supports; impl the
// one in use, which tests may lower.
var (
	hasImpl = detect()
	impl    = hasImpl
)

func detect() int {
	x := &cpu.X86
	switch {
	case x.HasAVX512F && x.HasAVX2 && x.HasFMA:
		return implAVX512
	case x.HasAVX2 && x.HasFMA:
		return implAVX2
	}
	return implGo
}

func implName() string {
	return [...]string{"go", "avx2", "avx512"}[impl]
}

// kernels returns the kernel set of T for the implementation in use, nil
// for the gonum fallback.
func kernels[T float]() *kernSet[T] {
	var z T
	switch any(z).(type) {
	case float64:
		switch impl {
		case implAVX512:
			return any(avx512F64).(*kernSet[T])
		case implAVX2:
			return any(avx2F64).(*kernSet[T])
		}
	case float32:
		switch impl {
		case implAVX512:
			return any(avx512F32).(*kernSet[T])
		case implAVX2:
			return any(avx2F32).(*kernSet[T])
		}
	}
	return nil
}

func gemmImpl[T float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, workers int) {
	ks := kernels[T]()
	if ks == nil {
		goGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	p := problem[T]{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
		a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc}
	if m <= smallMax && n <= smallMax && k <= smallMax && m*n*k <= smallMax { // no overflow
		small(p)
		return
	}
	q := p // p stays on the stack, q escapes
	run(ks, &q, workers)
}

func syrkImpl[T float](tri int, mirrored, trans bool, n, k int, alpha T, a []T, lda int, beta T, c []T, ldc int, workers int) {
	ks := kernels[T]()
	if ks == nil {
		goSyrk(tri, mirrored, trans, n, k, alpha, a, lda, beta, c, ldc)
		return
	}
	// C = op(A)·op(B) with op(A) = A, op(B) = Aᵀ (or Aᵀ and A), on the
	// tiles that meet the triangle.
	p := problem[T]{transA: trans, transB: !trans, m: n, n: n, k: k, alpha: alpha,
		a: a, lda: lda, b: a, ldb: lda, beta: beta, c: c, ldc: ldc, tri: tri, mirror: mirrored}
	if n <= smallMax && k <= smallMax && n*n*k <= smallMax {
		small(p)
		return
	}
	q := p
	run(ks, &q, workers)
}
