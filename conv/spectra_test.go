package conv

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/redunet-go/redunet/fft"
)

// shapes covers the empty shape (one value per channel), even and odd
// lengths in 1-D and 2-D, the paper's sizes (T=200 angles, 28×28 MNIST), the
// golden fixtures' sizes (T=5, 3×4), single rows and columns, and volumes
// with odd, even and 1-sized axes.
var shapes = []fft.Shape{
	{}, {1}, {5}, {7}, {28}, {200}, {3, 4}, {5, 5}, {7, 9}, {28, 28}, {1, 6}, {6, 1},
	{2, 3, 4}, {3, 1, 5}, {4, 4, 4}, {2, 3, 2, 3},
}

// randReal returns n N(0,1) values.
func randReal(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

func TestNewSpectra(t *testing.T) {
	for _, shape := range shapes {
		m, c := 3, 2
		s := NewSpectra(m, c, shape)
		if s.M != m || s.C != c || !slices.Equal(s.Shape, shape) || s.Bins() != shape.Bins() ||
			!slices.Equal(s.W, shape.Weights()) || len(s.Data) != shape.Bins()*m*c {
			t.Errorf("%v: %+v", shape, s)
		}
		if len(s.Block(s.Bins()-1)) != m*c {
			t.Errorf("%v: last block has %d values, want %d", shape, len(s.Block(s.Bins()-1)), m*c)
		}
	}
	// The shape is copied, and a []int is a valid argument.
	sh := []int{3, 4}
	s := NewSpectra(1, 1, sh)
	sh[0] = 9
	if s.Shape[0] != 3 {
		t.Error("NewSpectra did not copy the shape")
	}
	mustPanic(t, "NewSpectra negative m", func() { NewSpectra(-1, 1, fft.Shape{4}) })
	mustPanic(t, "NewSpectra size 0", func() { NewSpectra(1, 1, fft.Shape{4, 0}) })
}
