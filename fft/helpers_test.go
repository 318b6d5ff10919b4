package fft_test

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// tol is the relative tolerance of the comparisons of these tests, relative
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

// newRand returns the generator of every test, with a fixed seed.
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
