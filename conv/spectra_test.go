package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/redunet-go/redunet/fft"
)

// shapes covers even and odd lengths in 1-D and 2-D, the paper's sizes
// (T=200 angles, 28×28 MNIST) and the golden fixtures' sizes (T=5, 3×4).
var shapes = [][]int{{1}, {5}, {7}, {28}, {200}, {3, 4}, {5, 5}, {7, 9}, {28, 28}, {1, 6}, {6, 1}}

// randReal returns n N(0,1) values.
func randReal(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// fftPlan returns a plan of package fft for the shape.
func fftPlan(shape []int) plan {
	if len(shape) == 1 {
		return fft.NewPlan1D(shape[0])
	}
	return fft.NewPlan2D(shape[0], shape[1])
}

func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 100} {
		for _, workers := range []int{-1, 0, 1, 2, 3, 4, 8, 200} {
			hits := make([]int32, n)
			var maxWorker atomic.Int32
			Parallel(n, workers, func(w, lo, hi int) {
				if lo >= hi {
					t.Errorf("n=%d workers=%d: empty range [%d,%d)", n, workers, lo, hi)
				}
				for {
					old := maxWorker.Load()
					if int32(w) <= old || maxWorker.CompareAndSwap(old, int32(w)) {
						break
					}
				}
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&hits[i], 1)
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("n=%d workers=%d: unit %d visited %d times", n, workers, i, h)
				}
			}
			if workers > 0 && int(maxWorker.Load()) >= min(workers, max(n, 1)) {
				t.Errorf("n=%d workers=%d: worker id %d out of range", n, workers, maxWorker.Load())
			}
		}
	}
	// The partition is a function of n and the worker count only.
	var got [][2]int
	for range 2 {
		parts := make([][2]int, 3)
		Parallel(10, 3, func(w, lo, hi int) { parts[w] = [2]int{lo, hi} })
		got = append(got, parts...)
	}
	want := [][2]int{{0, 3}, {3, 6}, {6, 10}, {0, 3}, {3, 6}, {6, 10}}
	if !slices.Equal(got, want) {
		t.Errorf("partition of 10 over 3 workers = %v, want %v", got, want)
	}
}

func TestTransformerRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, shape := range shapes {
		for _, mc := range [][2]int{{1, 1}, {3, 2}, {13, 3}} {
			m, c := mc[0], mc[1]
			n := signalLen(shape)
			x := randReal(rng, m*c*n)
			tr := NewTransformer(shape, 3)
			s := tr.Forward(nil, x, m, c)
			back := tr.Inverse(nil, s)
			for i := range x {
				if math.Abs(back[i]-x[i]) > 1e-12 {
					t.Fatalf("shape %v m=%d c=%d: round trip [%d] = %g, want %g", shape, m, c, i, back[i], x[i])
				}
			}
		}
	}
}

func TestTransformerLayout(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, shape := range shapes {
		m, c := 11, 3
		n := signalLen(shape)
		x := randReal(rng, m*c*n)
		s := NewTransformer(shape, 2).Forward(nil, x, m, c)
		pl := fftPlan(shape)
		want := make([]complex128, s.Bins())
		if !slices.Equal(s.W, fftWeights(shape)) {
			t.Fatalf("shape %v: weights %v, want fft's %v", shape, s.W, fftWeights(shape))
		}
		for i := 0; i < m; i++ {
			for ch := 0; ch < c; ch++ {
				pl.Forward(want, x[(i*c+ch)*n:(i*c+ch+1)*n])
				for p, w := range want {
					if got := s.Block(p)[ch*m+i]; got != w {
						t.Fatalf("shape %v: sample %d channel %d bin %d = %v, want %v", shape, i, ch, p, got, w)
					}
					if got := s.Data[p*c*m+ch*m+i]; got != w {
						t.Fatalf("shape %v: Data layout wrong at bin %d", shape, p)
					}
				}
			}
		}
	}
}

// fftWeights returns package fft's weights for the shape.
func fftWeights(shape []int) []float64 {
	if len(shape) == 1 {
		return fft.NewPlan1D(shape[0]).Weights()
	}
	return fft.NewPlan2D(shape[0], shape[1]).Weights()
}

func TestSampleSqNormsParseval(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	for _, shape := range shapes {
		m, c := 9, 4
		n := signalLen(shape)
		x := randReal(rng, m*c*n)
		s := NewTransformer(shape, 2).Forward(nil, x, m, c)
		got := s.SampleSqNorms(nil)
		for i := 0; i < m; i++ {
			var want float64
			for _, v := range x[i*c*n : (i+1)*c*n] {
				want += v * v
			}
			if math.Abs(got[i]-want) > 1e-12*want {
				t.Fatalf("shape %v sample %d: ‖V‖² = %.17g, time-domain ‖x‖² = %.17g", shape, i, got[i], want)
			}
		}
	}
}

func TestScaleSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	shape := []int{7, 6}
	m, c := 5, 3
	x := randReal(rng, m*c*signalLen(shape))
	tr := NewTransformer(shape, 2)
	s := tr.Forward(nil, x, m, c)
	f := []float64{2, -1, 0.5, 0, 3}
	s.ScaleSamples(f)
	got := tr.Inverse(nil, s)
	n := c * signalLen(shape)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if want := f[i] * x[i*n+j]; math.Abs(got[i*n+j]-want) > 1e-12 {
				t.Fatalf("sample %d value %d = %g, want %g", i, j, got[i*n+j], want)
			}
		}
	}
	mustPanic(t, "ScaleSamples short f", func() { s.ScaleSamples(f[:4]) })
	mustPanic(t, "SampleSqNorms short dst", func() { s.SampleSqNorms(make([]float64, 4)) })
}

func TestApplyPerBin(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	shape := []int{9}
	m, c := 6, 3
	s := NewTransformer(shape, 1).Forward(nil, randReal(rng, m*c*9), m, c)
	ops := make([][]complex128, s.Bins())
	for p := range ops {
		ops[p] = randComplex(rng, c*c)
	}
	op := func(p int) []complex128 { return ops[p] }
	got := s.ApplyPerBin(nil, op, 2)
	for p := range ops {
		want := MulBlock(nil, ops[p], s.Block(p), c, m, 0)
		if !slices.Equal(got.Block(p), want) {
			t.Fatalf("bin %d: ApplyPerBin differs from MulBlock", p)
		}
	}
	in := &Spectra{M: s.M, C: s.C, Shape: s.Shape, W: s.W, Data: slices.Clone(s.Data)}
	in.ApplyPerBin(in, op, 3)
	if !slices.Equal(in.Data, got.Data) {
		t.Fatal("in-place ApplyPerBin differs")
	}
	mustPanic(t, "ApplyPerBin mismatched dst", func() { s.ApplyPerBin(NewSpectra(m+1, c, shape), op, 1) })
}

// TestWorkersBitwise checks that every fan-out gives bitwise the same result
// with one worker and with four, on sizes that split unevenly (m=13 is not a
// multiple of the transform chunk of 8 nor of 4 workers).
func TestWorkersBitwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 92))
	for _, shape := range [][]int{{28}, {7}, {5, 6}, {28, 28}} {
		name := fmt.Sprint(shape)
		m, c := 13, 3
		x := randReal(rng, m*c*signalLen(shape))
		t1, t4 := NewTransformer(shape, 1), NewTransformer(shape, 4)
		s1, s4 := t1.Forward(nil, x, m, c), t4.Forward(nil, x, m, c)
		if !slices.Equal(s1.Data, s4.Data) {
			t.Fatalf("%s: Forward depends on the worker count", name)
		}
		if !slices.Equal(t1.Inverse(nil, s1), t4.Inverse(nil, s4)) {
			t.Fatalf("%s: Inverse depends on the worker count", name)
		}
		if !slices.Equal(s1.sampleSqNorms(nil, 1), s1.sampleSqNorms(nil, 4)) {
			t.Fatalf("%s: SampleSqNorms depends on the worker count", name)
		}
		f := randReal(rng, m)
		s1.scaleSamples(f, 1)
		s4.scaleSamples(f, 4)
		if !slices.Equal(s1.Data, s4.Data) {
			t.Fatalf("%s: ScaleSamples depends on the worker count", name)
		}
		ops := make([][]complex128, s1.Bins())
		for p := range ops {
			ops[p] = randComplex(rng, c*c)
		}
		op := func(p int) []complex128 { return ops[p] }
		if !slices.Equal(s1.ApplyPerBin(nil, op, 1).Data, s1.ApplyPerBin(nil, op, 4).Data) {
			t.Fatalf("%s: ApplyPerBin depends on the worker count", name)
		}
	}
}

func TestTransformerNoAllocPerSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(101, 102))
	shape := []int{6, 5}
	tr := NewTransformer(shape, 2)
	small, large := 4, 400
	xs, xl := randReal(rng, small*2*30), randReal(rng, large*2*30)
	ss, sl := tr.Forward(nil, xs, small, 2), tr.Forward(nil, xl, large, 2)
	ds, dl := make([]float64, len(xs)), make([]float64, len(xl))
	a := testing.AllocsPerRun(10, func() { tr.Forward(ss, xs, small, 2); tr.Inverse(ds, ss) })
	b := testing.AllocsPerRun(10, func() { tr.Forward(sl, xl, large, 2); tr.Inverse(dl, sl) })
	if b > a {
		t.Errorf("allocations grow with the number of samples: %v for m=%d, %v for m=%d", a, small, b, large)
	}
}

func TestTransformerPanics(t *testing.T) {
	tr := NewTransformer([]int{4}, 1)
	mustPanic(t, "bad shape", func() { NewTransformer([]int{0}, 1) })
	mustPanic(t, "3-D shape", func() { NewTransformer([]int{2, 2, 2}, 1) })
	mustPanic(t, "short x", func() { tr.Forward(nil, make([]float64, 7), 1, 2) })
	mustPanic(t, "dst of other shape", func() { tr.Forward(NewSpectra(1, 2, []int{5}), make([]float64, 8), 1, 2) })
	mustPanic(t, "spectra of other shape", func() { tr.Inverse(nil, NewSpectra(1, 2, []int{5})) })
	mustPanic(t, "short dst", func() { tr.Inverse(make([]float64, 3), NewSpectra(1, 1, []int{4})) })
}
