package fft

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Plan computes the unitary DFT of real signals of one fixed Shape onto their
// half spectrum, and its inverse.
//
// The signal is stored row-major. The half spectrum is stored row-major too,
// over the sizes (n₀, …, n_{r−2}, n_{r−1}/2+1) of a shape (n₀, …, n_{r−1}):
// every axis but the last keeps all its frequencies, the last keeps
// 0, …, n_{r−1}/2. For an image of shape [H W], bin (u, v) is at index
// u·(W/2+1)+v.
//
// A Plan holds its own scratch space, so it is reusable but not safe for
// concurrent use: give each goroutine its own plan (see Clone).
type Plan struct {
	shape   Shape
	n       int     // values per signal
	last    int     // size of the last axis (1 for the empty shape)
	nb      int     // half-spectrum bins along the last axis, last/2+1
	bins    int     // half-spectrum bins in all
	scale   float64 // 1/√n
	rows    *fourier.FFT
	axes    []axisPass   // the complex passes, in order; axes of size 1 are left out
	col     []complex128 // one line of the longest pass
	work    []complex128 // half-spectrum scratch for Inverse, length bins
	weights []float64
}

// axisPass is the complex FFT along one axis other than the last, over the
// half spectrum: lines of n values spaced stride apart, in blocks of n·stride.
type axisPass struct {
	n, stride int
	fft       *fourier.CmplxFFT
}

// NewPlan returns a plan for real signals of the given shape, which is
// copied. It panics, with a message prefixed by "fft: ", if the shape is not
// valid (see Shape.Validate).
func NewPlan(shape Shape) *Plan {
	if err := shape.Validate(); err != nil {
		panic(err.Error())
	}
	p := &Plan{
		shape:   slices.Clone(shape),
		n:       shape.Len(),
		last:    1,
		bins:    shape.Bins(),
		weights: shape.Weights(),
	}
	if p.shape == nil {
		p.shape = Shape{}
	}
	p.scale = 1 / math.Sqrt(float64(p.n))
	r := len(shape)
	if r > 0 {
		p.last = shape[r-1]
		p.rows = fourier.NewFFT(p.last)
	}
	p.nb = p.last/2 + 1
	stride := p.nb
	longest := 0
	for a := r - 2; a >= 0; a-- {
		if n := shape[a]; n > 1 {
			p.axes = append(p.axes, axisPass{n: n, stride: stride, fft: fourier.NewCmplxFFT(n)})
			longest = max(longest, n)
		}
		stride *= shape[a]
	}
	slices.Reverse(p.axes) // run the passes from the first axis to the last
	if len(p.axes) > 0 {
		p.col = make([]complex128, longest)
		p.work = make([]complex128, p.bins)
	}
	return p
}

// Clone returns a new plan for the same shape, with its own scratch space,
// for use by another goroutine.
func (p *Plan) Clone() *Plan { return NewPlan(p.shape) }

// Shape returns a copy of the signal shape.
func (p *Plan) Shape() Shape { return slices.Clone(p.shape) }

// Len returns the number of real values of a signal, the product of the
// sizes.
func (p *Plan) Len() int { return p.n }

// Bins returns the number of half-spectrum bins (see Shape.Bins).
func (p *Plan) Bins() int { return p.bins }

// Weights returns a newly allocated slice of the Bins() bin weights, in the
// half-spectrum layout (see Shape.Weights). With them Parseval's identity
// holds on the half spectrum:
//
//	Σ_x src[x]² = Σ_k w[k]·|X[k]|².
func (p *Plan) Weights() []float64 {
	return slices.Clone(p.weights)
}

// Forward computes the unitary DFT of the real signal src of shape
// (n₀, …, n_{r−1}),
//
//	X[u] = (1/√N) Σ_x src[x]·exp(−2πi·Σ_a u_a·x_a/n_a),  N = n₀·…·n_{r−1},
//
// for every u of the half spectrum, places it in dst in the half-spectrum
// layout and returns dst. A real FFT runs along every line of the last axis,
// then a complex FFT along every line of each other axis of the kept half.
// For the empty shape X[0] = src[0].
//
// The bins whose last index is 0 (or n_{r−1}/2, n_{r−1} even) hold the
// spectrum of a real signal along the other axes, so they are Hermitian
// there: X[u, v] = conj(X[−u, v]). In 1-D, bin 0 (and bin T/2, T even) has
// an imaginary part of exactly zero.
//
// If dst is nil a new slice is allocated; otherwise Forward does not allocate.
// Forward panics if len(src) != Len() or if dst is not nil and
// len(dst) != Bins().
func (p *Plan) Forward(dst []complex128, src []float64) []complex128 {
	if len(src) != p.n {
		panic("fft: source length mismatch")
	}
	if dst == nil {
		dst = make([]complex128, p.bins)
	} else if len(dst) != p.bins {
		panic("fft: destination length mismatch")
	}
	if p.rows == nil {
		dst[0] = complex(src[0], 0)
		return dst
	}
	last, nb := p.last, p.nb
	for r := range p.n / last {
		p.rows.Coefficients(dst[r*nb:(r+1)*nb], src[r*last:(r+1)*last])
	}
	if len(p.axes) == 0 {
		scaleComplex(dst, p.scale)
		return dst
	}
	for i, ax := range p.axes {
		s := 1.0
		if i == len(p.axes)-1 {
			s = p.scale // scale on the way out of the last pass
		}
		p.pass(dst, dst, ax, false, s)
	}
	return dst
}

// Inverse computes the real signal whose unitary DFT is the half spectrum
// src, the inverse of Forward:
//
//	x[x] = (1/√N) Σ_u X[u]·exp(+2πi·Σ_a u_a·x_a/n_a),
//
// summed over the full spectrum, whose bins with last index v > n_{r−1}/2
// are completed by Hermitian symmetry, X[u, v] = conj(src[−u, n_{r−1}−v])
// (indices modulo the sizes). It places x in dst (row-major) and returns dst.
// A complex inverse FFT runs along every line of each axis but the last, then
// a real inverse FFT along every line of the last axis. For the empty shape
// x[0] = real(src[0]).
//
// The half spectrum of a real signal is Hermitian along the other axes in
// the bins the completion does not reach: src[u, 0] = conj(src[−u, 0]), and
// the same for last index n_{r−1}/2 when n_{r−1} is even (in 1-D: bins 0 and
// T/2 are real). When src is not (for example after independent rounding of
// mirrored bins), the result is defined as the real part of the inverse of
// the completed spectrum. This equals the exact inverse after projecting
// those bins onto Hermitian symmetry,
//
//	src[u, v] ← (src[u, v] + conj(src[−u, v]))/2,  v ∈ {0, n_{r−1}/2},
//
// and it is what Inverse computes: after the passes over the other axes, the
// real inverse FFT along each line of the last axis uses only the real parts
// of its bins 0 and n_{r−1}/2, which are exactly the contributions of the
// projected bins. The other bins need no projection; their mirrors are not
// stored.
//
// src is not modified. If dst is nil a new slice is allocated; otherwise
// Inverse does not allocate. Inverse panics if len(src) != Bins() or if dst
// is not nil and len(dst) != Len().
func (p *Plan) Inverse(dst []float64, src []complex128) []float64 {
	if len(src) != p.bins {
		panic("fft: source length mismatch")
	}
	if dst == nil {
		dst = make([]float64, p.n)
	} else if len(dst) != p.n {
		panic("fft: destination length mismatch")
	}
	if p.rows == nil {
		dst[0] = real(src[0])
		return dst
	}
	spec := src
	if len(p.axes) > 0 {
		for i, ax := range p.axes {
			if i == 0 {
				p.pass(p.work, src, ax, true, 1)
			} else {
				p.pass(p.work, p.work, ax, true, 1)
			}
		}
		spec = p.work
	}
	last, nb := p.last, p.nb
	for r := range p.n / last {
		row := dst[r*last : (r+1)*last]
		p.rows.Sequence(row, spec[r*nb:(r+1)*nb])
		for i := range row {
			row[i] *= p.scale
		}
	}
	return dst
}

// pass runs the complex FFT of ax (the inverse one if inverse is set) along
// every line of src and writes it, multiplied by s unless s is 1, to the
// same line of dst. dst may be src.
func (p *Plan) pass(dst, src []complex128, ax axisPass, inverse bool, s float64) {
	n, stride := ax.n, ax.stride
	col := p.col[:n]
	for base := 0; base < len(src); base += n * stride {
		for j := base; j < base+stride; j++ {
			for u := range col {
				col[u] = src[j+u*stride]
			}
			if inverse {
				ax.fft.Sequence(col, col)
			} else {
				ax.fft.Coefficients(col, col)
			}
			if s == 1 {
				for u, c := range col {
					dst[j+u*stride] = c
				}
			} else {
				for u, c := range col {
					dst[j+u*stride] = complex(s*real(c), s*imag(c))
				}
			}
		}
	}
}

// scaleComplex multiplies every element of x by the real number s.
func scaleComplex(x []complex128, s float64) {
	for i, v := range x {
		x[i] = complex(s*real(v), s*imag(v))
	}
}
