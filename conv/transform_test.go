package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/redunet-go/redunet/fft"
)

// TestTransformerRoundTrip checks Inverse(Forward(x)) = x. The tolerance
// 1e-12 is that of package fft's round-trip tests (see its tol).
func TestTransformerRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, shape := range shapes {
		for _, mc := range [][2]int{{1, 1}, {3, 2}, {13, 3}} {
			m, c := mc[0], mc[1]
			n := shape.Len()
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
		n := shape.Len()
		x := randReal(rng, m*c*n)
		tr := NewTransformer(shape, 2)
		if tr.Bins() != shape.Bins() || !slices.Equal(tr.Shape(), shape) {
			t.Fatalf("shape %v: transformer has %d bins and shape %v", shape, tr.Bins(), tr.Shape())
		}
		s := tr.Forward(nil, x, m, c)
		pl := fft.NewPlan(shape)
		want := make([]complex128, s.Bins())
		if !slices.Equal(s.W, pl.Weights()) {
			t.Fatalf("shape %v: weights %v, want fft's %v", shape, s.W, pl.Weights())
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

// TestTransformerScalar checks the empty shape: every signal is one value,
// copied into a single bin of weight 1.
func TestTransformerScalar(t *testing.T) {
	x := []float64{1.5, -2, 0.25, 4, -8, 16} // m=3 samples of c=2 channels
	tr := NewTransformer(nil, 2)
	s := tr.Forward(nil, x, 3, 2)
	if s.Bins() != 1 || !slices.Equal(s.W, []float64{1}) {
		t.Fatalf("scalar spectra: %d bins, weights %v", s.Bins(), s.W)
	}
	// Block 0 is C×M: channel-major, sample index fastest.
	want := []complex128{1.5, 0.25, -8, -2, 4, 16}
	if !slices.Equal(s.Data, want) {
		t.Errorf("scalar spectra %v, want %v", s.Data, want)
	}
	if back := tr.Inverse(nil, s); !slices.Equal(back, x) {
		t.Errorf("scalar round trip %v, want %v", back, x)
	}
}

// TestSpectraParseval checks Parseval's identity with the bin weights,
// ‖x_i‖² = Σ_p w_p Σ_c |V_i(p)[c]|², on every shape. The tolerance 1e-12 is
// package fft's (see its tol): the sums round at about 1e-15 relative.
func TestSpectraParseval(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	for _, shape := range shapes {
		m, c := 9, 4
		n := shape.Len()
		x := randReal(rng, m*c*n)
		s := NewTransformer(shape, 2).Forward(nil, x, m, c)
		for i := 0; i < m; i++ {
			var got, want float64
			for p, w := range s.W {
				for ch := 0; ch < c; ch++ {
					v := s.Block(p)[ch*m+i]
					got += w * (real(v)*real(v) + imag(v)*imag(v))
				}
			}
			for _, v := range x[i*c*n : (i+1)*c*n] {
				want += v * v
			}
			if math.Abs(got-want) > 1e-12*want {
				t.Fatalf("shape %v sample %d: Σw‖V‖² = %.17g, ‖x‖² = %.17g", shape, i, got, want)
			}
		}
	}
}

// TestWorkersBitwise checks that the transforms give bitwise the same result
// with one worker and with four, on sizes that split unevenly (m=13 is not a
// multiple of the transform chunk of 16 nor of 4 workers).
func TestWorkersBitwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 92))
	for _, shape := range []fft.Shape{{28}, {7}, {5, 6}, {28, 28}, {3, 4, 5}} {
		name := fmt.Sprint(shape)
		m, c := 13, 3
		x := randReal(rng, m*c*shape.Len())
		t1, t4 := NewTransformer(shape, 1), NewTransformer(shape, 4)
		s1, s4 := t1.Forward(nil, x, m, c), t4.Forward(nil, x, m, c)
		if !slices.Equal(s1.Data, s4.Data) {
			t.Fatalf("%s: Forward depends on the worker count", name)
		}
		if !slices.Equal(t1.Inverse(nil, s1), t4.Inverse(nil, s4)) {
			t.Fatalf("%s: Inverse depends on the worker count", name)
		}
	}
}

func TestTransformerNoAllocPerSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(101, 102))
	for _, shape := range []fft.Shape{{6, 5}, {3, 2, 5}} {
		tr := NewTransformer(shape, 2)
		n := shape.Len()
		small, large := 4, 400
		xs, xl := randReal(rng, small*2*n), randReal(rng, large*2*n)
		ss, sl := tr.Forward(nil, xs, small, 2), tr.Forward(nil, xl, large, 2)
		ds, dl := make([]float64, len(xs)), make([]float64, len(xl))
		a := testing.AllocsPerRun(10, func() { tr.Forward(ss, xs, small, 2); tr.Inverse(ds, ss) })
		b := testing.AllocsPerRun(10, func() { tr.Forward(sl, xl, large, 2); tr.Inverse(dl, sl) })
		if b > a {
			t.Errorf("%v: allocations grow with the number of samples: %v for m=%d, %v for m=%d", shape, a, small, b, large)
		}
	}
}

func TestTransformerPanics(t *testing.T) {
	tr := NewTransformer([]int{4}, 1)
	mustPanic(t, "bad shape", func() { NewTransformer([]int{0}, 1) })
	mustPanic(t, "negative size in 3-D", func() { NewTransformer([]int{2, -2, 2}, 1) })
	mustPanic(t, "too many values", func() { NewTransformer([]int{1 << 16, 1 << 16}, 1) })
	mustPanic(t, "short x", func() { tr.Forward(nil, make([]float64, 7), 1, 2) })
	mustPanic(t, "dst of other shape", func() { tr.Forward(NewSpectra(1, 2, []int{5}), make([]float64, 8), 1, 2) })
	mustPanic(t, "dst of other rank", func() { tr.Forward(NewSpectra(1, 2, []int{4, 1}), make([]float64, 8), 1, 2) })
	mustPanic(t, "spectra of other shape", func() { tr.Inverse(nil, NewSpectra(1, 2, []int{5})) })
	mustPanic(t, "short dst", func() { tr.Inverse(make([]float64, 3), NewSpectra(1, 1, []int{4})) })
}
