package fft_test

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	dspfft "github.com/mjibson/go-dsp/fft"

	"github.com/redunet-go/redunet/fft"
)

// tol is the relative tolerance of every comparison in this file, relative
// to the largest magnitude of the expected values. Both our transforms
// (gonum's fftpack port) and the oracle (go-dsp's radix-2 FFT, and Bluestein's
// algorithm for other lengths) are double-precision FFTs. For power-of-two
// and smooth lengths their errors are about 1e-16·log N, i.e. ~1e-15 here;
// two paths are worse and were measured against a direct O(N²) DFT: go-dsp's
// Bluestein (4e-14 at T=200, 8e-14 at T=150) and fftpack's generic pass for a
// large prime factor (1e-13 forward, 2e-13 round trip at T=257). 1e-12 keeps
// a margin of 5× over the worst of these while still catching any wrong
// twiddle, sign, scale or bin, which give errors of order 1.
const tol = 1e-12

// sizes1D are the 1-D lengths tested: every length 1..40 (all small primes,
// odd and even lengths and the degenerate 1 and 2), then powers of two, the
// paper's T=150 and T=200, and the prime 257.
var sizes1D = func() []int {
	var s []int
	for n := 1; n <= 40; n++ {
		s = append(s, n)
	}
	return append(s, 64, 100, 128, 150, 200, 256, 257)
}()

// sizes2D are the 2-D shapes tested: degenerate, odd/even mixes, the MNIST
// 28×28 and CIFAR 32×32 images, and single rows and columns.
var sizes2D = [][2]int{
	{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 4}, {4, 3}, {5, 5}, {7, 9}, {9, 7},
	{6, 10}, {28, 28}, {32, 32}, {28, 15}, {16, 1}, {1, 16}, {1, 15}, {13, 1},
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

func randReal(rnd *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rnd.NormFloat64()
	}
	return x
}

func randComplex(rnd *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
	}
	return x
}

// maxAbsComplex returns max_i |x[i]|.
func maxAbsComplex(x []complex128) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, cmplx.Abs(v))
	}
	return m
}

func maxAbsReal(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// checkComplex reports whether got equals want to tol relative to the
// largest magnitude in want (a norm-wise relative error: single small bins
// carry absolute, not relative, rounding errors).
func checkComplex(t *testing.T, name string, got, want []complex128) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", name, len(got), len(want))
	}
	scale := math.Max(maxAbsComplex(want), 1)
	for i := range got {
		if d := cmplx.Abs(got[i] - want[i]); d > tol*scale || math.IsNaN(d) {
			t.Errorf("%s: bin %d = %v, want %v (|diff| = %.3g)", name, i, got[i], want[i], d)
			return
		}
	}
}

func checkReal(t *testing.T, name string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", name, len(got), len(want))
	}
	scale := math.Max(maxAbsReal(want), 1)
	for i := range got {
		if d := math.Abs(got[i] - want[i]); d > tol*scale || math.IsNaN(d) {
			t.Errorf("%s: element %d = %v, want %v (|diff| = %.3g)", name, i, got[i], want[i], d)
			return
		}
	}
}

func TestPlan1DSizes(t *testing.T) {
	for _, n := range sizes1D {
		p := fft.NewPlan1D(n)
		if p.Len() != n || p.Bins() != n/2+1 || len(p.Weights()) != n/2+1 {
			t.Errorf("T=%d: Len=%d Bins=%d len(Weights)=%d", n, p.Len(), p.Bins(), len(p.Weights()))
		}
	}
	for _, s := range sizes2D {
		h, w := s[0], s[1]
		p := fft.NewPlan2D(h, w)
		if p.H() != h || p.W() != w || p.Len() != h*w || p.Bins() != h*(w/2+1) || len(p.Weights()) != p.Bins() {
			t.Errorf("%d×%d: H=%d W=%d Len=%d Bins=%d len(Weights)=%d", h, w, p.H(), p.W(), p.Len(), p.Bins(), len(p.Weights()))
		}
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
		got := fft.NewPlan1D(n).Forward(nil, x)
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
		got := fft.NewPlan2D(h, w).Forward(nil, x)
		checkComplex(t, fmt.Sprintf("%d×%d", h, w), got, want)
	}
}

func TestRoundTrip1D(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		p := fft.NewPlan1D(n)
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
		p := fft.NewPlan2D(h, w)
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
		w := fft.NewPlan1D(n).Weights()
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
		wts := fft.NewPlan2D(h, wd).Weights()
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
	p := fft.NewPlan1D(8)
	p.Weights()[1] = 99
	if p.Weights()[1] != 2 {
		t.Error("Weights returned the plan's own slice")
	}
}

// parseval returns Σ x² and Σ w|X|².
func parseval(x []float64, X []complex128, w []float64) (float64, float64) {
	var sx, sX float64
	for _, v := range x {
		sx += v * v
	}
	for i, v := range X {
		sX += w[i] * (real(v)*real(v) + imag(v)*imag(v))
	}
	return sx, sX
}

func TestParseval(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		p := fft.NewPlan1D(n)
		x := randReal(rnd, n)
		sx, sX := parseval(x, p.Forward(nil, x), p.Weights())
		if math.Abs(sx-sX) > tol*sx {
			t.Errorf("T=%d: Σx² = %v, Σw|X|² = %v", n, sx, sX)
		}
	}
	for _, sz := range sizes2D {
		h, w := sz[0], sz[1]
		p := fft.NewPlan2D(h, w)
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
		X := fft.NewPlan1D(n).Forward(nil, randReal(rnd, n))
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
		X := fft.NewPlan2D(h, w).Forward(nil, randReal(rnd, h*w))
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
		got := fft.NewPlan1D(n).Inverse(nil, X)
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
		got := fft.NewPlan2D(h, w).Inverse(nil, X)
		checkReal(t, fmt.Sprintf("%d×%d", h, w), got, want)
	}
}

// TestShift1D checks the shift theorem: y[t] = x[(t−s) mod T] has
// Y[k] = X[k]·exp(−2πi·k·s/T).
func TestShift1D(t *testing.T) {
	rnd := newRand()
	for _, n := range sizes1D {
		p := fft.NewPlan1D(n)
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
		p := fft.NewPlan2D(h, w)
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
// and does not share scratch with the original.
func TestClone(t *testing.T) {
	rnd := newRand()
	p1 := fft.NewPlan1D(30)
	q1 := p1.Clone()
	x := randReal(rnd, 30)
	a, b := p1.Forward(nil, x), q1.Forward(nil, x)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("1-D clone: bin %d = %v, want %v", i, b[i], a[i])
		}
	}
	p2 := fft.NewPlan2D(6, 10)
	q2 := p2.Clone()
	if q2.H() != 6 || q2.W() != 10 {
		t.Fatalf("2-D clone has shape %d×%d", q2.H(), q2.W())
	}
	y := randReal(rnd, 60)
	c, d := p2.Forward(nil, y), q2.Forward(nil, y)
	ci, di := p2.Inverse(nil, c), q2.Inverse(nil, d)
	for i := range c {
		if c[i] != d[i] {
			t.Fatalf("2-D clone: bin %d = %v, want %v", i, d[i], c[i])
		}
	}
	for i := range ci {
		if ci[i] != di[i] {
			t.Fatalf("2-D clone inverse: element %d = %v, want %v", i, di[i], ci[i])
		}
	}
}

func TestNoAllocs(t *testing.T) {
	rnd := newRand()
	for _, n := range []int{1, 2, 7, 28, 200, 257} {
		p := fft.NewPlan1D(n)
		x := randReal(rnd, n)
		X := make([]complex128, p.Bins())
		if a := testing.AllocsPerRun(10, func() { p.Forward(X, x) }); a != 0 {
			t.Errorf("T=%d: Forward allocates %v times", n, a)
		}
		if a := testing.AllocsPerRun(10, func() { p.Inverse(x, X) }); a != 0 {
			t.Errorf("T=%d: Inverse allocates %v times", n, a)
		}
	}
	for _, sz := range [][2]int{{1, 1}, {1, 16}, {16, 1}, {7, 9}, {28, 28}} {
		p := fft.NewPlan2D(sz[0], sz[1])
		x := randReal(rnd, p.Len())
		X := make([]complex128, p.Bins())
		if a := testing.AllocsPerRun(10, func() { p.Forward(X, x) }); a != 0 {
			t.Errorf("%v: Forward allocates %v times", sz, a)
		}
		if a := testing.AllocsPerRun(10, func() { p.Inverse(x, X) }); a != 0 {
			t.Errorf("%v: Inverse allocates %v times", sz, a)
		}
	}
}

// panics reports the panic message of f, or "" if f does not panic.
func panics(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestPanics(t *testing.T) {
	p1 := fft.NewPlan1D(8)
	p2 := fft.NewPlan2D(3, 4)
	for name, f := range map[string]func(){
		"NewPlan1D(0)":          func() { fft.NewPlan1D(0) },
		"NewPlan2D(0,3)":        func() { fft.NewPlan2D(0, 3) },
		"NewPlan2D(3,-1)":       func() { fft.NewPlan2D(3, -1) },
		"1-D Forward src":       func() { p1.Forward(nil, make([]float64, 7)) },
		"1-D Forward dst":       func() { p1.Forward(make([]complex128, 4), make([]float64, 8)) },
		"1-D Inverse src":       func() { p1.Inverse(nil, make([]complex128, 4)) },
		"1-D Inverse dst":       func() { p1.Inverse(make([]float64, 9), make([]complex128, 5)) },
		"2-D Forward src":       func() { p2.Forward(nil, make([]float64, 11)) },
		"2-D Forward dst":       func() { p2.Forward(make([]complex128, 12), make([]float64, 12)) },
		"2-D Inverse src":       func() { p2.Inverse(nil, make([]complex128, 12)) },
		"2-D Inverse dst":       func() { p2.Inverse(make([]float64, 9), make([]complex128, 9)) },
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

func BenchmarkForward1D(b *testing.B) {
	for _, n := range []int{28, 200, 256} {
		p := fft.NewPlan1D(n)
		x := randReal(newRand(), n)
		dst := make([]complex128, p.Bins())
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Forward(dst, x)
			}
		})
	}
}

func BenchmarkInverse1D(b *testing.B) {
	for _, n := range []int{28, 200, 256} {
		p := fft.NewPlan1D(n)
		src := p.Forward(nil, randReal(newRand(), n))
		dst := make([]float64, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Inverse(dst, src)
			}
		})
	}
}

func BenchmarkForward2D(b *testing.B) {
	for _, sz := range [][2]int{{28, 28}, {32, 32}} {
		p := fft.NewPlan2D(sz[0], sz[1])
		x := randReal(newRand(), p.Len())
		dst := make([]complex128, p.Bins())
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Forward(dst, x)
			}
		})
	}
}

func BenchmarkInverse2D(b *testing.B) {
	for _, sz := range [][2]int{{28, 28}, {32, 32}} {
		p := fft.NewPlan2D(sz[0], sz[1])
		src := p.Forward(nil, randReal(newRand(), p.Len()))
		dst := make([]float64, p.Len())
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Inverse(dst, src)
			}
		})
	}
}
