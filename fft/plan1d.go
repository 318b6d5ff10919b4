package fft

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Plan1D computes the unitary DFT of real sequences of a fixed length T onto
// the half spectrum of T/2+1 bins, and its inverse.
//
// A Plan1D holds its own scratch space, so it is reusable but not safe for
// concurrent use: give each goroutine its own plan (see Clone).
type Plan1D struct {
	t       int
	scale   float64 // 1/√T
	fft     *fourier.FFT
	weights []float64
}

// NewPlan1D returns a plan for real sequences of length t.
// It panics if t < 1.
func NewPlan1D(t int) *Plan1D {
	if t < 1 {
		panic("fft: length must be positive")
	}
	return &Plan1D{
		t:       t,
		scale:   1 / math.Sqrt(float64(t)),
		fft:     fourier.NewFFT(t),
		weights: halfWeights(t),
	}
}

// Clone returns a new plan for the same length, with its own scratch space,
// for use by another goroutine.
func (p *Plan1D) Clone() *Plan1D { return NewPlan1D(p.t) }

// Len returns the sequence length T.
func (p *Plan1D) Len() int { return p.t }

// Bins returns the number of half-spectrum bins, T/2+1.
func (p *Plan1D) Bins() int { return p.t/2 + 1 }

// Weights returns a newly allocated slice of the Bins() bin weights:
// w[k] = 1 for the self-conjugate bins (k = 0, and k = T/2 when T is even)
// and 2 for every other bin, which stands for itself and its mirror T−k.
// With them Parseval's identity holds on the half spectrum:
//
//	Σ_t x[t]² = Σ_k w[k]·|X[k]|².
func (p *Plan1D) Weights() []float64 {
	return append([]float64(nil), p.weights...)
}

// Forward computes the unitary DFT of the real sequence src,
//
//	X[k] = (1/√T) Σ_t src[t]·exp(−2πi·k·t/T),  k = 0, …, T/2,
//
// places it in dst and returns dst. Bin 0, and bin T/2 when T is even, have
// an imaginary part of exactly zero.
//
// If dst is nil a new slice is allocated; otherwise Forward does not allocate.
// Forward panics if len(src) != Len() or if dst is not nil and
// len(dst) != Bins().
func (p *Plan1D) Forward(dst []complex128, src []float64) []complex128 {
	if len(src) != p.t {
		panic("fft: source length mismatch")
	}
	if dst == nil {
		dst = make([]complex128, p.Bins())
	} else if len(dst) != p.Bins() {
		panic("fft: destination length mismatch")
	}
	p.fft.Coefficients(dst, src)
	scaleComplex(dst, p.scale)
	return dst
}

// Inverse computes the real sequence whose unitary DFT is the half spectrum
// src, the inverse of Forward:
//
//	x[t] = (1/√T) Σ_{k=0}^{T−1} X[k]·exp(+2πi·k·t/T),
//
// where the bins k > T/2 are completed by Hermitian symmetry,
// X[k] = conj(src[T−k]). It places x in dst and returns dst.
//
// A half spectrum from a real signal has real self-conjugate bins. When it
// does not (src[0], or src[T/2] for even T, has a non-zero imaginary part),
// the result is defined as the real part of the inverse of the completed
// spectrum; this amounts to ignoring the imaginary parts of those bins.
//
// src is not modified. If dst is nil a new slice is allocated; otherwise
// Inverse does not allocate. Inverse panics if len(src) != Bins() or if dst
// is not nil and len(dst) != Len().
func (p *Plan1D) Inverse(dst []float64, src []complex128) []float64 {
	if len(src) != p.Bins() {
		panic("fft: source length mismatch")
	}
	if dst == nil {
		dst = make([]float64, p.t)
	} else if len(dst) != p.t {
		panic("fft: destination length mismatch")
	}
	p.fft.Sequence(dst, src)
	for i := range dst {
		dst[i] *= p.scale
	}
	return dst
}

// halfWeights returns the half-spectrum bin weights for a real transform of
// length n: 1 for bin 0 and, when n is even, bin n/2; 2 otherwise.
func halfWeights(n int) []float64 {
	w := make([]float64, n/2+1)
	for k := range w {
		w[k] = 2
	}
	w[0] = 1
	if n%2 == 0 {
		w[n/2] = 1
	}
	return w
}

// scaleComplex multiplies every element of x by the real number s.
func scaleComplex(x []complex128, s float64) {
	for i, v := range x {
		x[i] = complex(s*real(v), s*imag(v))
	}
}
