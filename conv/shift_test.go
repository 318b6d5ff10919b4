package conv

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestShift1D(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 10, 11, 12, 13, 14} // 2 channels, T=5
	for _, tc := range []struct {
		s    int
		want []float64
	}{
		// numpy: np.roll(x.reshape(2, 5), s, axis=-1)
		{0, []float64{0, 1, 2, 3, 4, 10, 11, 12, 13, 14}},
		{2, []float64{3, 4, 0, 1, 2, 13, 14, 10, 11, 12}},
		{-1, []float64{1, 2, 3, 4, 0, 11, 12, 13, 14, 10}},
		{7, []float64{3, 4, 0, 1, 2, 13, 14, 10, 11, 12}},
		{-5, x},
		{5, x},
	} {
		if got := Shift1D(nil, x, 2, 5, tc.s); !slices.Equal(got, tc.want) {
			t.Errorf("Shift1D by %d = %v, want %v", tc.s, got, tc.want)
		}
		in := slices.Clone(x)
		if got := Shift1D(in, in, 2, 5, tc.s); !slices.Equal(got, tc.want) {
			t.Errorf("in-place Shift1D by %d = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestShift2D(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5} // 1 channel, 2×3
	for _, tc := range []struct {
		dy, dx int
		want   []float64
	}{
		// numpy: np.roll(x.reshape(2, 3), (dy, dx), axis=(-2, -1))
		{0, 0, []float64{0, 1, 2, 3, 4, 5}},
		{1, 0, []float64{3, 4, 5, 0, 1, 2}},
		{0, 1, []float64{2, 0, 1, 5, 3, 4}},
		{1, 1, []float64{5, 3, 4, 2, 0, 1}},
		{0, -1, []float64{1, 2, 0, 4, 5, 3}},
		{-3, 4, []float64{5, 3, 4, 2, 0, 1}},
		{2, 3, x},
	} {
		if got := Shift2D(nil, x, 1, 2, 3, tc.dy, tc.dx); !slices.Equal(got, tc.want) {
			t.Errorf("Shift2D by (%d,%d) = %v, want %v", tc.dy, tc.dx, got, tc.want)
		}
		in := slices.Clone(x)
		if got := Shift2D(in, in, 1, 2, 3, tc.dy, tc.dx); !slices.Equal(got, tc.want) {
			t.Errorf("in-place Shift2D by (%d,%d) = %v, want %v", tc.dy, tc.dx, got, tc.want)
		}
	}
}

func TestShiftProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(141, 142))
	c, tt, h, w := 3, 7, 5, 6
	x1 := randReal(rng, c*tt)
	x2 := randReal(rng, c*h*w)
	if !slices.Equal(Shift1D(nil, x1, c, tt, tt), x1) || !slices.Equal(Shift1D(nil, x1, c, tt, -2*tt), x1) {
		t.Error("Shift1D by a multiple of T is not the identity")
	}
	if !slices.Equal(Shift2D(nil, x2, c, h, w, h, -w), x2) {
		t.Error("Shift2D by (H, -W) is not the identity")
	}
	for _, s := range [][2]int{{1, 2}, {-3, 5}, {4, -4}, {6, 13}} {
		a, b := s[0], s[1]
		if !slices.Equal(Shift1D(nil, Shift1D(nil, x1, c, tt, a), c, tt, b), Shift1D(nil, x1, c, tt, a+b)) {
			t.Errorf("Shift1D by %d then %d != by %d", a, b, a+b)
		}
		got := Shift2D(nil, Shift2D(nil, x2, c, h, w, a, b), c, h, w, b, a)
		if !slices.Equal(got, Shift2D(nil, x2, c, h, w, a+b, a+b)) {
			t.Errorf("Shift2D by (%d,%d) then (%d,%d) != by (%d,%d)", a, b, b, a, a+b, a+b)
		}
		if !slices.Equal(Shift2D(nil, Shift2D(nil, x2, c, h, w, a, b), c, h, w, -a, -b), x2) {
			t.Errorf("Shift2D by (%d,%d) is not undone by its opposite", a, b)
		}
	}
	mustPanic(t, "Shift1D short x", func() { Shift1D(nil, x1[:5], c, tt, 1) })
	mustPanic(t, "Shift2D short dst", func() { Shift2D(make([]float64, 3), x2, c, h, w, 1, 1) })
}
