package fft_test

import (
	"fmt"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	dspfft "github.com/mjibson/go-dsp/fft"

	"github.com/redunet-go/redunet/fft"
)

// This file tests Plan on 1-D and 2-D shapes; nd_test.go on higher ranks.

func TestPlanSizes(t *testing.T) {
	for _, n := range sizes1D {
		p := fft.NewPlan(fft.Shape{n})
		if p.Len() != n || p.Bins() != n/2+1 || len(p.Weights()) != n/2+1 || p.Shape().String() != fmt.Sprint(n) {
			t.Errorf("T=%d: Len=%d Bins=%d len(Weights)=%d Shape=%v", n, p.Len(), p.Bins(), len(p.Weights()), p.Shape())
		}
	}
	for _, s := range sizes2D {
		h, w := s[0], s[1]
		p := fft.NewPlan(fft.Shape{h, w})
		sh := p.Shape()
		if len(sh) != 2 || sh[0] != h || sh[1] != w || p.Len() != h*w || p.Bins() != h*(w/2+1) || len(p.Weights()) != p.Bins() {
			t.Errorf("%d×%d: Shape=%v Len=%d Bins=%d len(Weights)=%d", h, w, sh, p.Len(), p.Bins(), len(p.Weights()))
		}
	}
	// The plan keeps its own copy of the shape and hands out copies.
	s := fft.Shape{3, 4}
	p := fft.NewPlan(s)
	s[0] = 5
	p.Shape()[1] = 7
	if got := p.Shape().String(); got != "3×4" {
		t.Errorf("plan shape %s after changing the caller's slices, want 3×4", got)
	}
}

// TestForward1DGoDSP compares the half spectrum with go-dsp's full,
// unnormalised spectrum scaled by 1/√T on bins 0..T/2.
func TestForward1DGoDSP(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		x := randReal(rnd, n)
		full := dspfft.FFTReal(x)
		want := make([]complex128, n/2+1)
		s := 1 / math.Sqrt(float64(n))
		for k := range want {
			want[k] = full[k] * complex(s, 0)
		}
		got := fft.NewPlan(fft.Shape{n}).Forward(nil, x)
		checkComplex(t, fmt.Sprintf("T=%d", n), got, want)
	}
}

// TestForward2DGoDSP compares the 2-D half spectrum with go-dsp's full,
// unnormalised 2-D spectrum scaled by 1/√(HW) on columns 0..W/2.
func TestForward2DGoDSP(t *testing.T) {
	rnd := newRand()
	for _, sz := range sizes2D {
		h, w := sz[0], sz[1]
		x := randReal(rnd, h*w)
		rows := make([][]float64, h)
		for r := range rows {
			rows[r] = x[r*w : (r+1)*w]
		}
		full := dspfft.FFT2Real(rows)
		wb := w/2 + 1
		want := make([]complex128, h*wb)
		s := 1 / math.Sqrt(float64(h*w))
		for u := 0; u < h; u++ {
			for v := 0; v < wb; v++ {
				want[u*wb+v] = full[u][v] * complex(s, 0)
			}
		}
		got := fft.NewPlan(fft.Shape{h, w}).Forward(nil, x)
		checkComplex(t, fmt.Sprintf("%d×%d", h, w), got, want)
	}
}

func TestRoundTrip1D(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		p := fft.NewPlan(fft.Shape{n})
		x := randReal(rnd, n)
		X := p.Forward(nil, x)
		saved := append([]complex128(nil), X...)
		got := p.Inverse(nil, X)
		checkReal(t, fmt.Sprintf("T=%d", n), got, x)
		checkComplex(t, fmt.Sprintf("T=%d: Inverse modified src", n), X, saved)
	}
}

func TestRoundTrip2D(t *testing.T) {
	rnd := newRand()
	for _, sz := range sizes2D {
		h, w := sz[0], sz[1]
		p := fft.NewPlan(fft.Shape{h, w})
		x := randReal(rnd, h*w)
		X := p.Forward(nil, x)
		saved := append([]complex128(nil), X...)
		got := p.Inverse(nil, X)
		checkReal(t, fmt.Sprintf("%d×%d", h, w), got, x)
		checkComplex(t, fmt.Sprintf("%d×%d: Inverse modified src", h, w), X, saved)
	}
}

func TestWeights(t *testing.T) {
	for _, n := range sizes1D {
		w := fft.NewPlan(fft.Shape{n}).Weights()
		for k, wk := range w {
			want := 2.0
			if k == 0 || 2*k == n {
				want = 1
			}
			if wk != want {
				t.Errorf("T=%d: w[%d] = %v, want %v", n, k, wk, want)
			}
		}
	}
	for _, sz := range sizes2D {
		h, wd := sz[0], sz[1]
		wts := fft.NewPlan(fft.Shape{h, wd}).Weights()
		wb := wd/2 + 1
		for i, wk := range wts {
			v := i % wb
			want := 2.0
			if v == 0 || 2*v == wd {
				want = 1
			}
			if wk != want {
				t.Errorf("%d×%d: w[%d,%d] = %v, want %v", h, wd, i/wb, v, wk, want)
			}
		}
	}
	// Weights returns a copy: changing it must not affect the plan.
	p := fft.NewPlan(fft.Shape{8})
	p.Weights()[1] = 99
	if p.Weights()[1] != 2 {
		t.Error("Weights returned the plan's own slice")
	}
}

func TestParseval(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		p := fft.NewPlan(fft.Shape{n})
		x := randReal(rnd, n)
		sx, sX := parseval(x, p.Forward(nil, x), p.Weights())
		if math.Abs(sx-sX) > tol*sx {
			t.Errorf("T=%d: Σx² = %v, Σw|X|² = %v", n, sx, sX)
		}
	}
	for _, sz := range sizes2D {
		h, w := sz[0], sz[1]
		p := fft.NewPlan(fft.Shape{h, w})
		x := randReal(rnd, h*w)
		sx, sX := parseval(x, p.Forward(nil, x), p.Weights())
		if math.Abs(sx-sX) > tol*sx {
			t.Errorf("%d×%d: Σx² = %v, Σw|X|² = %v", h, w, sx, sX)
		}
	}
}

// TestSelfConjugate1D checks that bin 0, and bin T/2 for even T, are real
// with an imaginary part of exactly zero.
func TestSelfConjugate1D(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		X := fft.NewPlan(fft.Shape{n}).Forward(nil, randReal(rnd, n))
		if imag(X[0]) != 0 {
			t.Errorf("T=%d: imag X[0] = %v", n, imag(X[0]))
		}
		if n%2 == 0 && imag(X[n/2]) != 0 {
			t.Errorf("T=%d: imag X[T/2] = %v", n, imag(X[n/2]))
		}
	}
}

// TestSelfConjugate2D checks that columns 0 and W/2 (W even) are Hermitian
// along u, X[u,v] = conj(X[−u,v]), so bins (0,0), (H/2,0), … are real.
func TestSelfConjugate2D(t *testing.T) {
	rnd := newRand()
	for _, sz := range sizes2D {
		h, w := sz[0], sz[1]
		X := fft.NewPlan(fft.Shape{h, w}).Forward(nil, randReal(rnd, h*w))
		scale := math.Max(maxAbsComplex(X), 1)
		wb := w/2 + 1
		for _, v := range []int{0, w / 2} {
			if v == w/2 && w%2 == 1 {
				continue
			}
			for u := 0; u < h; u++ {
				a, b := X[u*wb+v], X[((h-u)%h)*wb+v]
				if d := cmplx.Abs(a - cmplx.Conj(b)); d > tol*scale {
					t.Errorf("%d×%d: X[%d,%d] = %v, conj mirror %v", h, w, u, v, a, cmplx.Conj(b))
				}
			}
		}
	}
}

// TestInverseNonHermitian1D feeds Inverse arbitrary complex half spectra
// (non-zero imaginary parts on bin 0 and the Nyquist bin) and compares with
// the real part of go-dsp's inverse of the Hermitian-completed spectrum.
func TestInverseNonHermitian1D(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		X := randComplex(rnd, n/2+1)
		full := make([]complex128, n)
		for k := range full {
			if k <= n/2 {
				full[k] = X[k]
			} else {
				full[k] = cmplx.Conj(X[n-k])
			}
		}
		inv := dspfft.IFFT(full) // scaled by 1/T
		want := make([]float64, n)
		s := math.Sqrt(float64(n))
		for i := range want {
			want[i] = real(inv[i]) * s
		}
		got := fft.NewPlan(fft.Shape{n}).Inverse(nil, X)
		checkReal(t, fmt.Sprintf("T=%d", n), got, want)
	}
}

// TestInverseNonHermitian2D does the same in 2-D: the columns 0 and W/2 are
// random, hence not Hermitian along u, and the result must be the real part
// of the inverse of the spectrum completed by X[u,v] = conj(X[−u,W−v]).
func TestInverseNonHermitian2D(t *testing.T) {
	rnd := newRand()
	for _, sz := range sizes2D {
		h, w := sz[0], sz[1]
		wb := w/2 + 1
		X := randComplex(rnd, h*wb)
		full := make([][]complex128, h)
		for u := range full {
			full[u] = make([]complex128, w)
			for v := range full[u] {
				if v < wb {
					full[u][v] = X[u*wb+v]
				} else {
					full[u][v] = cmplx.Conj(X[((h-u)%h)*wb+w-v])
				}
			}
		}
		inv := dspfft.IFFT2(full) // scaled by 1/(HW)
		want := make([]float64, h*w)
		s := math.Sqrt(float64(h * w))
		for r := 0; r < h; r++ {
			for c := 0; c < w; c++ {
				want[r*w+c] = real(inv[r][c]) * s
			}
		}
		got := fft.NewPlan(fft.Shape{h, w}).Inverse(nil, X)
		checkReal(t, fmt.Sprintf("%d×%d", h, w), got, want)
	}
}

// TestShift1D checks the shift theorem: y[t] = x[(t−s) mod T] has
// Y[k] = X[k]·exp(−2πi·k·s/T).
func TestShift1D(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		p := fft.NewPlan(fft.Shape{n})
		x := randReal(rnd, n)
		X := p.Forward(nil, x)
		y := make([]float64, n)
		for _, s := range []int{1, n / 3, n - 1} {
			for i := range y {
				y[i] = x[((i-s)%n+n)%n]
			}
			Y := p.Forward(nil, y)
			want := make([]complex128, len(X))
			for k := range X {
				want[k] = X[k] * cmplx.Rect(1, -2*math.Pi*float64(k*s%n)/float64(n))
			}
			checkComplex(t, fmt.Sprintf("T=%d shift %d", n, s), Y, want)
		}
	}
}

// TestShift2D checks the 2-D shift theorem: y[h,w] = x[h−a, w−b] (cyclic) has
// Y[u,v] = X[u,v]·exp(−2πi·(u·a/H + v·b/W)).
func TestShift2D(t *testing.T) {
	rnd := newRand()
	for _, sz := range sizes2D {
		h, w := sz[0], sz[1]
		wb := w/2 + 1
		p := fft.NewPlan(fft.Shape{h, w})
		x := randReal(rnd, h*w)
		X := p.Forward(nil, x)
		y := make([]float64, h*w)
		for _, sh := range [][2]int{{1, 0}, {0, 1}, {h / 2, w / 3}, {h - 1, w - 1}} {
			a, b := sh[0], sh[1]
			for r := 0; r < h; r++ {
				for c := 0; c < w; c++ {
					y[r*w+c] = x[((r-a+h)%h)*w+(c-b+w)%w]
				}
			}
			Y := p.Forward(nil, y)
			want := make([]complex128, len(X))
			for u := 0; u < h; u++ {
				for v := 0; v < wb; v++ {
					phase := float64(u*a%h)/float64(h) + float64(v*b%w)/float64(w)
					want[u*wb+v] = X[u*wb+v] * cmplx.Rect(1, -2*math.Pi*phase)
				}
			}
			checkComplex(t, fmt.Sprintf("%d×%d shift (%d,%d)", h, w, a, b), Y, want)
		}
	}
}

// TestClone checks that a clone computes the same transforms, bit for bit,
// and does not share scratch with the original, in 1-D, 2-D and 3-D.
func TestClone(t *testing.T) {
	rnd := newRand()
	for _, shape := range []fft.Shape{{30}, {6, 10}, {4, 5, 6}} {
		p := fft.NewPlan(shape)
		q := p.Clone()
		if q.Shape().String() != shape.String() {
			t.Fatalf("%v: clone has shape %v", shape, q.Shape())
		}
		x := randReal(rnd, shape.Len())
		c, d := p.Forward(nil, x), q.Forward(nil, x)
		for i := range c {
			if c[i] != d[i] {
				t.Fatalf("%v clone: bin %d = %v, want %v", shape, i, d[i], c[i])
			}
		}
		// Interleave the two plans: scratch shared between them would show.
		y := randReal(rnd, shape.Len())
		e := p.Forward(nil, y)
		ci, di := p.Inverse(nil, c), q.Inverse(nil, d)
		ei := p.Inverse(nil, e)
		for i := range ci {
			if ci[i] != di[i] {
				t.Fatalf("%v clone inverse: element %d = %v, want %v", shape, i, di[i], ci[i])
			}
		}
		checkReal(t, fmt.Sprintf("%v interleaved round trip", shape), ei, y)
	}
}

func TestNoAllocs(t *testing.T) {
	rnd := newRand()
	for _, shape := range []fft.Shape{
		{}, {1}, {2}, {7}, {28}, {200}, {257},
		{1, 1}, {1, 16}, {16, 1}, {7, 9}, {28, 28},
		{1, 1, 1}, {3, 1, 4}, {8, 8, 8}, {2, 3, 4, 5},
	} {
		p := fft.NewPlan(shape)
		x := randReal(rnd, p.Len())
		X := make([]complex128, p.Bins())
		if a := testing.AllocsPerRun(10, func() { p.Forward(X, x) }); a != 0 {
			t.Errorf("%v: Forward allocates %v times", shape, a)
		}
		if a := testing.AllocsPerRun(10, func() { p.Inverse(x, X) }); a != 0 {
			t.Errorf("%v: Inverse allocates %v times", shape, a)
		}
	}
}

func TestPanics(t *testing.T) {
	p1 := fft.NewPlan(fft.Shape{8})
	p2 := fft.NewPlan(fft.Shape{3, 4})
	p3 := fft.NewPlan(fft.Shape{2, 3, 4})
	p0 := fft.NewPlan(nil)
	for name, f := range map[string]func(){
		"NewPlan([0])":          func() { fft.NewPlan(fft.Shape{0}) },
		"NewPlan([0 3])":        func() { fft.NewPlan(fft.Shape{0, 3}) },
		"NewPlan([3 -1])":       func() { fft.NewPlan(fft.Shape{3, -1}) },
		"NewPlan(huge)":         func() { fft.NewPlan(fft.Shape{1 << 16, 1 << 16}) },
		"1-D Forward src":       func() { p1.Forward(nil, make([]float64, 7)) },
		"1-D Forward dst":       func() { p1.Forward(make([]complex128, 4), make([]float64, 8)) },
		"1-D Inverse src":       func() { p1.Inverse(nil, make([]complex128, 4)) },
		"1-D Inverse dst":       func() { p1.Inverse(make([]float64, 9), make([]complex128, 5)) },
		"2-D Forward src":       func() { p2.Forward(nil, make([]float64, 11)) },
		"2-D Forward dst":       func() { p2.Forward(make([]complex128, 12), make([]float64, 12)) },
		"2-D Inverse src":       func() { p2.Inverse(nil, make([]complex128, 12)) },
		"2-D Inverse dst":       func() { p2.Inverse(make([]float64, 9), make([]complex128, 9)) },
		"3-D Forward src":       func() { p3.Forward(nil, make([]float64, 23)) },
		"3-D Inverse src":       func() { p3.Inverse(nil, make([]complex128, 24)) },
		"scalar Forward src":    func() { p0.Forward(nil, nil) },
		"scalar Inverse dst":    func() { p0.Inverse(make([]float64, 2), make([]complex128, 1)) },
		"2-D Forward nil src":   func() { p2.Forward(nil, nil) },
		"1-D Inverse nil src":   func() { p1.Inverse(nil, nil) },
		"1-D Forward empty dst": func() { p1.Forward([]complex128{}, make([]float64, 8)) },
	} {
		msg := panics(f)
		if !strings.HasPrefix(msg, "fft: ") {
			t.Errorf("%s: panic %q, want an \"fft: \" panic", name, msg)
		}
	}
}
