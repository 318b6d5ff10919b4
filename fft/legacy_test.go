package fft

// This file keeps the separate 1-D and 2-D plans that Plan replaced, as they
// were, renamed and with their documentation trimmed. They are the reference
// of TestPlanMatchesLegacy: for 1-D and 2-D shapes, Plan must give bit for
// bit the same numbers, so that results computed before the N-D plan
// (golden values of other packages, stored models) stay reproducible.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

type legacyPlan1D struct {
	t       int
	scale   float64 // 1/√T
	fft     *fourier.FFT
	weights []float64
}

func newLegacyPlan1D(t int) *legacyPlan1D {
	if t < 1 {
		panic("fft: length must be positive")
	}
	return &legacyPlan1D{
		t:       t,
		scale:   1 / math.Sqrt(float64(t)),
		fft:     fourier.NewFFT(t),
		weights: legacyHalfWeights(t),
	}
}

func (p *legacyPlan1D) Weights() []float64 {
	return append([]float64(nil), p.weights...)
}

func (p *legacyPlan1D) Forward(dst []complex128, src []float64) []complex128 {
	if len(src) != p.t {
		panic("fft: source length mismatch")
	}
	if dst == nil {
		dst = make([]complex128, p.t/2+1)
	} else if len(dst) != p.t/2+1 {
		panic("fft: destination length mismatch")
	}
	p.fft.Coefficients(dst, src)
	legacyScaleComplex(dst, p.scale)
	return dst
}

func (p *legacyPlan1D) Inverse(dst []float64, src []complex128) []float64 {
	if len(src) != p.t/2+1 {
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

func legacyHalfWeights(n int) []float64 {
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

func legacyScaleComplex(x []complex128, s float64) {
	for i, v := range x {
		x[i] = complex(s*real(v), s*imag(v))
	}
}

type legacyPlan2D struct {
	h, w    int
	wb      int     // W/2+1, the number of half-spectrum columns
	scale   float64 // 1/√(HW)
	rows    *fourier.FFT
	cols    *fourier.CmplxFFT
	col     []complex128 // one column, length H
	work    []complex128 // half spectrum scratch for Inverse, length H*wb
	weights []float64
}

func newLegacyPlan2D(h, w int) *legacyPlan2D {
	if h < 1 || w < 1 {
		panic("fft: dimensions must be positive")
	}
	wb := w/2 + 1
	colWeights := legacyHalfWeights(w)
	weights := make([]float64, h*wb)
	for u := 0; u < h; u++ {
		copy(weights[u*wb:(u+1)*wb], colWeights)
	}
	return &legacyPlan2D{
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

func (p *legacyPlan2D) Bins() int { return p.h * p.wb }

func (p *legacyPlan2D) Weights() []float64 {
	return append([]float64(nil), p.weights...)
}

func (p *legacyPlan2D) Forward(dst []complex128, src []float64) []complex128 {
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
		legacyScaleComplex(dst, p.scale)
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

func (p *legacyPlan2D) Inverse(dst []float64, src []complex128) []float64 {
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

// TestPlanMatchesLegacy checks that Plan computes, bit for bit, what the
// former 1-D and 2-D plans computed, forward and inverse (on arbitrary,
// non-Hermitian half spectra too), with the same weights, on every length
// 1..64, the paper's T = 150, 200 and the prime 257, and on every H×W with
// 1 ≤ H, W ≤ 12 plus the image sizes 28×28, 32×32 and mixes with 1-sized
// and prime axes.
func TestPlanMatchesLegacy(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	same := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: Plan differs from the legacy plan", name)
		}
	}
	check := func(name string, p *Plan, fwd func([]complex128, []float64) []complex128, inv func([]float64, []complex128) []float64, w []float64) {
		t.Helper()
		same(name+" weights", p.Weights(), w)
		for range 3 {
			x := make([]float64, p.Len())
			for i := range x {
				x[i] = rnd.NormFloat64()
			}
			X := p.Forward(nil, x)
			same(name+" Forward", X, fwd(nil, x))
			same(name+" Inverse", p.Inverse(nil, X), inv(nil, X))
			Y := make([]complex128, p.Bins())
			for i := range Y {
				Y[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
			}
			same(name+" Inverse of a non-Hermitian spectrum", p.Inverse(nil, Y), inv(nil, Y))
		}
	}
	var lengths []int
	for n := 1; n <= 64; n++ {
		lengths = append(lengths, n)
	}
	for _, n := range append(lengths, 150, 200, 257) {
		q := newLegacyPlan1D(n)
		check(fmt.Sprint(n), NewPlan(Shape{n}), q.Forward, q.Inverse, q.Weights())
	}
	var shapes [][2]int
	for h := 1; h <= 12; h++ {
		for w := 1; w <= 12; w++ {
			shapes = append(shapes, [2]int{h, w})
		}
	}
	shapes = append(shapes, [2]int{28, 28}, [2]int{32, 32}, [2]int{28, 15}, [2]int{1, 200}, [2]int{200, 1}, [2]int{17, 13})
	for _, s := range shapes {
		q := newLegacyPlan2D(s[0], s[1])
		check(fmt.Sprintf("%d×%d", s[0], s[1]), NewPlan(Shape{s[0], s[1]}), q.Forward, q.Inverse, q.Weights())
	}
}

// BenchmarkLegacy runs the legacy plans on the 1-D and 2-D shapes of
// BenchmarkForward and BenchmarkInverse, for a side-by-side comparison.
func BenchmarkLegacy(b *testing.B) {
	type plan interface {
		Forward(dst []complex128, src []float64) []complex128
		Inverse(dst []float64, src []complex128) []float64
	}
	for _, s := range []Shape{{28}, {200}, {256}, {28, 28}, {32, 32}} {
		var p plan
		if len(s) == 1 {
			p = newLegacyPlan1D(s[0])
		} else {
			p = newLegacyPlan2D(s[0], s[1])
		}
		x := make([]float64, s.Len())
		for i := range x {
			x[i] = float64(i%7) - 3
		}
		X := p.Forward(nil, x)
		name := strings.ReplaceAll(s.String(), "×", "x")
		b.Run("Forward/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Forward(X, x)
			}
		})
		b.Run("Inverse/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Inverse(x, X)
			}
		})
	}
}
