package conv

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/redunet-go/redunet/fft"
)

func TestShift1DNumpy(t *testing.T) {
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
		if got := Shift(nil, x, 2, []int{5}, []int{tc.s}); !slices.Equal(got, tc.want) {
			t.Errorf("Shift1D by %d = %v, want %v", tc.s, got, tc.want)
		}
		in := slices.Clone(x)
		if got := Shift(in, in, 2, []int{5}, []int{tc.s}); !slices.Equal(got, tc.want) {
			t.Errorf("in-place Shift1D by %d = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestShift2DNumpy(t *testing.T) {
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
		if got := Shift(nil, x, 1, []int{2, 3}, []int{tc.dy, tc.dx}); !slices.Equal(got, tc.want) {
			t.Errorf("Shift2D by (%d,%d) = %v, want %v", tc.dy, tc.dx, got, tc.want)
		}
		in := slices.Clone(x)
		if got := Shift(in, in, 1, []int{2, 3}, []int{tc.dy, tc.dx}); !slices.Equal(got, tc.want) {
			t.Errorf("in-place Shift2D by (%d,%d) = %v, want %v", tc.dy, tc.dx, got, tc.want)
		}
	}
}

// TestShift3D checks Shift against numpy on one 2×2×3 volume of two
// channels: np.roll(x.reshape(2, 2, 2, 3), off, axis=(1, 2, 3)).
func TestShift3D(t *testing.T) {
	x := make([]float64, 24)
	for i := range x {
		x[i] = float64(i)
	}
	shape := fft.Shape{2, 2, 3}
	for _, tc := range []struct {
		off  []int
		want []float64
	}{
		{[]int{0, 0, 0}, slices.Clone(x)},
		{[]int{1, 0, 0}, []float64{6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 18, 19, 20, 21, 22, 23, 12, 13, 14, 15, 16, 17}},
		{[]int{0, 1, 0}, []float64{3, 4, 5, 0, 1, 2, 9, 10, 11, 6, 7, 8, 15, 16, 17, 12, 13, 14, 21, 22, 23, 18, 19, 20}},
		{[]int{0, 0, 1}, []float64{2, 0, 1, 5, 3, 4, 8, 6, 7, 11, 9, 10, 14, 12, 13, 17, 15, 16, 20, 18, 19, 23, 21, 22}},
		{[]int{1, -1, 5}, []float64{10, 11, 9, 7, 8, 6, 4, 5, 3, 1, 2, 0, 22, 23, 21, 19, 20, 18, 16, 17, 15, 13, 14, 12}},
	} {
		if got := Shift(nil, x, 2, shape, tc.off); !slices.Equal(got, tc.want) {
			t.Errorf("Shift by %v = %v, want %v", tc.off, got, tc.want)
		}
		in := slices.Clone(x)
		if got := Shift(in, in, 2, shape, tc.off); !slices.Equal(got, tc.want) {
			t.Errorf("in-place Shift by %v = %v, want %v", tc.off, got, tc.want)
		}
	}
}

// naiveShift is the definition, dst[ch, (t + off) mod shape] = x[ch, t].
func naiveShift(x []float64, c int, shape fft.Shape, off []int) []float64 {
	n := shape.Len()
	dst := make([]float64, len(x))
	for ch := 0; ch < c; ch++ {
		for t := 0; t < n; t++ {
			p := unravel(t, shape)
			for a := range p {
				p[a] = mod(p[a]+off[a], shape[a])
			}
			dst[ch*n+ravel(p, shape)] = x[ch*n+t]
		}
	}
	return dst
}

// shiftShapes are the shapes of the shift tests, in 1-D to 4-D, with
// 1-sized axes.
var shiftShapes = []fft.Shape{{7}, {1}, {5, 6}, {1, 4}, {4, 1}, {3, 4, 5}, {1, 3, 1}, {2, 3, 2, 3}}

// shiftOffsets returns offsets for rank r: zero, unit, negative and larger
// than any size used here.
func shiftOffsets(r int) [][]int {
	base := [][]int{{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {-1, 2, -3, 4}, {13, -17, 6, -9}, {-100, 37, 58, 200}}
	out := make([][]int, len(base))
	for i, b := range base {
		out[i] = b[:r]
	}
	return out
}

func TestShiftNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(161, 162))
	for _, shape := range shiftShapes {
		c := 3
		x := randReal(rng, c*shape.Len())
		for _, off := range shiftOffsets(len(shape)) {
			name := fmt.Sprintf("%v by %v", shape, off)
			want := naiveShift(x, c, shape, off)
			if got := Shift(nil, x, c, shape, off); !slices.Equal(got, want) {
				t.Errorf("%s: Shift differs from the definition", name)
			}
			in := slices.Clone(x)
			if got := Shift(in, in, c, shape, off); !slices.Equal(got, want) || &got[0] != &in[0] {
				t.Errorf("%s: in-place Shift differs from the definition", name)
			}
			dst := make([]float64, len(x))
			if got := Shift(dst, x, c, shape, off); !slices.Equal(got, want) || &got[0] != &dst[0] {
				t.Errorf("%s: Shift into dst differs", name)
			}
		}
	}
}

// TestShiftMatchesLegacy checks Shift, and so the wrappers Shift1D and
// Shift2D, against the former 1-D and 2-D shifts, copying and in place.
func TestShiftMatchesLegacy(t *testing.T) {
	rng := rand.New(rand.NewPCG(171, 172))
	for _, n := range []int{1, 2, 5, 8, 200} {
		x := randReal(rng, 3*n)
		for _, s := range []int{0, 1, -1, n - 1, n, 3*n + 2, -7 * n} {
			want := legacyShift1D(nil, x, 3, n, s)
			if got := Shift(nil, x, 3, fft.Shape{n}, []int{s}); !slices.Equal(got, want) {
				t.Errorf("T=%d by %d: Shift differs from the legacy Shift1D", n, s)
			}
			a, b := slices.Clone(x), slices.Clone(x)
			legacyShift1D(a, a, 3, n, s)
			Shift(b, b, 3, []int{n}, []int{s})
			if !slices.Equal(a, b) {
				t.Errorf("T=%d by %d: in-place Shift1D differs from the legacy one", n, s)
			}
		}
	}
	for _, hw := range [][2]int{{1, 1}, {2, 3}, {5, 1}, {1, 6}, {28, 28}, {7, 9}} {
		h, w := hw[0], hw[1]
		x := randReal(rng, 2*h*w)
		for _, s := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {-1, 2}, {h + 3, -w - 5}, {-4 * h, 9 * w}} {
			want := legacyShift2D(nil, x, 2, h, w, s[0], s[1])
			if got := Shift(nil, x, 2, fft.Shape{h, w}, s[:]); !slices.Equal(got, want) {
				t.Errorf("%d×%d by %v: Shift differs from the legacy Shift2D", h, w, s)
			}
			a, b := slices.Clone(x), slices.Clone(x)
			legacyShift2D(a, a, 2, h, w, s[0], s[1])
			Shift(b, b, 2, []int{h, w}, s[:])
			if !slices.Equal(a, b) {
				t.Errorf("%d×%d by %v: in-place Shift2D differs from the legacy one", h, w, s)
			}
		}
	}
	// Empty signals and no channels, as the legacy shifts allowed.
	for _, tc := range []struct {
		c int
		s fft.Shape
	}{{0, fft.Shape{4}}, {2, fft.Shape{0}}, {0, fft.Shape{3, 4}}, {2, fft.Shape{0, 3}}, {2, fft.Shape{3, 0}}} {
		if got := Shift(nil, nil, tc.c, tc.s, make([]int, len(tc.s))); len(got) != 0 {
			t.Errorf("c=%d shape %v: Shift of nothing returned %v", tc.c, []int(tc.s), got)
		}
	}
}

func TestShiftProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(141, 142))
	c := 3
	for _, shape := range shiftShapes {
		x := randReal(rng, c*shape.Len())
		r := len(shape)
		whole := make([]int, r) // a multiple of every size: the identity
		for a := range whole {
			whole[a] = -2 * shape[a]
		}
		if !slices.Equal(Shift(nil, x, c, shape, whole), x) {
			t.Errorf("%v: Shift by multiples of the sizes is not the identity", shape)
		}
		offs := shiftOffsets(r)
		for _, a := range offs {
			for _, b := range offs {
				sum := make([]int, r)
				neg := make([]int, r)
				for i := range sum {
					sum[i] = a[i] + b[i]
					neg[i] = -a[i]
				}
				if !slices.Equal(Shift(nil, Shift(nil, x, c, shape, a), c, shape, b), Shift(nil, x, c, shape, sum)) {
					t.Errorf("%v: Shift by %v then %v != by %v", shape, a, b, sum)
				}
				if !slices.Equal(Shift(nil, Shift(nil, x, c, shape, a), c, shape, neg), x) {
					t.Errorf("%v: Shift by %v is not undone by its opposite", shape, a)
				}
			}
		}
	}
	// The empty shape: one value per channel, nothing to shift.
	if got := Shift(nil, []float64{1, 2}, 2, nil, nil); !slices.Equal(got, []float64{1, 2}) {
		t.Errorf("scalar Shift = %v", got)
	}
}

func TestShiftNoAlloc(t *testing.T) {
	x := randReal(rand.New(rand.NewPCG(181, 182)), 3*4*5*6)
	dst := make([]float64, len(x))
	shape, off := fft.Shape{4, 5, 6}, []int{1, -2, 3}
	if a := testing.AllocsPerRun(10, func() { Shift(dst, x, 3, shape, off) }); a != 0 {
		t.Errorf("Shift into dst allocates %v times", a)
	}
	if a := testing.AllocsPerRun(10, func() { Shift(x, x, 3, shape, off) }); a != 0 {
		t.Errorf("in-place Shift allocates %v times", a)
	}
}

func TestShiftPanics(t *testing.T) {
	x := make([]float64, 3*4*5)
	mustPanic(t, "Shift1D short x", func() { Shift(nil, x[:5], 3, []int{7}, []int{1}) })
	mustPanic(t, "Shift2D short dst", func() { Shift(make([]float64, 3), x, 3, []int{4, 5}, []int{1, 1}) })
	mustPanic(t, "Shift offsets of another rank", func() { Shift(nil, x, 3, fft.Shape{4, 5}, []int{1}) })
	mustPanic(t, "Shift negative channels", func() { Shift(nil, nil, -1, fft.Shape{4}, []int{1}) })
	mustPanic(t, "Shift negative size", func() { Shift(nil, nil, 1, fft.Shape{-4}, []int{1}) })
	mustPanic(t, "Shift short x", func() { Shift(nil, x[:59], 3, fft.Shape{4, 5}, []int{1, 1}) })
}
