package conv

import (
	"runtime"
	"slices"

	"github.com/redunet-go/redunet/fft"
)

// chunk is the number of samples a Transformer worker transforms before
// scattering them into the bin-major layout, so that every bin receives a
// run of 16 complex128 values, four whole cache lines of a block row.
const chunk = 16

// Transformer moves multichannel signals of one shape, of any rank, to and
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
	shape   fft.Shape
	n       int // values per signal
	bins    int // half-spectrum bins per signal
	plans   []*fft.Plan
	scratch [][]complex128 // per worker, chunk·bins
}

// NewTransformer returns a Transformer for signals of the given shape, which
// is copied, that uses up to workers goroutines (runtime.GOMAXPROCS(0) when
// workers ≤ 0). The shape may have any rank; for the empty shape every
// signal is a single value, and the transform copies it as a real complex
// number. NewTransformer panics, with a message prefixed by "conv: ", if the
// shape is not valid (see fft.Shape.Validate).
func NewTransformer(shape fft.Shape, workers int) *Transformer {
	checkShape("NewTransformer", shape)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := fft.NewPlan(shape)
	t := &Transformer{shape: cloneShape(shape), n: p.Len(), bins: p.Bins()}
	t.plans = make([]*fft.Plan, workers)
	t.scratch = make([][]complex128, workers)
	t.plans[0] = p
	for w := 1; w < workers; w++ {
		t.plans[w] = p.Clone()
	}
	for w := range t.scratch {
		t.scratch[w] = make([]complex128, chunk*t.bins)
	}
	return t
}

// Shape returns a copy of the signal shape.
func (t *Transformer) Shape() fft.Shape { return cloneShape(t.shape) }

// Bins returns the number of half-spectrum bins of one signal.
func (t *Transformer) Bins() int { return t.bins }

// Forward transforms the m×c multichannel signals x, stored row-major as
// m×c×(signal shape) real values, into dst: every (sample, channel) signal is
// transformed with the unitary real FFT of package fft and its bins are
// scattered into the bin-major layout of Spectra. It returns dst.
//
// If dst is nil new spectra are allocated; otherwise Forward allocates only
// the goroutines' bookkeeping. Forward panics if len(x) is not m·c times
// the signal length, or dst is not nil and does not have m samples, c channels and
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
// stored row-major as M×C×(signal shape) in dst, with the inverse unitary
// real FFT of package fft (the real part of the inverse of the spectrum
// completed by Hermitian symmetry; see fft.Plan.Inverse). It returns dst.
// s is not modified.
//
// If dst is nil a new slice is allocated; otherwise Inverse allocates only
// the goroutines' bookkeeping. Inverse panics if s does not have the
// Transformer's shape or dst is not nil and len(dst) is not M·C times the
// signal length.
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
