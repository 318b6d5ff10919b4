package fft_test

import (
	"fmt"
	"math"

	"github.com/redunet-go/redunet/fft"
)

// round rounds x to 4 decimals and turns −0 into 0, for stable output.
func round(x float64) float64 { return math.Round(x*1e4)/1e4 + 0 }

// format prints c rounded to 4 decimals, as a+bi.
func format(c complex128) string {
	return fmt.Sprintf("%g%+gi", round(real(c)), round(imag(c)))
}

func ExampleNewPlan1D() {
	p := fft.NewPlan1D(4)
	fmt.Println("length", p.Len(), "bins", p.Bins(), "weights", p.Weights())

	// A unit impulse has a flat spectrum: every bin is 1/√4.
	X := p.Forward(nil, []float64{1, 0, 0, 0})
	for k, c := range X {
		fmt.Printf("X[%d] = %s\n", k, format(c))
	}
	// Output:
	// length 4 bins 3 weights [1 2 1]
	// X[0] = 0.5+0i
	// X[1] = 0.5+0i
	// X[2] = 0.5+0i
}

func ExamplePlan1D_Forward() {
	p := fft.NewPlan1D(4)
	x := []float64{1, 2, 3, 4}

	// X[k] = (1/2) Σ_t x[t]·(−i)^(k·t): X[0] = 10/2, X[1] = (−2+2i)/2, X[2] = −2/2.
	X := p.Forward(nil, x)
	for k, c := range X {
		fmt.Printf("X[%d] = %s\n", k, format(c))
	}

	// Parseval on the half spectrum: 1+4+9+16 = 1·25 + 2·2 + 1·1.
	var energy float64
	for k, w := range p.Weights() {
		energy += w * (real(X[k])*real(X[k]) + imag(X[k])*imag(X[k]))
	}
	fmt.Println("Σ w|X|² =", round(energy))

	// Reuse a destination: no allocation.
	y := make([]float64, 4)
	p.Inverse(y, X)
	for i := range y {
		y[i] = round(y[i])
	}
	fmt.Println("inverse:", y)
	// Output:
	// X[0] = 5+0i
	// X[1] = -1+1i
	// X[2] = -1+0i
	// Σ w|X|² = 30
	// inverse: [1 2 3 4]
}

func ExamplePlan2D() {
	// A 2×2 image, row-major.
	p := fft.NewPlan2D(2, 2)
	x := []float64{
		1, 2,
		3, 4,
	}

	// The half spectrum has H = 2 rows and W/2+1 = 2 columns. With N = 4,
	// X[u,v] = (1/2) Σ x[h,w]·(−1)^(u·h+v·w).
	X := p.Forward(nil, x)
	for u := 0; u < p.H(); u++ {
		wb := p.W()/2 + 1
		fmt.Printf("X[%d,0] = %s  X[%d,1] = %s\n", u, format(X[u*wb]), u, format(X[u*wb+1]))
	}
	// Both columns are self-conjugate (v = 0 and v = W/2), so all weights are 1.
	fmt.Println("weights", p.Weights())

	y := p.Inverse(nil, X)
	for i := range y {
		y[i] = round(y[i])
	}
	fmt.Println("inverse:", y)
	// Output:
	// X[0,0] = 5+0i  X[0,1] = -1+0i
	// X[1,0] = -2+0i  X[1,1] = 0+0i
	// weights [1 1 1 1]
	// inverse: [1 2 3 4]
}
