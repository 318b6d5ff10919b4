package fft_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/fft"
)

func TestShapeSizes(t *testing.T) {
	for _, tc := range []struct {
		s         fft.Shape
		len, bins int
		str       string
	}{
		{nil, 1, 1, "scalar"},
		{fft.Shape{}, 1, 1, "scalar"},
		{fft.Shape{1}, 1, 1, "1"},
		{fft.Shape{200}, 200, 101, "200"},
		{fft.Shape{28, 28}, 784, 28 * 15, "28×28"},
		{fft.Shape{3, 4}, 12, 9, "3×4"},
		{fft.Shape{4, 3}, 12, 8, "4×3"},
		{fft.Shape{8, 8, 8}, 512, 8 * 8 * 5, "8×8×8"},
		{fft.Shape{2, 3, 4, 5}, 120, 2 * 3 * 4 * 3, "2×3×4×5"},
		{fft.Shape{5, 1, 1}, 5, 5, "5×1×1"},
		{fft.Shape{3, 0}, 0, 0, "3×0"},
		{fft.Shape{0, 3}, 0, 0, "0×3"},
		{fft.Shape{-2}, 0, 0, "-2"},
	} {
		if got := tc.s.Len(); got != tc.len {
			t.Errorf("%#v.Len() = %d, want %d", tc.s, got, tc.len)
		}
		if got := tc.s.Bins(); got != tc.bins {
			t.Errorf("%#v.Bins() = %d, want %d", tc.s, got, tc.bins)
		}
		if got := tc.s.String(); got != tc.str {
			t.Errorf("%#v.String() = %q, want %q", tc.s, got, tc.str)
		}
	}
	// A []int is assignable to a Shape.
	var s fft.Shape = []int{2, 2}
	if s.Len() != 4 {
		t.Error("[]int{2, 2} as a Shape")
	}
}

// TestShapeWeights checks the weights on many shapes against the rule (1 for
// last index 0 and n/2, n even; 2 otherwise), and that a plan returns the
// same weights.
func TestShapeWeights(t *testing.T) {
	shapes := []fft.Shape{nil, {1}, {2}, {7}, {8}, {3, 4}, {4, 3}, {1, 1, 1}, {2, 3, 4}, {2, 3, 5}, {3, 1, 2, 6}}
	for _, s := range shapes {
		w := s.Weights()
		if len(w) != s.Bins() {
			t.Fatalf("%v: %d weights, want %d", s, len(w), s.Bins())
		}
		if !slices.Equal(w, fft.NewPlan(s).Weights()) {
			t.Errorf("%v: Shape.Weights and Plan.Weights differ", s)
		}
		if len(s) == 0 {
			if w[0] != 1 {
				t.Errorf("scalar weight %v, want 1", w[0])
			}
			continue
		}
		n := s[len(s)-1]
		var sum float64
		for i, wi := range w {
			v := i % (n/2 + 1)
			want := 2.0
			if v == 0 || 2*v == n {
				want = 1
			}
			if wi != want {
				t.Errorf("%v: w[%d] (last index %d) = %v, want %v", s, i, v, wi, want)
			}
			sum += wi
		}
		// The weights count every bin of the full spectrum once.
		if int(sum) != s.Len() {
			t.Errorf("%v: Σw = %v, want N = %d", s, sum, s.Len())
		}
	}
}

func TestShapeValidate(t *testing.T) {
	for _, s := range []fft.Shape{nil, {}, {1}, {200}, {28, 28}, {1, 1, 1, 1, 1}, {1 << 31}, {1 << 15, 1 << 16}, {2, 1 << 30}} {
		if err := s.Validate(); err != nil {
			t.Errorf("%v: %v", s, err)
		}
	}
	for _, s := range []fft.Shape{
		{0}, {-1}, {3, 0}, {0, 3}, {2, -5, 2},
		{1<<31 + 1}, {1 << 16, 1 << 16}, {2, 1 << 31}, {1 << 40}, {1 << 62, 1 << 62, 4},
		{1 << 31, 1 << 31, 0}, // overflows before the zero size is reached
	} {
		err := s.Validate()
		if err == nil {
			t.Errorf("%v: no error", []int(s))
			continue
		}
		if !strings.HasPrefix(err.Error(), "fft: ") {
			t.Errorf("%v: error %q without the \"fft: \" prefix", []int(s), err)
		}
	}
}
