package conv

import (
	"fmt"
	"slices"

	"github.com/redunet-go/redunet/fft"
)

// Spectra holds the half spectra of m samples of C channels each, grouped
// by frequency bin: Bins() blocks, one per kept bin p, each a C×M row-major
// complex matrix whose row is a channel and whose column is a sample. The
// blocks are contiguous:
//
//	Data[p*C*M + c*M + i] = V_i(p)[c],
//
// the unitary DFT coefficient at bin p of channel c of sample i. Block(p) is
// the matrix V(p) of the multichannel ReduNet, so the covariance of bin p is
// Gram(Block(p)) and an operator of bin p applies as MulBlock to Block(p).
//
// Shape is the shape of one signal, of any rank: [T], [H W], [D H W], or
// empty for a single value per channel. The bins follow package fft's
// half-spectrum layout for that shape, and W holds their weights (see
// fft.Shape.Weights).
type Spectra struct {
	M, C  int          // samples, channels
	Shape fft.Shape    // shape of one signal
	Data  []complex128 // Bins() blocks of C×M, bin-major
	W     []float64    // bin weights, length Bins()
}

// NewSpectra returns zeroed spectra for m samples of c channels of signals of
// the given shape, which is copied.
//
// It panics, with a message prefixed by "conv: ", if m or c is negative or
// the shape is not valid (see fft.Shape.Validate).
func NewSpectra(m, c int, shape fft.Shape) *Spectra {
	if m < 0 || c < 0 {
		panic("conv: NewSpectra: negative dimension")
	}
	checkShape("NewSpectra", shape)
	w := shape.Weights()
	return &Spectra{
		M:     m,
		C:     c,
		Shape: cloneShape(shape),
		Data:  make([]complex128, len(w)*c*m),
		W:     w,
	}
}

// checkShape panics, naming the caller who, unless shape is valid.
func checkShape(who string, shape fft.Shape) {
	if err := shape.Validate(); err != nil {
		panic(fmt.Sprintf("conv: %s: %v", who, err))
	}
}

// cloneShape returns a copy of shape that is never nil, so that the empty
// shape compares equal to itself whichever way it was written.
func cloneShape(shape fft.Shape) fft.Shape {
	if len(shape) == 0 {
		return fft.Shape{}
	}
	return slices.Clone(shape)
}

// Bins returns the number of half-spectrum bins of one signal (see
// fft.Shape.Bins): T/2+1 in 1-D, H·(W/2+1) in 2-D, D·H·(W/2+1) in 3-D.
func (s *Spectra) Bins() int { return len(s.W) }

// Block returns the C×M row-major block of bin p, a view of Data: writing to
// it writes to s.
func (s *Spectra) Block(p int) []complex128 {
	n := s.C * s.M
	return s.Data[p*n : (p+1)*n : (p+1)*n]
}
