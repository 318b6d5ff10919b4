package conv_test

import (
	"fmt"
	"math"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

func ExampleLift_Apply() {
	// One input and one output channel, kernel [1, -1]: out[t] = x[t] − x[t+1 mod T],
	// then ReLU.
	l := &conv.Lift{In: 1, Out: 1, K: 2, Dims: 1, Kernels: []float64{1, -1}}
	x := []float64{1, 2, 4, 8}
	out, err := l.Apply(nil, x, 1, []int{4}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out)

	// The kernel may not be longer than the signal.
	_, err = l.Apply(nil, []float64{1}, 1, []int{1}, 1)
	fmt.Println(err)
	// Output:
	// [0 0 0 7]
	// conv: lift kernel size 2 exceeds the signal shape [1]
}

func ExampleNewGaussianLift() {
	// The 2-D MNIST configuration of the paper: 1 → 75 channels, 9×9 kernels.
	l, err := conv.NewGaussianLift(1, 75, 9, 2, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("kernel weights:", len(l.Kernels))

	m := 2
	x := make([]float64, m*28*28) // two blank 28×28 images…
	x[14*28+14] = 1               // …the first with one lit pixel
	out, err := l.Apply(nil, x, m, []int{28, 28}, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("features:", len(out), "=", m, "× 75 × 28 × 28")
	var blank float64
	for _, v := range out[75*28*28:] {
		blank += math.Abs(v)
	}
	fmt.Println("blank image lifts to zero:", blank == 0)
	// Output:
	// kernel weights: 6075
	// features: 117600 = 2 × 75 × 28 × 28
	// blank image lifts to zero: true
}

func ExampleTransformer() {
	// Two samples of one channel of length T=4: a constant and an impulse.
	x := []float64{
		1, 1, 1, 1,
		1, 0, 0, 0,
	}
	tr := conv.NewTransformer([]int{4}, 1)
	s := tr.Forward(nil, x, 2, 1)
	fmt.Println("bins:", s.Bins(), "weights:", s.W)
	for p := 0; p < s.Bins(); p++ {
		// Block p is C×M = 1×2: one row, one column per sample.
		b := s.Block(p)
		fmt.Printf("bin %d: %.2f %.2f\n", p, real(b[0]), real(b[1]))
	}
	// Parseval with the bin weights: the squared norms of the samples.
	norms := make([]float64, 2)
	for p, w := range s.W {
		for i, v := range s.Block(p) {
			norms[i] += w * (real(v)*real(v) + imag(v)*imag(v))
		}
	}
	fmt.Printf("squared norms: %.3g\n", norms)
	back := tr.Inverse(nil, s)
	fmt.Printf("round trip: %.3g\n", back)
	// Output:
	// bins: 3 weights: [1 2 1]
	// bin 0: 2.00 0.50
	// bin 1: 0.00 0.50
	// bin 2: 0.00 0.50
	// squared norms: [4 1]
	// round trip: [1 1 1 1 1 0 0 0]
}

func ExampleShift() {
	// numpy.roll(x, (1, 1), axis=(-2, -1)) of one 2×3 image.
	x := []float64{
		0, 1, 2,
		3, 4, 5,
	}
	fmt.Println(conv.Shift(nil, x, 1, fft.Shape{2, 3}, []int{1, 1}))

	// A 2×2×2 volume of one channel, rolled by one along the first axis and
	// by −1 (the same as 1) along the last.
	v := []float64{
		0, 1, 2, 3,
		4, 5, 6, 7,
	}
	fmt.Println(conv.Shift(nil, v, 1, fft.Shape{2, 2, 2}, []int{1, 0, -1}))
	// Output:
	// [5 3 4 2 0 1]
	// [5 4 7 6 1 0 3 2]
}

func ExampleLift_Apply_volume() {
	// A 3-D lifting with one 2×2×2 kernel of ones: every output is the sum
	// of the 2×2×2 block at its position, wrapping around.
	l := &conv.Lift{In: 1, Out: 1, K: 2, Dims: 3, Kernels: []float64{1, 1, 1, 1, 1, 1, 1, 1}}
	x := make([]float64, 2*3*4)
	x[0] = 1 // an impulse at (0, 0, 0)
	out, err := l.Apply(nil, x, 1, fft.Shape{2, 3, 4}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The impulse reaches the outputs at (−a, −b, −c) for a, b, c ∈ {0, 1}.
	fmt.Println(out[:12])
	fmt.Println(out[12:])
	// Output:
	// [1 0 0 1 0 0 0 0 1 0 0 1]
	// [1 0 0 1 0 0 0 0 1 0 0 1]
}
