package conv

import (
	"runtime"
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
// Shape is the size of one signal, [T] in 1-D or [H, W] in 2-D; the bins
// follow package fft's half-spectrum layout for that size, and W holds their
// weights (1 for self-conjugate columns, 2 otherwise; see fft.Plan1D.Weights
// and fft.Plan2D.Weights).
type Spectra struct {
	M, C  int          // samples, channels
	Shape []int        // signal size: [T] or [H, W]
	Data  []complex128 // Bins() blocks of C×M, bin-major
	W     []float64    // bin weights, length Bins()
}

// NewSpectra returns zeroed spectra for m samples of c channels of signals of
// the given shape, [T] or [H, W]. The shape is copied.
//
// It panics, with a message prefixed by "conv: ", if m or c is negative or
// the shape is not one or two positive sizes.
func NewSpectra(m, c int, shape []int) *Spectra {
	if m < 0 || c < 0 {
		panic("conv: NewSpectra: negative dimension")
	}
	w := binWeights(shape)
	return &Spectra{
		M:     m,
		C:     c,
		Shape: slices.Clone(shape),
		Data:  make([]complex128, len(w)*c*m),
		W:     w,
	}
}

// binWeights returns the half-spectrum bin weights of package fft for a
// signal shape, panicking if the shape is invalid.
func binWeights(shape []int) []float64 {
	checkShape(shape)
	if len(shape) == 1 {
		return fft.NewPlan1D(shape[0]).Weights()
	}
	return fft.NewPlan2D(shape[0], shape[1]).Weights()
}

// checkShape panics unless shape is one or two positive sizes.
func checkShape(shape []int) {
	if len(shape) != 1 && len(shape) != 2 {
		panic("conv: shape must be [T] or [H, W]")
	}
	for _, n := range shape {
		if n < 1 {
			panic("conv: shape sizes must be positive")
		}
	}
}

// signalLen returns the number of values of one signal of the shape.
func signalLen(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// Bins returns the number of half-spectrum bins, T/2+1 in 1-D and
// H·(W/2+1) in 2-D.
func (s *Spectra) Bins() int { return len(s.W) }

// Block returns the C×M row-major block of bin p, a view of Data: writing to
// it writes to s.
func (s *Spectra) Block(p int) []complex128 {
	n := s.C * s.M
	return s.Data[p*n : (p+1)*n : (p+1)*n]
}

// checkSame panics unless t has the same samples, channels and shape as s.
func (s *Spectra) checkSame(t *Spectra, who string) {
	if t.M != s.M || t.C != s.C || !slices.Equal(t.Shape, s.Shape) || len(t.Data) != len(s.Data) {
		panic("conv: " + who + ": spectra dimension mismatch")
	}
}

// SampleSqNorms returns in dst the squared norm of every sample over all its
// channels and bins, with the bin weights,
//
//	dst[i] = Σ_p w_p Σ_c |V_i(p)[c]|²,
//
// which by Parseval's identity equals the squared norm of the sample in the
// time (or space) domain. Each sum runs over p and c in increasing order, so
// the result does not depend on the number of goroutines used.
//
// If dst is nil a new slice is allocated. SampleSqNorms panics if dst is not
// nil and len(dst) != M.
func (s *Spectra) SampleSqNorms(dst []float64) []float64 {
	return s.sampleSqNorms(dst, autoWorkers(len(s.Data)))
}

// sampleSqNorms is SampleSqNorms with a given number of workers, which
// partition the samples.
func (s *Spectra) sampleSqNorms(dst []float64, workers int) []float64 {
	if dst == nil {
		dst = make([]float64, s.M)
	} else if len(dst) != s.M {
		panic("conv: SampleSqNorms: len(dst) != M")
	}
	m, c := s.M, s.C
	Parallel(m, workers, func(_, lo, hi int) {
		d := dst[lo:hi]
		clear(d)
		for p, w := range s.W {
			blk := s.Data[p*c*m : (p+1)*c*m]
			for ch := 0; ch < c; ch++ {
				row := blk[ch*m+lo : ch*m+hi]
				row = row[:len(d)]
				for j, v := range row {
					d[j] += w * (real(v)*real(v) + imag(v)*imag(v))
				}
			}
		}
	})
	return dst
}

// ScaleSamples multiplies every coefficient of sample i, in all bins and
// channels, by f[i]. It panics if len(f) != M.
func (s *Spectra) ScaleSamples(f []float64) {
	s.scaleSamples(f, autoWorkers(len(s.Data)))
}

// scaleSamples is ScaleSamples with a given number of workers, which
// partition the rows (bin, channel) of Data.
func (s *Spectra) scaleSamples(f []float64, workers int) {
	if len(f) != s.M {
		panic("conv: ScaleSamples: len(f) != M")
	}
	m := s.M
	if m == 0 {
		return
	}
	Parallel(len(s.Data)/m, workers, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			row := s.Data[r*m : (r+1)*m]
			f := f[:len(row)]
			for i, v := range row {
				row[i] = complex(f[i]*real(v), f[i]*imag(v))
			}
		}
	})
}

// ApplyPerBin applies a per-bin operator to every block of s:
//
//	dst.Block(p) = op(p) · s.Block(p),
//
// where op(p) returns the C×C row-major operator of bin p. Bins are
// distributed over workers goroutines (runtime.GOMAXPROCS(0) when
// workers ≤ 0), so op must be safe to call concurrently; typically it
// returns a slice of precomputed operators. The result does not depend on
// the number of workers. It returns dst.
//
// If dst is nil new spectra are allocated. dst may be s itself, in which
// case each worker uses one scratch block allocated for the call; otherwise
// ApplyPerBin allocates only the goroutines' bookkeeping. ApplyPerBin panics
// if dst does not have the dimensions of s or op returns a slice whose length
// is not C·C.
func (s *Spectra) ApplyPerBin(dst *Spectra, op func(p int) []complex128, workers int) *Spectra {
	if dst == nil {
		dst = NewSpectra(s.M, s.C, s.Shape)
	}
	s.checkSame(dst, "ApplyPerBin")
	c, m := s.C, s.M
	n := c * m
	if n == 0 {
		return dst
	}
	inPlace := &dst.Data[0] == &s.Data[0]
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, s.Bins())
	var scratch [][]complex128
	if inPlace {
		scratch = make([][]complex128, workers)
		for w := range scratch {
			scratch[w] = make([]complex128, n)
		}
	}
	Parallel(s.Bins(), workers, func(w, lo, hi int) {
		for p := lo; p < hi; p++ {
			src := s.Data[p*n : (p+1)*n]
			if inPlace {
				MulBlock(scratch[w], op(p), src, c, m, 0)
				copy(src, scratch[w])
			} else {
				MulBlock(dst.Data[p*n:(p+1)*n], op(p), src, c, m, 0)
			}
		}
	})
	return dst
}
