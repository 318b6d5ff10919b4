package conv

import (
	"runtime"
	"slices"

	"github.com/redunet-go/redunet/fft"
)

// plan is the part of fft.Plan1D and fft.Plan2D that a Transformer uses.
type plan interface {
	Forward(dst []complex128, src []float64) []complex128
	Inverse(dst []float64, src []complex128) []float64
}

// chunk is the number of samples a Transformer worker transforms before
// scattering them into the bin-major layout, so that every bin receives a
// run of 16 complex128 values, four whole cache lines of a block row.
const chunk = 16

// Transformer moves multichannel signals of one shape, [T] or [H, W], to and
// from the bin-major half spectra of Spectra, with package fft's unitary
// real transform. It holds one fft plan and one scratch buffer per worker,
// built once; Forward and Inverse fan out over samples and do not allocate
// per sample.
//
// Every (sample, channel) signal is transformed by the same plan code
// whichever worker handles it, so the results do not depend on the number
// of workers. A Transformer is not safe for concurrent use: its methods use
// all its workers' scratch space.
type Transformer struct {
	shape   []int
	n       int // values per signal
	bins    int // half-spectrum bins per signal
	plans   []plan
	scratch [][]complex128 // per worker, chunk·bins
}

// NewTransformer returns a Transformer for signals of the given shape, [T] or
// [H, W], that uses up to workers goroutines (runtime.GOMAXPROCS(0) when
// workers ≤ 0). It panics, with a message prefixed by "conv: ", if the shape
// is not one or two positive sizes.
func NewTransformer(shape []int, workers int) *Transformer {
	checkShape(shape)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	t := &Transformer{shape: slices.Clone(shape), n: signalLen(shape)}
	t.plans = make([]plan, workers)
	t.scratch = make([][]complex128, workers)
	if len(shape) == 1 {
		p := fft.NewPlan1D(shape[0])
		t.bins = p.Bins()
		t.plans[0] = p
		for w := 1; w < workers; w++ {
			t.plans[w] = p.Clone()
		}
	} else {
		p := fft.NewPlan2D(shape[0], shape[1])
		t.bins = p.Bins()
		t.plans[0] = p
		for w := 1; w < workers; w++ {
			t.plans[w] = p.Clone()
		}
	}
	for w := range t.scratch {
		t.scratch[w] = make([]complex128, chunk*t.bins)
	}
	return t
}

// Shape returns a copy of the signal shape, [T] or [H, W].
func (t *Transformer) Shape() []int { return slices.Clone(t.shape) }

// Bins returns the number of half-spectrum bins of one signal.
func (t *Transformer) Bins() int { return t.bins }

// Forward transforms the m×c multichannel signals x, stored row-major as
// m×c×T or m×c×H×W real values, into dst: every (sample, channel) signal is
// transformed with the unitary real FFT of package fft and its bins are
// scattered into the bin-major layout of Spectra. It returns dst.
//
// If dst is nil new spectra are allocated; otherwise Forward allocates only
// the goroutines' bookkeeping. Forward panics if len(x) != m·c·T (or
// m·c·H·W), or dst is not nil and does not have m samples, c channels and
// the Transformer's shape.
func (t *Transformer) Forward(dst *Spectra, x []float64, m, c int) *Spectra {
	if m < 0 || c < 0 || len(x) != m*c*t.n {
		panic("conv: Transformer.Forward: len(x) != m·c·signal length")
	}
	if dst == nil {
		dst = NewSpectra(m, c, t.shape)
	} else if dst.M != m || dst.C != c || !slices.Equal(dst.Shape, t.shape) || len(dst.Data) != t.bins*c*m {
		panic("conv: Transformer.Forward: dst dimension mismatch")
	}
	n, bins, data := t.n, t.bins, dst.Data
	Parallel(m, len(t.plans), func(w, lo, hi int) {
		pl, sc := t.plans[w], t.scratch[w]
		for i0 := lo; i0 < hi; i0 += chunk {
			nb := min(chunk, hi-i0)
			for ch := 0; ch < c; ch++ {
				for j := 0; j < nb; j++ {
					off := ((i0+j)*c + ch) * n
					pl.Forward(sc[j*bins:(j+1)*bins], x[off:off+n])
				}
				for p := 0; p < bins; p++ {
					base := p*c*m + ch*m + i0
					out := data[base : base+nb]
					for j := range out {
						out[j] = sc[j*bins+p]
					}
				}
			}
		}
	})
	return dst
}

// Inverse transforms the spectra s back to real multichannel signals,
// stored row-major as M×C×T or M×C×H×W in dst, with the inverse unitary
// real FFT of package fft (which ignores the imaginary parts of
// self-conjugate bins; see fft.Plan1D.Inverse and fft.Plan2D.Inverse). It
// returns dst. s is not modified.
//
// If dst is nil a new slice is allocated; otherwise Inverse allocates only
// the goroutines' bookkeeping. Inverse panics if s does not have the
// Transformer's shape or dst is not nil and len(dst) != M·C·T (or M·C·H·W).
func (t *Transformer) Inverse(dst []float64, s *Spectra) []float64 {
	m, c := s.M, s.C
	if !slices.Equal(s.Shape, t.shape) || len(s.Data) != t.bins*c*m {
		panic("conv: Transformer.Inverse: spectra shape mismatch")
	}
	if dst == nil {
		dst = make([]float64, m*c*t.n)
	} else if len(dst) != m*c*t.n {
		panic("conv: Transformer.Inverse: len(dst) != M·C·signal length")
	}
	n, bins, data := t.n, t.bins, s.Data
	Parallel(m, len(t.plans), func(w, lo, hi int) {
		pl, sc := t.plans[w], t.scratch[w]
		for i0 := lo; i0 < hi; i0 += chunk {
			nb := min(chunk, hi-i0)
			for ch := 0; ch < c; ch++ {
				for p := 0; p < bins; p++ {
					base := p*c*m + ch*m + i0
					in := data[base : base+nb]
					for j, v := range in {
						sc[j*bins+p] = v
					}
				}
				for j := 0; j < nb; j++ {
					off := ((i0+j)*c + ch) * n
					pl.Inverse(dst[off:off+n], sc[j*bins:(j+1)*bins])
				}
			}
		}
	})
	return dst
}
