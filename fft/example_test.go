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

func ExampleShape() {
	for _, s := range []fft.Shape{{28, 28}, {2, 3, 4}, {5}, {}} {
		fmt.Printf("%v: %d values, %d bins\n", s, s.Len(), s.Bins())
	}
	// The weights depend on the last index only: 1 for 0 and n/2, 2 otherwise.
	fmt.Println("weights of 2×5:", fft.Shape{2, 5}.Weights())
	fmt.Println(fft.Shape{4, 0}.Validate())
	// Output:
	// 28×28: 784 values, 420 bins
	// 2×3×4: 24 values, 18 bins
	// 5: 5 values, 3 bins
	// scalar: 1 values, 1 bins
	// weights of 2×5: [1 2 2 1 2 2]
	// fft: shape [4 0]: axis 1 has size 0, want at least 1
}

func ExampleNewPlan() {
	p := fft.NewPlan(fft.Shape{4})
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

func ExamplePlan_Forward() {
	p := fft.NewPlan(fft.Shape{4})
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

func ExamplePlan() {
	// A 2×2 image, row-major.
	p := fft.NewPlan(fft.Shape{2, 2})
	x := []float64{
		1, 2,
		3, 4,
	}

	// The half spectrum has H = 2 rows and W/2+1 = 2 columns. With N = 4,
	// X[u,v] = (1/2) Σ x[h,w]·(−1)^(u·h+v·w).
	X := p.Forward(nil, x)
	for u := 0; u < 2; u++ {
		fmt.Printf("X[%d,0] = %s  X[%d,1] = %s\n", u, format(X[2*u]), u, format(X[2*u+1]))
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

func ExamplePlan_volume() {
	// A 2×2×4 volume holding one impulse at (0, 0, 1).
	p := fft.NewPlan(fft.Shape{2, 2, 4})
	x := make([]float64, p.Len())
	x[1] = 1

	// The half spectrum is 2×2×3. With N = 16, X[a,b,c] = (1/4)·(−i)^c for
	// every a and b: the shift by one along the last axis turns into a phase.
	X := p.Forward(nil, x)
	for r := 0; r < 4; r++ {
		fmt.Printf("X[%d,%d,·] = %s %s %s\n", r/2, r%2, format(X[3*r]), format(X[3*r+1]), format(X[3*r+2]))
	}
	fmt.Println("weights", p.Weights())
	// Output:
	// X[0,0,·] = 0.25+0i 0-0.25i -0.25+0i
	// X[0,1,·] = 0.25+0i 0-0.25i -0.25+0i
	// X[1,0,·] = 0.25+0i 0-0.25i -0.25+0i
	// X[1,1,·] = 0.25+0i 0-0.25i -0.25+0i
	// weights [1 2 1 1 2 1 1 2 1 1 2 1]
}
