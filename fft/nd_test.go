package fft_test

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"testing"

	"github.com/mjibson/go-dsp/dsputils"
	dspfft "github.com/mjibson/go-dsp/fft"

	"github.com/redunet-go/redunet/fft"
)

// This file tests Plan on shapes of any rank against the definition: a
// direct O(N²) N-D DFT, and go-dsp's FFTN for the larger shapes. The
// comparisons use tol of helpers_test.go; the largest errors measured on these
// shapes, relative to the largest expected magnitude, are 1.1e-15 against the
// direct DFT and 3.6e-15 against go-dsp (1×13×1, its Bluestein path).

// roundTol is the tolerance of the N-D round trips, relative to max|x|: the
// worst round-trip error measured on the shapes below is 1.4e-15 (2×7×9), so
// 1e-13 leaves a margin of 70×, and a wrong scale, bin or sign gives an
// error of order 1.
const roundTol = 1e-13

// naiveShapes are small shapes of rank 3 and 4 for the direct DFT (N ≤ 210,
// so it costs at most 210² terms): 1-sized axes in every position, odd and
// even last axes, and sizes with prime factors 2, 3, 5 and 7.
var naiveShapes = []fft.Shape{
	{1, 1, 1}, {1, 1, 5}, {5, 1, 1}, {1, 4, 1}, {2, 2, 2}, {3, 3, 3},
	{3, 4, 5}, {5, 4, 3}, {4, 3, 6}, {2, 7, 9}, {6, 5, 7},
	{2, 2, 2, 2}, {2, 3, 4, 5}, {3, 1, 2, 4}, {1, 2, 1, 3}, {5, 1, 3, 2},
}

// dspShapes are the larger shapes checked against go-dsp's FFTN: powers of
// two (radix 2, errors ~1e-16·log N), the volume sizes of the benchmarks,
// odd sizes (Bluestein, ~1e-14) and a 4-D one.
var dspShapes = []fft.Shape{{8, 8, 8}, {16, 16, 16}, {9, 7, 5}, {6, 10, 12}, {1, 13, 1}, {4, 4, 4, 4}, {3, 5, 2, 6}}

// coords returns the row-major coordinates of the flat index i in shape s.
func coords(i int, s []int) []int {
	c := make([]int, len(s))
	for a := len(s) - 1; a >= 0; a-- {
		c[a] = i % s[a]
		i /= s[a]
	}
	return c
}

// flat returns the row-major flat index of the coordinates c in shape s.
func flat(c, s []int) int {
	i := 0
	for a := range s {
		i = i*s[a] + c[a]
	}
	return i
}

// halfShape returns the sizes of the half-spectrum layout of s.
func halfShape(s fft.Shape) []int {
	h := slices.Clone([]int(s))
	h[len(h)-1] = h[len(h)-1]/2 + 1
	return h
}

// naiveDFT returns the unitary full N-D DFT of the complex signal x of shape
// s by the definition, sign −1 (forward) or +1 (inverse). The phase of each
// axis is reduced exactly, u·x mod n, before the table look-up.
func naiveDFT(x []complex128, s fft.Shape, sign float64) []complex128 {
	tw := make([][]complex128, len(s))
	for a, n := range s {
		tw[a] = make([]complex128, n)
		for k := range tw[a] {
			tw[a][k] = cmplx.Rect(1, sign*2*math.Pi*float64(k)/float64(n))
		}
	}
	n := s.Len()
	out := make([]complex128, n)
	scale := complex(1/math.Sqrt(float64(n)), 0)
	for ui := range out {
		u := coords(ui, s)
		var sum complex128
		for xi, v := range x {
			c := coords(xi, s)
			w := complex(1, 0)
			for a := range s {
				w *= tw[a][u[a]*c[a]%s[a]]
			}
			sum += v * w
		}
		out[ui] = sum * scale
	}
	return out
}

// keepHalf returns the bins of the full spectrum of shape s that the half
// spectrum keeps, in its layout.
func keepHalf(full []complex128, s fft.Shape) []complex128 {
	hs := halfShape(s)
	half := make([]complex128, s.Bins())
	for i := range half {
		half[i] = full[flat(coords(i, hs), s)]
	}
	return half
}

// complete returns the full spectrum of shape s whose kept bins are half and
// whose other bins are X[u, v] = conj(half[−u, n−v]).
func complete(half []complex128, s fft.Shape) []complex128 {
	r := len(s) - 1
	nb := s[r]/2 + 1
	hs := halfShape(s)
	full := make([]complex128, s.Len())
	for i := range full {
		c := coords(i, s)
		if c[r] < nb {
			full[i] = half[flat(c, hs)]
			continue
		}
		for a := range c {
			c[a] = (s[a] - c[a]) % s[a]
		}
		full[i] = cmplx.Conj(half[flat(c, hs)])
	}
	return full
}

func toComplex(x []float64) []complex128 {
	c := make([]complex128, len(x))
	for i, v := range x {
		c[i] = complex(v, 0)
	}
	return c
}

// TestForwardNaiveND compares the half spectrum with the kept bins of the
// direct full DFT.
func TestForwardNaiveND(t *testing.T) {
	rnd := newRand()
	for _, s := range naiveShapes {
		x := randReal(rnd, s.Len())
		want := keepHalf(naiveDFT(toComplex(x), s, -1), s)
		checkComplex(t, s.String(), fft.NewPlan(s).Forward(nil, x), want)
	}
}

// TestForwardGoDSPND compares the half spectrum with go-dsp's full,
// unnormalised N-D spectrum scaled by 1/√N.
func TestForwardGoDSPND(t *testing.T) {
	rnd := newRand()
	for _, s := range dspShapes {
		x := randReal(rnd, s.Len())
		m := dspfft.FFTN(dsputils.MakeMatrix(toComplex(x), s))
		full := make([]complex128, s.Len())
		sc := complex(1/math.Sqrt(float64(s.Len())), 0)
		for i := range full {
			full[i] = m.Value(coords(i, s)) * sc
		}
		checkComplex(t, s.String(), fft.NewPlan(s).Forward(nil, x), keepHalf(full, s))
	}
}

// TestInverseNonHermitianND feeds Inverse arbitrary complex half spectra and
// compares with the real part of the direct inverse DFT of the spectrum
// completed by Hermitian symmetry, as Plan.Inverse documents.
func TestInverseNonHermitianND(t *testing.T) {
	rnd := newRand()
	for _, s := range naiveShapes {
		X := randComplex(rnd, s.Bins())
		inv := naiveDFT(complete(X, s), s, +1)
		want := make([]float64, len(inv))
		for i, v := range inv {
			want[i] = real(v)
		}
		checkReal(t, s.String(), fft.NewPlan(s).Inverse(nil, X), want)

		// The same as the exact inverse of the Hermitian projection of the
		// planes of last index 0 and n/2: project, then Forward(Inverse(·))
		// must give back the projected spectrum.
		p := fft.NewPlan(s)
		proj := keepHalf(complete(X, s), s)
		full := complete(X, s)
		for i := range proj {
			c := coords(i, halfShape(s))
			for a := range c {
				c[a] = (s[a] - c[a]) % s[a]
			}
			proj[i] = (proj[i] + cmplx.Conj(full[flat(c, s)])) / 2
		}
		checkComplex(t, s.String()+" projection", p.Forward(nil, p.Inverse(nil, X)), proj)
	}
}

func TestRoundTripND(t *testing.T) {
	rnd := newRand()
	for _, s := range append(slices.Clone(naiveShapes), dspShapes...) {
		p := fft.NewPlan(s)
		x := randReal(rnd, s.Len())
		X := p.Forward(nil, x)
		saved := slices.Clone(X)
		got := p.Inverse(nil, X)
		scale := maxAbsReal(x)
		for i := range x {
			if d := math.Abs(got[i] - x[i]); d > roundTol*scale {
				t.Fatalf("%v: element %d = %v, want %v (|diff| = %.3g)", s, i, got[i], x[i], d)
			}
		}
		if !slices.Equal(X, saved) {
			t.Fatalf("%v: Inverse modified src", s)
		}
	}
}

func TestParsevalND(t *testing.T) {
	rnd := newRand()
	for _, s := range append(slices.Clone(naiveShapes), dspShapes...) {
		p := fft.NewPlan(s)
		x := randReal(rnd, s.Len())
		sx, sX := parseval(x, p.Forward(nil, x), p.Weights())
		if math.Abs(sx-sX) > tol*sx {
			t.Errorf("%v: Σx² = %v, Σw|X|² = %v", s, sx, sX)
		}
	}
}

// TestSelfConjugateND checks that the planes of last index 0 and n/2 (n
// even) are Hermitian along the other axes, X[u, v] = conj(X[−u, v]).
func TestSelfConjugateND(t *testing.T) {
	rnd := newRand()
	for _, s := range append(slices.Clone(naiveShapes), dspShapes...) {
		X := fft.NewPlan(s).Forward(nil, randReal(rnd, s.Len()))
		scale := math.Max(maxAbsComplex(X), 1)
		hs := halfShape(s)
		n := s[len(s)-1]
		for i, x := range X {
			c := coords(i, hs)
			if v := c[len(c)-1]; v != 0 && 2*v != n {
				continue
			}
			for a := range c[:len(c)-1] {
				c[a] = (s[a] - c[a]) % s[a]
			}
			if d := cmplx.Abs(x - cmplx.Conj(X[flat(c, hs)])); d > tol*scale {
				t.Fatalf("%v: bin %v = %v, conj mirror %v", s, coords(i, hs), x, cmplx.Conj(X[flat(c, hs)]))
			}
		}
	}
}

// TestShift3D checks the shift theorem in 3-D: y[x] = x[x−s] (cyclic) has
// Y[u] = X[u]·exp(−2πi·Σ_a u_a·s_a/n_a).
func TestShift3D(t *testing.T) {
	rnd := newRand()
	for _, s := range []fft.Shape{{3, 4, 5}, {6, 5, 7}, {8, 8, 8}, {1, 4, 1}} {
		p := fft.NewPlan(s)
		x := randReal(rnd, s.Len())
		X := p.Forward(nil, x)
		hs := halfShape(s)
		for _, sh := range [][3]int{{1, 0, 0}, {0, 0, 1}, {1, 2, 3}, {s[0] - 1, s[1] / 2, s[2] - 1}} {
			y := make([]float64, len(x))
			for i := range y {
				c := coords(i, s)
				for a := range c {
					c[a] = ((c[a]-sh[a])%s[a] + s[a]) % s[a]
				}
				y[i] = x[flat(c, s)]
			}
			want := make([]complex128, len(X))
			for i := range want {
				c := coords(i, hs)
				var phase float64
				for a := range c {
					phase += float64(c[a]*sh[a]%s[a]) / float64(s[a])
				}
				want[i] = X[i] * cmplx.Rect(1, -2*math.Pi*phase)
			}
			checkComplex(t, fmt.Sprintf("%v shift %v", s, sh), p.Forward(nil, y), want)
		}
	}
}

// TestScalar checks the empty shape: one value, one bin of weight 1, and the
// identity transform, the value copied as a real complex number.
func TestScalar(t *testing.T) {
	for _, s := range []fft.Shape{nil, {}} {
		p := fft.NewPlan(s)
		if p.Len() != 1 || p.Bins() != 1 || !slices.Equal(p.Weights(), []float64{1}) || len(p.Shape()) != 0 || p.Shape() == nil {
			t.Fatalf("%#v: Len=%d Bins=%d Weights=%v Shape=%#v", s, p.Len(), p.Bins(), p.Weights(), p.Shape())
		}
		X := p.Forward(nil, []float64{-2.5})
		if !slices.Equal(X, []complex128{-2.5}) {
			t.Errorf("Forward(-2.5) = %v", X)
		}
		if x := p.Inverse(nil, []complex128{complex(3, 4)}); !slices.Equal(x, []float64{3}) {
			t.Errorf("Inverse(3+4i) = %v, want the real part [3]", x)
		}
		if p.Clone().Bins() != 1 {
			t.Error("clone of the scalar plan is not a scalar plan")
		}
	}
}
