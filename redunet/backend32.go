package redunet

import (
	"math"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/redunet-go/redunet/internal/dmat"
	"github.com/redunet-go/redunet/internal/zmat"
)

// This file is the single-precision side of the engine (Params.Precision =
// "float32"): the application kernels on complex64 blocks (shift-invariant
// nets) and float32 blocks (vector nets), and the conversions between the
// precisions. Only stage (c), the forward step, runs in float32, on
// samples stored in float32: the products accumulate in float32 (twice the
// SIMD width of float64), while every per-sample sum over bins — the class
// norms, the new norm — is formed in float64 from exact float32 squares.
// The statistics widen each bin's block to float64 before their Gram sums,
// and the factorisations run in float64 as for a float64 net; their
// operators are rounded to float32 once, for the application.

// complex64Kernels are the application kernels of a float32
// shift-invariant net: channel-major complex64 blocks, the products in
// internal/zmat's complex64 kernels. Scalings are computed in float64 and
// rounded once.
type complex64Kernels struct{}

func (complex64Kernels) scale(x []complex64, s float64) {
	for i, v := range x {
		x[i] = complex(float32(s*float64(real(v))), float32(s*float64(imag(v))))
	}
}

func (complex64Kernels) mulBlock(dst, a, v []complex64, r, q, n int, beta float64) {
	zmat.Mul64(dst[:r*n], a[:r*q], v[:q*n], r, q, n, float32(beta))
}

func (complex64Kernels) mulHerm(dst, a, v []complex64, c, n int) {
	zmat.Mul64(dst[:c*n], a[:c*c], v[:c*n], c, c, n, 0)
}

func (complex64Kernels) mulAdj(dst, _, yh, v []complex64, r, c, n int, beta float64) {
	zmat.Mul64(dst[:c*n], yh[:c*r], v[:r*n], c, r, n, float32(beta))
}

func (complex64Kernels) copyCols(dst, src []complex64, c, m, i0, n int) {
	copyChannelCols(dst, src, c, m, i0, n)
}

func (complex64Kernels) scatterCols(dst, src []complex64, c, m, i0 int, f []float64) {
	n := len(f)
	for ch := 0; ch < c; ch++ {
		out := dst[ch*m+i0 : ch*m+i0+n]
		for t, v := range src[ch*n : (ch+1)*n] {
			out[t] = complex(float32(f[t]*float64(real(v))), float32(f[t]*float64(imag(v))))
		}
	}
}

func (complex64Kernels) addSqNorms(dst []float64, x []complex64, c int, w float64) {
	n := len(dst)
	// Four channels a pass, as complexKernels.addSqNorms; a pass's eight
	// squares are summed in float32 (2^−22 relative at most) and added in
	// float64.
	sq := func(v complex64) float32 { return real(v)*real(v) + imag(v)*imag(v) }
	ch := 0
	for ; ch+3 < c; ch += 4 {
		r0 := x[ch*n : ch*n+n]
		r1 := x[(ch+1)*n : (ch+1)*n+n][:len(r0)]
		r2 := x[(ch+2)*n : (ch+2)*n+n][:len(r0)]
		r3 := x[(ch+3)*n : (ch+3)*n+n][:len(r0)]
		d := dst[:len(r0)]
		for t, v := range r0 {
			d[t] += w * float64(sq(v)+sq(r1[t])+(sq(r2[t])+sq(r3[t])))
		}
	}
	for ; ch < c; ch++ {
		r0 := x[ch*n : ch*n+n]
		d := dst[:len(r0)]
		for t, v := range r0 {
			d[t] += w * float64(sq(v))
		}
	}
}

func (complex64Kernels) scaleCols(dst, x []complex64, c int, f []float64) {
	n := len(f)
	for r := 0; r < c*n; r += n {
		d := dst[r : r+n]
		for t, v := range x[r : r+n] {
			d[t] = complex(float32(f[t]*float64(real(v))), float32(f[t]*float64(imag(v))))
		}
	}
}

func (complex64Kernels) axpyCols(x, u []complex64, c int, f []float64) {
	n := len(f)
	for r := 0; r < c*n; r += n {
		xr := x[r : r+n]
		for t, v := range u[r : r+n] {
			xv := xr[t]
			xr[t] = complex(float32(float64(real(xv))+f[t]*float64(real(v))), float32(float64(imag(xv))+f[t]*float64(imag(v))))
		}
	}
}

func (complex64Kernels) colMaxAbs(x []complex64, c, n, t int) float64 {
	m := 0.0
	for ch := 0; ch < c; ch++ {
		v := x[ch*n+t]
		m = max(m, math.Abs(float64(real(v))), math.Abs(float64(imag(v))))
	}
	return m
}

func (complex64Kernels) colSqNorm(x []complex64, c, n, t int) float64 {
	sum := 0.0
	for ch := 0; ch < c; ch++ {
		v := x[ch*n+t]
		re, im := float64(real(v)), float64(imag(v))
		sum += re*re + im*im
	}
	return sum
}

func (complex64Kernels) colLdexp(x []complex64, c, n, t, e int) {
	for ch := 0; ch < c; ch++ {
		v := x[ch*n+t]
		x[ch*n+t] = complex(float32(math.Ldexp(float64(real(v)), e)), float32(math.Ldexp(float64(imag(v)), e)))
	}
}

// float32Kernels are the application kernels of a float32 vector net:
// sample-major float32 blocks (see realKernels), the products in
// internal/dmat's float32 GEMM.
type float32Kernels struct{ rowKernels[float32] }

// gemm32 is gemm in float32: the m×n C = op(A)·op(B) + β·C.
func gemm32(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m*n*k >= smallProduct {
		dmat.Gemm32(transA, transB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc, 0)
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
	blas32.Gemm(ta, tb, 1, blas32.General{Rows: ar, Cols: ac, Stride: lda, Data: a},
		blas32.General{Rows: br, Cols: bc, Stride: ldb, Data: b}, beta, blas32.General{Rows: m, Cols: n, Stride: ldc, Data: c})
}

func (float32Kernels) mulBlock(dst, a, v []float32, r, q, n int, beta float64) {
	if r == 0 || n == 0 {
		return
	}
	if q == 0 {
		for i := range dst[:r*n] {
			dst[i] *= float32(beta)
		}
		return
	}
	gemm32(false, true, n, r, q, v, q, a, q, float32(beta), dst, r)
}

func (float32Kernels) mulHerm(dst, a, v []float32, c, n int) {
	if c == 0 || n == 0 {
		return
	}
	gemm32(false, false, n, c, c, v, c, a, c, 0, dst, c)
}

func (float32Kernels) mulAdj(dst, y, _, v []float32, r, c, n int, beta float64) {
	if c == 0 || n == 0 {
		return
	}
	if r == 0 {
		for i := range dst[:c*n] {
			dst[i] *= float32(beta)
		}
		return
	}
	gemm32(false, false, n, c, r, v, r, y, c, float32(beta), dst, c)
}

// copyChannelCols sets the c×n channel-major block dst to the columns
// i0…i0+n−1 of the c×m block src.
func copyChannelCols[T any](dst, src []T, c, m, i0, n int) {
	for ch := 0; ch < c; ch++ {
		copy(dst[ch*n:(ch+1)*n], src[ch*m+i0:ch*m+i0+n])
	}
}

// narrowC rounds src to complex64 in dst (len(dst) ≥ len(src)).
func narrowC(dst []complex64, src []complex128) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = complex64(v)
	}
}

// widenC sets dst to src in complex128, exactly.
func widenC(dst []complex128, src []complex64) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = complex128(v)
	}
}

// narrowR rounds src to float32 in dst.
func narrowR(dst []float32, src []float64) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = float32(v)
	}
}

// widenR sets dst to src in float64, exactly.
func widenR(dst []float64, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = float64(v)
	}
}

// convertOps converts a layer's operators to another precision with conv,
// which rounds src into dst; the rank, coefficients and class fractions
// are kept as they are.
func convertOps[S, D scalar](lo *layerOps[S], conv func(dst []D, src []S)) *layerOps[D] {
	out := &layerOps[D]{c: lo.c, w: lo.w, gamma: lo.gamma, ops: make([]binOp[D], len(lo.ops))}
	round := func(src []S) []D {
		if src == nil {
			return nil
		}
		d := make([]D, len(src))
		conv(d, src)
		return d
	}
	for g, op := range lo.ops {
		out.ops[g] = binOp[D]{a: op.a, r: op.r, dense: round(op.dense), y: round(op.y), yh: round(op.yh)}
	}
	return out
}

// complexes64 returns the complex64 values of f's memory: len(f) of them
// (a complex64 is the size of a float64).
func complexes64(f []float64) []complex64 {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*complex64)(unsafe.Pointer(unsafe.SliceData(f))), len(f))
}

// floats32 returns the float32 values of f's memory: 2·len(f) of them.
func floats32(f []float64) []float32 {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(f))), 2*len(f))
}
