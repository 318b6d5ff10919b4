package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/redunet-go/redunet/fft"
)

// naiveLift computes the lifting by its definition,
//
//	out[o, t] = max(0, Σ_{c, s} K[o, c, s]·x[c, (t + s) mod shape]),
//
// with explicit modular indices and no padding: output position first, then
// every term summed into one accumulator in (c, s) order, s row-major. It also
// returns each output's rounding scale, the sum of the magnitudes of its
// terms.
func naiveLift(l *Lift, x []float64, m int, shape fft.Shape) (out, scale []float64) {
	n := shape.Len()
	kshape := make([]int, len(shape))
	for a := range kshape {
		kshape[a] = l.K
	}
	kl := fft.Shape(kshape).Len()
	out = make([]float64, m*l.Out*n)
	scale = make([]float64, len(out))
	pos := make([]int, len(shape))
	for i := 0; i < m; i++ {
		for o := 0; o < l.Out; o++ {
			for t := 0; t < n; t++ {
				tc := unravel(t, shape)
				var sum, abs float64
				for c := 0; c < l.In; c++ {
					for s := 0; s < kl; s++ {
						sc := unravel(s, kshape)
						for a := range pos {
							pos[a] = (tc[a] + sc[a]) % shape[a]
						}
						term := l.Kernels[(o*l.In+c)*kl+s] * x[(i*l.In+c)*n+ravel(pos, shape)]
						sum += term
						abs += math.Abs(term)
					}
				}
				out[(i*l.Out+o)*n+t] = max(sum, 0)
				scale[(i*l.Out+o)*n+t] = abs
			}
		}
	}
	return out, scale
}

// unravel returns the row-major coordinates of the flat index i in shape.
func unravel(i int, shape []int) []int {
	c := make([]int, len(shape))
	for a := len(shape) - 1; a >= 0; a-- {
		c[a] = i % shape[a]
		i /= shape[a]
	}
	return c
}

// ravel returns the row-major flat index of the coordinates c in shape.
func ravel(c, shape []int) int {
	i := 0
	for a := range shape {
		i = i*shape[a] + c[a]
	}
	return i
}

// liftCases are (in, out, k, shape) with odd sizes, kernels of every
// remainder of the 4-way tap unrolling (k mod 4 = 0…3), k equal to a size,
// 1-sized axes, and volumes and a 4-D shape.
var liftCases = []struct {
	in, out, k int
	shape      fft.Shape
}{
	{1, 1, 1, fft.Shape{1}},
	{1, 3, 3, fft.Shape{7}},
	{2, 3, 5, fft.Shape{13}},
	{3, 2, 6, fft.Shape{6}},
	{15, 4, 5, fft.Shape{20}},
	{1, 2, 1, fft.Shape{3, 4}},
	{2, 3, 3, fft.Shape{5, 7}},
	{1, 4, 9, fft.Shape{9, 11}},
	{3, 2, 4, fft.Shape{4, 5}},
	{2, 2, 7, fft.Shape{8, 7}},
	{1, 1, 1, fft.Shape{1, 1, 1}},
	{1, 3, 2, fft.Shape{3, 4, 5}},
	{2, 2, 3, fft.Shape{5, 3, 4}},
	{2, 3, 1, fft.Shape{2, 1, 6}},
	{1, 2, 5, fft.Shape{5, 6, 7}},
	{2, 2, 2, fft.Shape{2, 3, 2, 3}},
}

func TestLiftNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(111, 112))
	for ci, tc := range liftCases {
		l, err := NewGaussianLift(tc.in, tc.out, tc.k, len(tc.shape), uint64(ci))
		if err != nil {
			t.Fatal(err)
		}
		m := 3
		x := randReal(rng, m*tc.in*tc.shape.Len())
		got, err := l.Apply(nil, x, m, tc.shape, 2)
		if err != nil {
			t.Fatal(err)
		}
		want, scale := naiveLift(l, x, m, tc.shape)
		zeros := 0
		for i := range want {
			// 1e-13 relative to the sum of the magnitudes of the terms: a sum
			// of n terms in any order is within about n·2⁻⁵³ of that scale of
			// the exact value, and n ≤ 125 here (the 5×5×5 kernel), 1.4e-14
			// for each of the two orders.
			if math.Abs(got[i]-want[i]) > 1e-13*scale[i] {
				t.Fatalf("case %d: value %d = %.17g, want %.17g", ci, i, got[i], want[i])
			}
			if got[i] < 0 {
				t.Fatalf("case %d: negative output after ReLU", ci)
			}
			if got[i] == 0 {
				zeros++
			}
		}
		if len(want) > 10 && zeros == 0 {
			t.Errorf("case %d: ReLU zeroed nothing on random input", ci)
		}
	}
}

// TestLiftMatchesLegacy checks that NewGaussianLift draws the same kernels
// and Apply computes bit for bit the same features as the former 1-D and
// 2-D code, on the 1-D and 2-D lift cases and the paper's configurations.
func TestLiftMatchesLegacy(t *testing.T) {
	rng := rand.New(rand.NewPCG(151, 152))
	cases := slices.Clone(liftCases)
	cases = append(cases, struct {
		in, out, k int
		shape      fft.Shape
	}{1, 75, 9, fft.Shape{28, 28}}, struct {
		in, out, k int
		shape      fft.Shape
	}{15, 20, 5, fft.Shape{200}})
	for ci, tc := range cases {
		if len(tc.shape) > 2 {
			continue
		}
		name := fmt.Sprintf("case %d (%d→%d, k=%d, %v)", ci, tc.in, tc.out, tc.k, tc.shape)
		l, err := NewGaussianLift(tc.in, tc.out, tc.k, len(tc.shape), uint64(ci)+1000)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := legacyNewGaussianLift(tc.in, tc.out, tc.k, len(tc.shape), uint64(ci)+1000)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(l.Kernels, ref.Kernels) {
			t.Fatalf("%s: kernels differ from the legacy draw", name)
		}
		m := 5
		x := randReal(rng, m*tc.in*tc.shape.Len())
		got, err := l.Apply(nil, x, m, tc.shape, 2)
		if err != nil {
			t.Fatal(err)
		}
		want, err := legacyLiftApply(ref, nil, x, m, tc.shape, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: features differ from the legacy lift", name)
		}
	}
}

// TestLiftShiftEquivariance checks Lift(Shift(x)) = Shift(Lift(x)) bit for
// bit, in every dimension, for offsets that are negative, zero, and larger
// than the sizes.
func TestLiftShiftEquivariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(121, 122))
	offsets := [][]int{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 1}, {-2, 3, -1, 2}, {5, -4, 7, -3}, {17, 9, -13, 11}}
	for ci, tc := range liftCases {
		l, _ := NewGaussianLift(tc.in, tc.out, tc.k, len(tc.shape), 7)
		x := randReal(rng, tc.in*tc.shape.Len())
		y, err := l.Apply(nil, x, 1, tc.shape, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range offsets {
			off := off[:len(tc.shape)]
			xs := Shift(nil, x, tc.in, tc.shape, off)
			ys := Shift(nil, y, tc.out, tc.shape, off)
			got, err := l.Apply(nil, xs, 1, tc.shape, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, ys) {
				t.Fatalf("case %d (%v) shift %v: Lift(Shift(x)) != Shift(Lift(x))", ci, tc.shape, off)
			}
		}
	}
}

func TestLiftDeterminism(t *testing.T) {
	a, _ := NewGaussianLift(3, 4, 5, 2, 42)
	b, _ := NewGaussianLift(3, 4, 5, 2, 42)
	c, _ := NewGaussianLift(3, 4, 5, 2, 43)
	if len(a.Kernels) != 4*3*5*5 {
		t.Fatalf("%d kernel weights, want %d", len(a.Kernels), 4*3*5*5)
	}
	if !slices.Equal(a.Kernels, b.Kernels) {
		t.Error("same seed, different kernels")
	}
	if slices.Equal(a.Kernels, c.Kernels) {
		t.Error("different seeds, same kernels")
	}
	// The documented generator, drawn in row-major order, in 3-D too.
	v, _ := NewGaussianLift(2, 3, 3, 3, 42)
	if len(v.Kernels) != 3*2*3*3*3 {
		t.Fatalf("3-D lift: %d kernel weights, want %d", len(v.Kernels), 3*2*3*3*3)
	}
	for _, l := range []*Lift{a, v} {
		rng := rand.New(rand.NewPCG(42, 0x5eed))
		for i, w := range l.Kernels {
			if want := rng.NormFloat64(); w != want {
				t.Fatalf("%d-D: kernel weight %d = %g, want the generator's %g", l.Dims, i, w, want)
			}
		}
	}

	// Results do not depend on the number of workers.
	rng2 := rand.New(rand.NewPCG(131, 132))
	for _, tc := range []struct {
		l     *Lift
		shape fft.Shape
	}{{a, fft.Shape{6, 7}}, {v, fft.Shape{3, 4, 5}}} {
		x := randReal(rng2, 9*tc.l.In*tc.shape.Len())
		y1, _ := tc.l.Apply(nil, x, 9, tc.shape, 1)
		y4, _ := tc.l.Apply(nil, x, 9, tc.shape, 4)
		if !slices.Equal(y1, y4) {
			t.Errorf("%v: Apply depends on the worker count", tc.shape)
		}
		dst := make([]float64, len(y1))
		if got, _ := tc.l.Apply(dst, x, 9, tc.shape, 0); &got[0] != &dst[0] || !slices.Equal(got, y1) {
			t.Errorf("%v: Apply into dst differs", tc.shape)
		}
	}
}

func TestLiftErrors(t *testing.T) {
	for _, tc := range []struct{ in, out, k, dims int }{
		{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 2}, {1, 1, 1, 0}, {1, 1, 1, -1},
		{1, 1, 1 << 11, 3},       // 2³³ weights
		{1 << 20, 1 << 20, 1, 1}, // 2⁴⁰ weights
		{1 << 62, 1 << 62, 1, 1}, // Out·In overflows
		{1, 1, 1 << 32, 2},       // K² overflows
	} {
		if _, err := NewGaussianLift(tc.in, tc.out, tc.k, tc.dims, 1); err == nil {
			t.Errorf("NewGaussianLift%v: no error", tc)
		}
	}
	l1, _ := NewGaussianLift(2, 3, 5, 1, 1)
	l2, _ := NewGaussianLift(1, 2, 5, 2, 1)
	l3, _ := NewGaussianLift(1, 2, 3, 3, 1)
	bad := &Lift{In: 1, Out: 1, K: 2, Dims: 1, Kernels: []float64{1}}
	for _, tc := range []struct {
		l     *Lift
		x     []float64
		m     int
		shape fft.Shape
	}{
		{l1, make([]float64, 2*4), 1, fft.Shape{4}},                 // kernel longer than T
		{l1, make([]float64, 2*9), 1, fft.Shape{10}},                // wrong input length
		{l1, make([]float64, 2*10), -1, fft.Shape{10}},              // negative m
		{l1, make([]float64, 2*10), 1, fft.Shape{2, 5}},             // 2-D shape for a 1-D lift
		{l1, make([]float64, 2), 1, fft.Shape{}},                    // empty shape for a 1-D lift
		{l2, make([]float64, 4*9), 1, fft.Shape{4, 9}},              // kernel taller than H
		{l2, make([]float64, 9*4), 1, fft.Shape{9, 4}},              // kernel wider than W
		{l2, make([]float64, 9*4), 1, fft.Shape{0, 4}},              // empty size
		{l3, make([]float64, 2*3*3), 1, fft.Shape{2, 3, 3}},         // kernel deeper than D
		{l3, make([]float64, 3*3*2), 1, fft.Shape{3, 3, 2}},         // kernel wider than W in 3-D
		{l3, make([]float64, 3*3*3), 1, fft.Shape{3, 9}},            // 2-D shape for a 3-D lift
		{l3, make([]float64, 3*3*3-1), 1, fft.Shape{3, 3, 3}},       // wrong input length in 3-D
		{bad, make([]float64, 3), 1, fft.Shape{3}},                  // malformed kernels
		{&Lift{In: 0, Out: 1, K: 1, Dims: 1}, nil, 0, fft.Shape{3}}, // in=0
		{&Lift{In: 1, Out: 1, K: 1, Dims: 0}, nil, 0, fft.Shape{}},  // dims=0
	} {
		if _, err := tc.l.Apply(nil, tc.x, tc.m, tc.shape, 1); err == nil {
			t.Errorf("Apply(%+v, len(x)=%d, m=%d, shape=%v): no error", *tc.l, len(tc.x), tc.m, tc.shape)
		}
	}
	mustPanic(t, "Apply short dst", func() { l1.Apply(make([]float64, 3), make([]float64, 20), 1, fft.Shape{10}, 1) })
}
