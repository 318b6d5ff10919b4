package fft

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Plan2D computes the unitary 2-D DFT of real H×W arrays onto the half
// spectrum of H×(W/2+1) bins, and its inverse.
//
// The real array is stored row-major: element (h, w) is at index h*W+w.
// The half spectrum is stored row-major too, with H rows and W/2+1 columns:
// bin (u, v), for u = 0, …, H−1 and v = 0, …, W/2, is at index u*(W/2+1)+v.
//
// A Plan2D holds its own scratch space, so it is reusable but not safe for
// concurrent use: give each goroutine its own plan (see Clone).
type Plan2D struct {
	h, w    int
	wb      int     // W/2+1, the number of half-spectrum columns
	scale   float64 // 1/√(HW)
	rows    *fourier.FFT
	cols    *fourier.CmplxFFT
	col     []complex128 // one column, length H
	work    []complex128 // half spectrum scratch for Inverse, length H*wb
	weights []float64
}

// NewPlan2D returns a plan for real arrays of h rows and w columns.
// It panics if h < 1 or w < 1.
func NewPlan2D(h, w int) *Plan2D {
	if h < 1 || w < 1 {
		panic("fft: dimensions must be positive")
	}
	wb := w/2 + 1
	colWeights := halfWeights(w)
	weights := make([]float64, h*wb)
	for u := 0; u < h; u++ {
		copy(weights[u*wb:(u+1)*wb], colWeights)
	}
	return &Plan2D{
		h:       h,
		w:       w,
		wb:      wb,
		scale:   1 / math.Sqrt(float64(h)*float64(w)),
		rows:    fourier.NewFFT(w),
		cols:    fourier.NewCmplxFFT(h),
		col:     make([]complex128, h),
		work:    make([]complex128, h*wb),
		weights: weights,
	}
}

// Clone returns a new plan for the same dimensions, with its own scratch
// space, for use by another goroutine.
func (p *Plan2D) Clone() *Plan2D { return NewPlan2D(p.h, p.w) }

// H returns the number of rows H.
func (p *Plan2D) H() int { return p.h }

// W returns the number of columns W.
func (p *Plan2D) W() int { return p.w }

// Len returns the number of real values in an array, H·W.
func (p *Plan2D) Len() int { return p.h * p.w }

// Bins returns the number of half-spectrum bins, H·(W/2+1).
func (p *Plan2D) Bins() int { return p.h * p.wb }

// Weights returns a newly allocated slice of the Bins() bin weights, in the
// half-spectrum layout: w = 1 for every bin in column v = 0 and, when W is
// even, column v = W/2; w = 2 for every other bin, which stands for itself
// and its mirror (−u mod H, W−v). With them Parseval's identity holds on the
// half spectrum:
//
//	Σ_{h,w} x[h,w]² = Σ_{u,v} w[u,v]·|X[u,v]|².
//
// The bins of columns 0 and W/2 are not all self-conjugate: (u, 0) is the
// mirror of (H−u, 0). Both are kept and both have weight 1, so together they
// carry the weight 2 of a mirrored pair.
func (p *Plan2D) Weights() []float64 {
	return append([]float64(nil), p.weights...)
}

// Forward computes the unitary 2-D DFT of the real H×W array src,
//
//	X[u,v] = (1/√(HW)) Σ_{h,w} src[h*W+w]·exp(−2πi·(u·h/H + v·w/W)),
//
// for u = 0, …, H−1 and v = 0, …, W/2, places it in dst in the half-spectrum
// layout and returns dst. A real FFT runs along every row, then a complex FFT
// along every kept column.
//
// If dst is nil a new slice is allocated; otherwise Forward does not allocate.
// Forward panics if len(src) != H·W or if dst is not nil and
// len(dst) != Bins().
func (p *Plan2D) Forward(dst []complex128, src []float64) []complex128 {
	if len(src) != p.h*p.w {
		panic("fft: source length mismatch")
	}
	if dst == nil {
		dst = make([]complex128, p.Bins())
	} else if len(dst) != p.Bins() {
		panic("fft: destination length mismatch")
	}
	h, w, wb := p.h, p.w, p.wb
	for r := 0; r < h; r++ {
		p.rows.Coefficients(dst[r*wb:(r+1)*wb], src[r*w:(r+1)*w])
	}
	if h == 1 {
		scaleComplex(dst, p.scale)
		return dst
	}
	col := p.col
	for v := 0; v < wb; v++ {
		for u := range col {
			col[u] = dst[u*wb+v]
		}
		p.cols.Coefficients(col, col)
		for u, c := range col {
			dst[u*wb+v] = complex(p.scale*real(c), p.scale*imag(c))
		}
	}
	return dst
}

// Inverse computes the real H×W array whose unitary 2-D DFT is the half
// spectrum src, the inverse of Forward:
//
//	x[h,w] = (1/√(HW)) Σ_{u,v} X[u,v]·exp(+2πi·(u·h/H + v·w/W)),
//
// summed over the full spectrum, whose columns v > W/2 are completed by
// Hermitian symmetry, X[u,v] = conj(src[(−u mod H), W−v]). It places x in dst
// (row-major) and returns dst. A complex inverse FFT runs along every kept
// column, then a real inverse FFT along every row.
//
// The half spectrum of a real array is Hermitian along u in the columns that
// the completion does not reach: src[u,0] = conj(src[−u mod H, 0]), and the
// same for column W/2 when W is even. When src is not (for example after
// independent rounding of mirrored bins), the result is defined as the real
// part of the inverse of the completed spectrum. This equals the exact inverse
// after projecting those columns onto Hermitian symmetry,
//
//	src[u,v] ← (src[u,v] + conj(src[−u mod H, v]))/2,  v ∈ {0, W/2},
//
// and it is what Inverse computes: after the column pass, the real inverse
// FFT along each row uses only the real parts of bins 0 and W/2 of that row,
// which are exactly the contributions of the projected columns. The other
// columns need no projection; their mirrors are not stored.
//
// src is not modified. If dst is nil a new slice is allocated; otherwise
// Inverse does not allocate. Inverse panics if len(src) != Bins() or if dst
// is not nil and len(dst) != H·W.
func (p *Plan2D) Inverse(dst []float64, src []complex128) []float64 {
	if len(src) != p.Bins() {
		panic("fft: source length mismatch")
	}
	if dst == nil {
		dst = make([]float64, p.h*p.w)
	} else if len(dst) != p.h*p.w {
		panic("fft: destination length mismatch")
	}
	h, w, wb := p.h, p.w, p.wb
	work := p.work
	if h == 1 {
		copy(work, src)
	} else {
		col := p.col
		for v := 0; v < wb; v++ {
			for u := range col {
				col[u] = src[u*wb+v]
			}
			p.cols.Sequence(col, col)
			for u, c := range col {
				work[u*wb+v] = c
			}
		}
	}
	for r := 0; r < h; r++ {
		row := dst[r*w : (r+1)*w]
		p.rows.Sequence(row, work[r*wb:(r+1)*wb])
		for i := range row {
			row[i] *= p.scale
		}
	}
	return dst
}
