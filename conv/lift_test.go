package conv

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveLift computes the lifting the way SPEC §3.1 states it: pad each
// channel circularly by k−1 on the right (and bottom), then a "valid"
// cross-correlation, then ReLU. Loops run output position first, summing
// every term into one accumulator in (c, u, v) order. It also returns each
// output's rounding scale, the sum of the magnitudes of its terms.
func naiveLift(l *Lift, x []float64, m int, shape []int) (out, scale []float64) {
	h, w := 1, shape[0]
	if len(shape) == 2 {
		h, w = shape[0], shape[1]
	}
	k := l.K
	kh := k
	if l.Dims == 1 {
		kh = 1
	}
	ph, pw := h+kh-1, w+k-1
	out = make([]float64, m*l.Out*h*w)
	scale = make([]float64, len(out))
	for i := 0; i < m; i++ {
		// Explicit circular padding of every channel.
		pad := make([][]float64, l.In)
		for c := range pad {
			pad[c] = make([]float64, ph*pw)
			for y := 0; y < ph; y++ {
				for xx := 0; xx < pw; xx++ {
					pad[c][y*pw+xx] = x[((i*l.In+c)*h+y%h)*w+xx%w]
				}
			}
		}
		for o := 0; o < l.Out; o++ {
			for y := 0; y < h; y++ {
				for xx := 0; xx < w; xx++ {
					var s, a float64
					for c := 0; c < l.In; c++ {
						for u := 0; u < kh; u++ {
							for v := 0; v < k; v++ {
								term := l.Kernels[((o*l.In+c)*kh+u)*k+v] * pad[c][(y+u)*pw+xx+v]
								s += term
								a += math.Abs(term)
							}
						}
					}
					out[((i*l.Out+o)*h+y)*w+xx] = max(s, 0)
					scale[((i*l.Out+o)*h+y)*w+xx] = a
				}
			}
		}
	}
	return out, scale
}

// liftCases are (in, out, k, shape) with odd sizes, kernels of every
// remainder of the 4-way tap unrolling, and k equal to the signal size.
var liftCases = []struct {
	in, out, k int
	shape      []int
}{
	{1, 1, 1, []int{1}},
	{1, 3, 3, []int{7}},
	{2, 3, 5, []int{13}},
	{3, 2, 6, []int{6}},
	{15, 4, 5, []int{20}},
	{1, 2, 1, []int{3, 4}},
	{2, 3, 3, []int{5, 7}},
	{1, 4, 9, []int{9, 11}},
	{3, 2, 4, []int{4, 5}},
	{2, 2, 7, []int{8, 7}},
}

func TestLiftNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(111, 112))
	for ci, tc := range liftCases {
		l, err := NewGaussianLift(tc.in, tc.out, tc.k, len(tc.shape), uint64(ci))
		if err != nil {
			t.Fatal(err)
		}
		m := 3
		x := randReal(rng, m*tc.in*signalLen(tc.shape))
		got, err := l.Apply(nil, x, m, tc.shape, 2)
		if err != nil {
			t.Fatal(err)
		}
		want, scale := naiveLift(l, x, m, tc.shape)
		zeros := 0
		for i := range want {
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

func TestLiftShiftEquivariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(121, 122))
	for ci, tc := range liftCases {
		l, _ := NewGaussianLift(tc.in, tc.out, tc.k, len(tc.shape), 7)
		x := randReal(rng, tc.in*signalLen(tc.shape))
		y, err := l.Apply(nil, x, 1, tc.shape, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range [][2]int{{1, 0}, {0, 1}, {-2, 3}, {5, -4}, {17, 9}} {
			var xs, ys []float64
			if len(tc.shape) == 1 {
				xs = Shift1D(nil, x, tc.in, tc.shape[0], s[0]+s[1])
				ys = Shift1D(nil, y, tc.out, tc.shape[0], s[0]+s[1])
			} else {
				h, w := tc.shape[0], tc.shape[1]
				xs = Shift2D(nil, x, tc.in, h, w, s[0], s[1])
				ys = Shift2D(nil, y, tc.out, h, w, s[0], s[1])
			}
			got, err := l.Apply(nil, xs, 1, tc.shape, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, ys) {
				t.Fatalf("case %d shift %v: Lift(Shift(x)) != Shift(Lift(x))", ci, s)
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
	// The documented generator, drawn in row-major order.
	rng := rand.New(rand.NewPCG(42, 0x5eed))
	for i, v := range a.Kernels {
		if want := rng.NormFloat64(); v != want {
			t.Fatalf("kernel weight %d = %g, want the generator's %g", i, v, want)
		}
	}

	// Results do not depend on the number of workers.
	rng2 := rand.New(rand.NewPCG(131, 132))
	x := randReal(rng2, 9*3*6*7)
	y1, _ := a.Apply(nil, x, 9, []int{6, 7}, 1)
	y4, _ := a.Apply(nil, x, 9, []int{6, 7}, 4)
	if !slices.Equal(y1, y4) {
		t.Error("Apply depends on the worker count")
	}
	dst := make([]float64, len(y1))
	if got, _ := a.Apply(dst, x, 9, []int{6, 7}, 0); &got[0] != &dst[0] || !slices.Equal(got, y1) {
		t.Error("Apply into dst differs")
	}
}

func TestLiftErrors(t *testing.T) {
	for _, tc := range []struct{ in, out, k, dims int }{
		{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 2}, {1, 1, 1, 0}, {1, 1, 1, 3},
	} {
		if _, err := NewGaussianLift(tc.in, tc.out, tc.k, tc.dims, 1); err == nil {
			t.Errorf("NewGaussianLift%v: no error", tc)
		}
	}
	l1, _ := NewGaussianLift(2, 3, 5, 1, 1)
	l2, _ := NewGaussianLift(1, 2, 5, 2, 1)
	bad := &Lift{In: 1, Out: 1, K: 2, Dims: 1, Kernels: []float64{1}}
	for _, tc := range []struct {
		l     *Lift
		x     []float64
		m     int
		shape []int
	}{
		{l1, make([]float64, 2*4), 1, []int{4}},                 // kernel longer than T
		{l1, make([]float64, 2*9), 1, []int{10}},                // wrong input length
		{l1, make([]float64, 2*10), -1, []int{10}},              // negative m
		{l1, make([]float64, 2*10), 1, []int{2, 5}},             // 2-D shape for a 1-D lift
		{l2, make([]float64, 4*9), 1, []int{4, 9}},              // kernel taller than H
		{l2, make([]float64, 9*4), 1, []int{9, 4}},              // kernel wider than W
		{l2, make([]float64, 9*4), 1, []int{0, 4}},              // empty size
		{bad, make([]float64, 3), 1, []int{3}},                  // malformed kernels
		{&Lift{In: 0, Out: 1, K: 1, Dims: 1}, nil, 0, []int{3}}, // in=0
	} {
		if _, err := tc.l.Apply(nil, tc.x, tc.m, tc.shape, 1); err == nil {
			t.Errorf("Apply(%+v, len(x)=%d, m=%d, shape=%v): no error", *tc.l, len(tc.x), tc.m, tc.shape)
		}
	}
	mustPanic(t, "Apply short dst", func() { l1.Apply(make([]float64, 3), make([]float64, 20), 1, []int{10}, 1) })
}
