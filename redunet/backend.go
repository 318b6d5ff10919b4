package redunet

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/internal/dmat"
)

// This file holds the two backends of the layer engine: the per-bin kernels
// on complex128 blocks (the spectra of shift-invariant nets) and the same
// kernels on float64 (a net whose one bin is real: a vector net). The
// engine (stats.go, factor.go, forward.go) is written once over the kernels
// interface; a backend only supplies block-level linear algebra.

// scalar is the element type of a backend: float64 and complex128 for the
// full engine; complex64 and float32 for the application of a float32 net
// (Params.Precision), whose statistics and factorisations run in float64
// (backend32.go).
type scalar interface {
	float64 | complex128 | float32 | complex64
}

// kernels are the operations the engine needs, on two kinds of operand.
//
// A matrix (operators, factors, the rows V_gᴴ of a group) is row-major.
// A block is the c×n matrix whose column t is the channel vector of sample t
// at one bin; its storage order is the backend's own: channel-major (c rows
// of n values) for the complex backend, where a bin's block is a row of the
// spectra, sample-major (n rows of c values) for the real one, where it is
// the samples' own layout and gonum's products run fastest. Every block
// operation works column by column, so the engine never depends on the
// order. No method allocates, but for the real backend's large products,
// which take a few small allocations and pooled packing scratch
// (internal/dmat; counted by MemoryEstimate).
type kernels[T scalar] interface {
	applyKernels[T]
	// gram sets dst (r×r, both triangles) to α·X·Xᴴ for the r×c matrix x.
	gram(dst, x []T, r, c int, alpha float64)
	// cholesky factorises the Hermitian positive-definite a = L·Lᴴ in place
	// (lower triangle), reporting false if it is not numerically so.
	cholesky(a []T, n int) bool
	// logdet is log det(L·Lᴴ) of a factor.
	logdet(l []T, n int) float64
	// inverse writes s·(L·Lᴴ)⁻¹ (both triangles) to dst; work holds n·n.
	inverse(dst, l, work []T, n int, s float64)
	// solveRows overwrites the n×c matrix x with L⁻¹·x.
	solveRows(l, x []T, n, c int)
	// adjoint writes the c×r conjugate transpose of the r×c matrix src.
	adjoint(dst, src []T, r, c int)
	// addDiag adds s to the diagonal of the n×n matrix a.
	addDiag(a []T, n int, s float64)

	// blockGram sets dst (c×c matrix, both triangles) to X·Xᴴ for the c×n
	// block x.
	blockGram(dst, x []T, c, n int)
	// blockRows writes Xᴴ, the n×c matrix of the c×n block x.
	blockRows(dst, x []T, c, n int)
	// gatherCols sets the c×len(idx) block dst to the columns idx of the
	// c×m block src.
	gatherCols(dst, src []T, c, m int, idx []int)
}

// applyKernels are the block operations of the forward step (stage (c)),
// which is all a float32 net runs in single precision.
type applyKernels[T scalar] interface {
	// scale multiplies every element of x by s.
	scale(x []T, s float64)
	// mulBlock sets the r×n block dst to A·V + β·dst for the r×q matrix a
	// and the q×n block v; with β = 0 dst is not read.
	mulBlock(dst, a, v []T, r, q, n int, beta float64)
	// mulHerm sets the c×n block dst to A·V for the Hermitian c×c matrix a
	// and the c×n block v.
	mulHerm(dst, a, v []T, c, n int)
	// mulAdj sets the c×n block dst to Yᴴ·V + β·dst for the r×c matrix y
	// (yh is Yᴴ, c×r, which a backend may use instead) and the r×n block v.
	mulAdj(dst, y, yh, v []T, r, c, n int, beta float64)
	// copyCols sets the c×n block dst to the columns i0…i0+n−1 of the c×m
	// block src.
	copyCols(dst, src []T, c, m, i0, n int)
	// scatterCols sets the columns i0… of the c×m block dst to f[t] times
	// column t of the c×len(f) block src.
	scatterCols(dst, src []T, c, m, i0 int, f []float64)
	// addSqNorms adds w·‖column t‖² of the c×len(dst) block x to dst[t].
	addSqNorms(dst []float64, x []T, c int, w float64)
	// scaleCols sets column t of the c×len(f) block dst to f[t] times
	// column t of x (dst may be x).
	scaleCols(dst, x []T, c int, f []float64)
	// axpyCols adds f[t] times column t of u to column t of x (c×len(f)
	// blocks).
	axpyCols(x, u []T, c int, f []float64)
	// colMaxAbs returns the largest magnitude of a real or imaginary part
	// in column t of the c×n block x.
	colMaxAbs(x []T, c, n, t int) float64
	// colSqNorm returns ‖column t‖² of the c×n block x.
	colSqNorm(x []T, c, n, t int) float64
	// colLdexp multiplies column t of the c×n block x by 2^e.
	colLdexp(x []T, c, n, t, e int)
}

// complexKernels is the backend of shift-invariant nets: conv.Gram and
// conv.MulRect (SIMD kernels) and a Hermitian Cholesky.
type complexKernels struct{}

func (complexKernels) gram(dst, x []complex128, c, n int, alpha float64) {
	conv.Gram(dst, x, c, n, alpha)
}

func (complexKernels) mulBlock(dst, a, v []complex128, r, q, n int, beta float64) {
	conv.MulRect(dst, a, v, r, q, n, beta)
}

func (complexKernels) mulHerm(dst, a, v []complex128, c, n int) {
	conv.MulRect(dst, a, v, c, c, n, 0)
}

func (complexKernels) mulAdj(dst, _, yh, v []complex128, r, c, n int, beta float64) {
	conv.MulRect(dst, yh, v, c, r, n, beta)
}

func (complexKernels) blockGram(dst, x []complex128, c, n int) { conv.Gram(dst, x, c, n, 1) }

func (k complexKernels) blockRows(dst, x []complex128, c, n int) { k.adjoint(dst, x, c, n) }

func (complexKernels) gatherCols(dst, src []complex128, c, m int, idx []int) {
	n := len(idx)
	for ch := 0; ch < c; ch++ {
		row, d := src[ch*m:(ch+1)*m], dst[ch*n:(ch+1)*n]
		for t, i := range idx {
			d[t] = row[i]
		}
	}
}

func (complexKernels) copyCols(dst, src []complex128, c, m, i0, n int) {
	copyChannelCols(dst, src, c, m, i0, n)
}

func (complexKernels) scatterCols(dst, src []complex128, c, m, i0 int, f []float64) {
	n := len(f)
	for ch := 0; ch < c; ch++ {
		out := dst[ch*m+i0 : ch*m+i0+n]
		for t, v := range src[ch*n : (ch+1)*n] {
			out[t] = complex(f[t]*real(v), f[t]*imag(v))
		}
	}
}

func (complexKernels) cholesky(a []complex128, n int) bool { return cholesky(a, n) }

func (complexKernels) logdet(l []complex128, n int) float64 { return cholLogDet(l, n) }

func (complexKernels) inverse(dst, l, work []complex128, n int, s float64) {
	cholInverse(dst, l, work, n, s)
}

func (complexKernels) solveRows(l, x []complex128, n, c int) {
	for t := 0; t < n; t++ {
		yt := x[t*c : (t+1)*c]
		for s, v := range l[t*n : t*n+t] {
			ys := x[s*c : (s+1)*c]
			for i, y := range ys {
				yt[i] -= v * y
			}
		}
		inv := 1 / real(l[t*n+t])
		for i, v := range yt {
			yt[i] = complex(inv*real(v), inv*imag(v))
		}
	}
}

func (complexKernels) adjoint(dst, src []complex128, r, c int) {
	for t := 0; t < r; t++ {
		for i, v := range src[t*c : (t+1)*c] {
			dst[i*r+t] = complex(real(v), -imag(v))
		}
	}
}

func (complexKernels) addSqNorms(dst []float64, x []complex128, c int, w float64) {
	n := len(dst)
	// Four channels a pass, so that dst is loaded and stored once per four
	// rows (the order of the sum is fixed by c alone).
	ch := 0
	for ; ch+3 < c; ch += 4 {
		r0 := x[ch*n : ch*n+n]
		r1 := x[(ch+1)*n : (ch+1)*n+n][:len(r0)]
		r2 := x[(ch+2)*n : (ch+2)*n+n][:len(r0)]
		r3 := x[(ch+3)*n : (ch+3)*n+n][:len(r0)]
		d := dst[:len(r0)]
		for t, v := range r0 {
			a, b, e := r1[t], r2[t], r3[t]
			s := real(v)*real(v) + imag(v)*imag(v) + (real(a)*real(a) + imag(a)*imag(a)) +
				(real(b)*real(b) + imag(b)*imag(b)) + (real(e)*real(e) + imag(e)*imag(e))
			d[t] += w * s
		}
	}
	for ; ch < c; ch++ {
		r0 := x[ch*n : ch*n+n]
		d := dst[:len(r0)]
		for t, v := range r0 {
			d[t] += w * (real(v)*real(v) + imag(v)*imag(v))
		}
	}
}

func (complexKernels) scaleCols(dst, x []complex128, c int, f []float64) {
	n := len(f)
	for r := 0; r < c*n; r += n {
		d := dst[r : r+n]
		for t, v := range x[r : r+n] {
			d[t] = complex(f[t]*real(v), f[t]*imag(v))
		}
	}
}

func (complexKernels) axpyCols(x, u []complex128, c int, f []float64) {
	n := len(f)
	for r := 0; r < c*n; r += n {
		xr := x[r : r+n]
		for t, v := range u[r : r+n] {
			xr[t] += complex(f[t]*real(v), f[t]*imag(v))
		}
	}
}

func (complexKernels) colMaxAbs(x []complex128, c, n, t int) float64 {
	m := 0.0
	for ch := 0; ch < c; ch++ {
		v := x[ch*n+t]
		m = max(m, math.Abs(real(v)), math.Abs(imag(v)))
	}
	return m
}

func (complexKernels) colSqNorm(x []complex128, c, n, t int) float64 {
	sum := 0.0
	for ch := 0; ch < c; ch++ {
		v := x[ch*n+t]
		sum += real(v)*real(v) + imag(v)*imag(v)
	}
	return sum
}

func (complexKernels) colLdexp(x []complex128, c, n, t, e int) {
	for ch := 0; ch < c; ch++ {
		v := x[ch*n+t]
		x[ch*n+t] = complex(math.Ldexp(real(v), e), math.Ldexp(imag(v), e))
	}
}

func (complexKernels) scale(x []complex128, s float64) {
	for i, v := range x {
		x[i] = complex(s*real(v), s*imag(v))
	}
}

func (complexKernels) addDiag(a []complex128, n int, s float64) {
	for i := 0; i < n; i++ {
		a[i*n+i] += complex(s, 0)
	}
}

// realKernels is the backend of nets with one real bin (vector nets): the
// same operations on float64, the products through internal/dmat (packed
// AVX-512/AVX2 GEMM kernels, parallel over both cores) and the
// factorisations through gonum's LAPACK. Its blocks
// are sample-major (column t of a c×n block is row t of an n×c row-major
// matrix), so that every product is X·Aᵀ with unit stride, the form gonum
// runs fastest.
type realKernels struct{ rowKernels[float64] }

// smallProduct is the number of multiply-adds below which a real product
// runs in gonum's BLAS rather than internal/dmat, whose packing and
// goroutines cost more than they save there: the products of vector nets
// of a few dimensions (gaussian2d's d = 2 ran 2× slower through dmat).
const smallProduct = 1 << 16

// gemm sets the m×n C (stride ldc) to op(A)·op(B) + β·C, op(A) m×k.
func gemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m*n*k >= smallProduct {
		dmat.Gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc, 0)
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	ar, ac, br, bc := m, k, k, n
	if transA {
		ta, ar, ac = blas.Trans, k, m
	}
	if transB {
		tb, br, bc = blas.Trans, n, k
	}
	blas64.Gemm(ta, tb, 1, blas64.General{Rows: ar, Cols: ac, Stride: lda, Data: a},
		blas64.General{Rows: br, Cols: bc, Stride: ldb, Data: b}, beta, blas64.General{Rows: m, Cols: n, Stride: ldc, Data: c})
}

// syrk sets the n×n C (both triangles) to α·A·Aᵀ (A n×k) or α·Aᵀ·A
// (trans, A k×n).
func syrk(trans bool, n, k int, alpha float64, a []float64, lda int, c []float64, ldc int) {
	if n*n*k >= 2*smallProduct {
		dmat.Syrk(trans, n, k, alpha, a, lda, 0, c, ldc, 0)
		return
	}
	t, ar, ac := blas.NoTrans, n, k
	if trans {
		t, ar, ac = blas.Trans, k, n
	}
	// gonum's lower Aᵀ·A form scales C by β even when β = 0, so a NaN left
	// in the scratch would survive: clear it first.
	for i := 0; i < n; i++ {
		clear(c[i*ldc : i*ldc+n])
	}
	blas64.Syrk(t, alpha, blas64.General{Rows: ar, Cols: ac, Stride: lda, Data: a}, 0,
		blas64.Symmetric{N: n, Stride: ldc, Uplo: blas.Lower, Data: c})
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			c[j*ldc+i] = c[i*ldc+j]
		}
	}
}

func general(data []float64, r, c int) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: max(c, 1), Data: data}
}

func (realKernels) gram(dst, x []float64, r, c int, alpha float64) {
	if r == 0 {
		return
	}
	syrk(false, r, c, alpha, x, max(c, 1), dst, r)
}

func lower(a []float64, n int) blas64.Symmetric {
	return blas64.Symmetric{N: n, Stride: max(n, 1), Uplo: blas.Lower, Data: a}
}

func (realKernels) cholesky(a []float64, n int) bool {
	_, ok := lapack64.Potrf(lower(a, n))
	return ok
}

func (realKernels) logdet(l []float64, n int) float64 {
	// 2·Σ log L[i,i], summed as the complex backend sums it.
	s := 0.0
	for i := 0; i < n; i++ {
		s += math.Log(l[i*n+i])
	}
	return 2 * s
}

func (realKernels) inverse(dst, l, _ []float64, n int, s float64) {
	copy(dst[:n*n], l[:n*n])
	t := blas64.Triangular{N: n, Stride: max(n, 1), Uplo: blas.Lower, Diag: blas.NonUnit, Data: dst}
	if _, ok := lapack64.Potri(t); !ok {
		panic("redunet: Potri failed on a successful Cholesky factor")
	}
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := s * dst[i*n+j]
			dst[i*n+j] = v
			dst[j*n+i] = v
		}
	}
}

func (realKernels) solveRows(l, x []float64, n, c int) {
	if n == 0 || c == 0 {
		return
	}
	t := blas64.Triangular{N: n, Stride: n, Uplo: blas.Lower, Diag: blas.NonUnit, Data: l}
	blas64.Trsm(blas.Left, blas.NoTrans, 1, t, general(x, n, c))
}

func (realKernels) adjoint(dst, src []float64, r, c int) {
	for t := 0; t < r; t++ {
		for i, v := range src[t*c : (t+1)*c] {
			dst[i*r+t] = v
		}
	}
}

func (realKernels) addDiag(a []float64, n int, s float64) {
	for i := 0; i < n; i++ {
		a[i*n+i] += s
	}
}

func (realKernels) blockGram(dst, x []float64, c, n int) {
	if c == 0 {
		return
	}
	if n == 0 {
		clear(dst[:c*c])
		return
	}
	syrk(true, c, n, 1, x, c, dst, c)
}

func (realKernels) blockRows(dst, x []float64, c, n int) { copy(dst[:n*c], x[:n*c]) }

func (realKernels) mulBlock(dst, a, v []float64, r, q, n int, beta float64) {
	if r == 0 || n == 0 {
		return
	}
	if q == 0 {
		for i := range dst[:r*n] {
			dst[i] *= beta
		}
		return
	}
	// Sample-major: Dᵀ = Vᵀ·Aᵀ, an n×q times (r×q)ᵀ product.
	gemm(false, true, n, r, q, v, q, a, q, beta, dst, r)
}

func (realKernels) mulHerm(dst, a, v []float64, c, n int) {
	if c == 0 || n == 0 {
		return
	}
	// Sample-major: Dᵀ = Vᵀ·Aᵀ = Vᵀ·A, A being symmetric.
	gemm(false, false, n, c, c, v, c, a, c, 0, dst, c)
}

func (realKernels) mulAdj(dst, y, _, v []float64, r, c, n int, beta float64) {
	if c == 0 || n == 0 {
		return
	}
	if r == 0 {
		for i := range dst[:c*n] {
			dst[i] *= beta
		}
		return
	}
	// Sample-major: Dᵀ = Vᵀ·Y, n×r times r×c.
	gemm(false, false, n, c, r, v, r, y, c, beta, dst, c)
}

func (realKernels) gatherCols(dst, src []float64, c, _ int, idx []int) {
	for t, i := range idx {
		copy(dst[t*c:(t+1)*c], src[i*c:(i+1)*c])
	}
}

// rowKernels are the block operations of the forward step on sample-major
// real blocks (column t of a c×n block is row t, c values), shared by the
// float64 and float32 backends: arithmetic in float64, rounded once to F
// (for float64, exactly the plain operations).
type rowKernels[F float32 | float64] struct{}

func (rowKernels[F]) scale(x []F, s float64) {
	for i, v := range x {
		x[i] = F(s * float64(v))
	}
}

func (rowKernels[F]) copyCols(dst, src []F, c, _, i0, n int) {
	copy(dst[:n*c], src[i0*c:(i0+n)*c])
}

func (rowKernels[F]) scatterCols(dst, src []F, c, _, i0 int, f []float64) {
	for t, ft := range f {
		out, in := dst[(i0+t)*c:(i0+t+1)*c], src[t*c:(t+1)*c]
		for i, v := range in {
			out[i] = F(ft * float64(v))
		}
	}
}

func (rowKernels[F]) addSqNorms(dst []float64, x []F, c int, w float64) {
	for t := range dst {
		s := 0.0
		for _, v := range x[t*c : (t+1)*c] {
			s += float64(v) * float64(v)
		}
		dst[t] += w * s
	}
}

func (rowKernels[F]) scaleCols(dst, x []F, c int, f []float64) {
	for t, ft := range f {
		d := dst[t*c : (t+1)*c]
		for i, v := range x[t*c : (t+1)*c] {
			d[i] = F(ft * float64(v))
		}
	}
}

func (rowKernels[F]) axpyCols(x, u []F, c int, f []float64) {
	for t, ft := range f {
		xr := x[t*c : (t+1)*c]
		for i, v := range u[t*c : (t+1)*c] {
			xr[i] = F(float64(xr[i]) + ft*float64(v))
		}
	}
}

func (rowKernels[F]) colMaxAbs(x []F, c, _, t int) float64 {
	m := 0.0
	for _, v := range x[t*c : (t+1)*c] {
		m = max(m, math.Abs(float64(v)))
	}
	return m
}

func (rowKernels[F]) colSqNorm(x []F, c, _, t int) float64 {
	sum := 0.0
	for _, v := range x[t*c : (t+1)*c] {
		sum += float64(v) * float64(v)
	}
	return sum
}

func (rowKernels[F]) colLdexp(x []F, c, _, t, e int) {
	col := x[t*c : (t+1)*c]
	for i, v := range col {
		col[i] = F(math.Ldexp(float64(v), e))
	}
}
