package datasets_test

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// polarImages returns a set of n 1×h×w images with pixel values from fill.
func polarImages(n, h, w int, fill func(k, i, j int) float64) *datasets.Set {
	s := &datasets.Set{Name: "images", X: make([]float64, n*h*w), Shape: []int{1, h, w},
		Labels: make([]int, n), Classes: []string{"a", "b"}}
	for k := range n {
		s.Labels[k] = k % 2
		for i := range h {
			for j := range w {
				s.X[(k*h+i)*w+j] = fill(k, i, j)
			}
		}
	}
	return s
}

// polarRandomImages returns n random 1×h×w images, seeded.
func polarRandomImages(n, h, w int, seed uint64) *datasets.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	return polarImages(n, h, w, func(_, _, _ int) float64 { return rng.Float64() })
}

// polarRot90 rotates the n×n images of s by 90° counter-clockwise as displayed,
// as np.rot90 does: out[i][j] = in[j][n−1−i].
func polarRot90(s *datasets.Set) *datasets.Set {
	n := s.Shape[1]
	out := *s
	out.X = make([]float64, len(s.X))
	for k := range s.Len() {
		in, o := s.X[k*n*n:], out.X[k*n*n:]
		for i := range n {
			for j := range n {
				o[i*n+j] = in[j*n+n-1-i]
			}
		}
	}
	return &out
}

// polarAt returns value [c][t] of sample k of a polar set.
func polarAt(p *datasets.Set, k, c, t int) float64 {
	return p.Row(k)[c*p.Shape[1]+t]
}

func TestPolarShapeLabels(t *testing.T) {
	s := polarRandomImages(3, 28, 28, 1)
	p, err := datasets.Polar(s, 15, 200)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Name != "images/polar" || !slices.Equal(p.Shape, []int{15, 200}) || p.Len() != 3 ||
		!slices.Equal(p.Labels, s.Labels) || !slices.Equal(p.Classes, s.Classes) {
		t.Fatalf("got %s shape %v labels %v classes %v", p.Name, p.Shape, p.Labels, p.Classes)
	}
	p.Labels[0], p.Classes[0] = 7, "changed"
	if s.Labels[0] == 7 || s.Classes[0] == "changed" {
		t.Error("the polar set shares labels or classes with its input")
	}
	// Odd sizes and one radius or one angle work too.
	for _, c := range [][4]int{{5, 7, 1, 1}, {28, 28, 1, 9}, {9, 4, 3, 1}} {
		p, err := datasets.Polar(polarRandomImages(2, c[0], c[1], 2), c[2], c[3])
		if err != nil || p.Validate() != nil || !slices.Equal(p.Shape, []int{c[2], c[3]}) {
			t.Errorf("%v: %v, shape %v", c, err, p.Shape)
		}
	}
}

func TestPolarErrors(t *testing.T) {
	good := polarRandomImages(2, 28, 28, 1)
	rgb := &datasets.Set{Name: "rgb", X: make([]float64, 2*3*4*4), Shape: []int{3, 4, 4}, Labels: []int{0, 1}, Classes: []string{"a", "b"}}
	flat := &datasets.Set{Name: "flat", X: make([]float64, 2*16), Shape: []int{16}, Labels: []int{0, 1}, Classes: []string{"a", "b"}}
	short := polarRandomImages(2, 28, 28, 1)
	short.X = short.X[:100]
	cases := []struct {
		name          string
		s             *datasets.Set
		radii, angles int
		want          string
	}{
		{"three channels", rgb, 15, 200, "1×H×W"},
		{"vectors", flat, 15, 200, "1×H×W"},
		{"no radii", good, 0, 200, "radii"},
		{"no angles", good, 15, 0, "angles"},
		{"short X", short, 15, 200, "values"},
	}
	for _, c := range cases {
		_, err := datasets.Polar(c.s, c.radii, c.angles)
		if err == nil || !strings.HasPrefix(err.Error(), "datasets: "+c.s.Name) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error naming %s and containing %q", c.name, err, c.s.Name, c.want)
		}
	}
}

// A radially symmetric image gives the same values at every angle: exactly
// at multiples of 90°, where the rotation maps the pixel grid onto itself,
// and up to the error of bilinear interpolation elsewhere.
func TestPolarRadial(t *testing.T) {
	const n, sigma = 28, 5.0
	c := float64(n-1) / 2
	s := polarImages(1, n, n, func(_, i, j int) float64 {
		r2 := (float64(i)-c)*(float64(i)-c) + (float64(j)-c)*(float64(j)-c)
		return math.Exp(-r2 / (2 * sigma * sigma))
	})
	p, err := datasets.Polar(s, 15, 9) // 0°, 45°, …, 360°
	if err != nil {
		t.Fatal(err)
	}
	for c := range 15 {
		for tt := range 9 {
			got, want := polarAt(p, 0, c, tt), polarAt(p, 0, c, 0)
			if tt%2 == 0 && got != want {
				t.Errorf("radius %d, angle %d×45°: %v, want %v exactly", c, tt, got, want)
			}
			// Bilinear interpolation is off by at most
			// (max|∂²f/∂x²| + max|∂²f/∂y²|)/8 = 2/(8σ²) = 0.01.
			if math.Abs(got-want) > 0.01 {
				t.Errorf("radius %d, angle %d×45°: %v, want %v ± 0.01", c, tt, got, want)
			}
		}
	}
}

// A single bright pixel shows up at the angle that brings it onto the
// sampled half-row, which tells the direction of rotation: counter-clockwise
// as displayed (row 0 at the top), as scipy.ndimage.rotate and np.rot90.
func TestPolarBrightPixel(t *testing.T) {
	// The sampled points are row 14, columns 0..14; column 7 is 6.5 pixels
	// left of the centre (13.5, 13.5) and half a pixel below it.
	cases := []struct {
		name     string
		row, col int
		t        int // index of the angle, in 90° steps, that brings it to [row 14][col 7]
	}{
		{"right of centre (3 o'clock)", 13, 20, 2}, // 180°
		{"above centre (12 o'clock)", 7, 13, 1},    // 12 o'clock turns to 9 o'clock by +90°
		{"below centre (6 o'clock)", 20, 14, 3},    // 270°
		{"on the sampled row", 14, 7, 0},           // 0° and 360°
	}
	for _, c := range cases {
		s := polarImages(1, 28, 28, func(_, i, j int) float64 {
			if i == c.row && j == c.col {
				return 1
			}
			return 0
		})
		p, err := datasets.Polar(s, 15, 5) // 0°, 90°, 180°, 270°, 360°
		if err != nil {
			t.Fatal(err)
		}
		for r := range 15 {
			for tt := range 5 {
				want := 0.0
				if r == 7 && (tt == c.t || (c.t == 0 && tt == 4)) {
					want = 1
				}
				if got := polarAt(p, 0, r, tt); got != want {
					t.Errorf("%s: [%d][%d×90°] = %v, want %v", c.name, r, tt, got, want)
				}
			}
		}
	}

	// In 1° steps, the pixel right of centre lights column 7 only around
	// 180°: it is 6.5 pixels from the centre, so the bilinear footprint of
	// ±1 pixel (±√2 on a diagonal) spans less than ±13°.
	s := polarImages(1, 28, 28, func(_, i, j int) float64 {
		if i == 13 && j == 20 {
			return 1
		}
		return 0
	})
	p, err := datasets.Polar(s, 15, 361)
	if err != nil {
		t.Fatal(err)
	}
	best := 0
	for tt := range 361 {
		v := polarAt(p, 0, 7, tt)
		if v > polarAt(p, 0, 7, best) {
			best = tt
		}
		if v != 0 && (tt < 180-13 || tt > 180+13) {
			t.Errorf("column 7 at %d° = %v, want 0 so far from 180°", tt, v)
		}
	}
	if best != 180 || polarAt(p, 0, 7, 180) != 1 {
		t.Errorf("column 7 peaks at %d° with %v, want 180° with 1", best, polarAt(p, 0, 7, best))
	}
}

// Rotating the input by 90° (np.rot90) shifts the output cyclically along
// the angles by a quarter turn, when the angle grid holds the multiples of
// 90°. The last angle, 360°, repeats the first, so the shift is cyclic over
// the first T−1 angles.
func TestPolarRotationIsShift(t *testing.T) {
	s := polarRandomImages(2, 28, 28, 3)
	for _, T := range []int{5, 9, 13} { // steps of 90°, 45°, 30°
		base, err := datasets.Polar(s, 15, T)
		if err != nil {
			t.Fatal(err)
		}
		quarter := (T - 1) / 4
		r := s
		for k := 1; k <= 3; k++ {
			r = polarRot90(r)
			p, err := datasets.Polar(r, 15, T)
			if err != nil {
				t.Fatal(err)
			}
			for i := range s.Len() {
				for c := range 15 {
					for tt := range T {
						got := polarAt(p, i, c, tt)
						want := polarAt(base, i, c, (tt+k*quarter)%(T-1))
						if math.Abs(got-want) > 1e-12 {
							t.Fatalf("T=%d, rotated %d×90°: sample %d [%d][%d] = %v, want [%d][%d] = %v",
								T, k, i, c, tt, got, c, (tt+k*quarter)%(T-1), want)
						}
					}
				}
			}
		}
	}
}

// Bilinear interpolation reproduces a linear image exactly wherever its
// four neighbours lie inside the image: here, at every sampled column but
// column 0, whose rotations can fall a hair outside. The value is that of
// the original at the sampled point turned clockwise by θ about the centre.
func TestPolarLinearImage(t *testing.T) {
	const n, T = 28, 7 // 60° steps
	f := func(row, col float64) float64 { return 1 + 0.5*col + 0.25*row }
	s := polarImages(1, n, n, func(_, i, j int) float64 { return f(float64(i), float64(j)) })
	p, err := datasets.Polar(s, 15, T)
	if err != nil {
		t.Fatal(err)
	}
	centre := complex(float64(n-1)/2, float64(n-1)/2) // (column, row)
	for tt := range T {
		theta := float64(tt) * 60 * math.Pi / 180
		for c := 1; c < 15; c++ {
			// Points as complex numbers column + i·row: with rows pointing
			// down, a clockwise turn as displayed multiplies by e^{iθ}.
			src := centre + (complex(float64(c), 14)-centre)*cmplx.Rect(1, theta)
			want := f(imag(src), real(src))
			if got := polarAt(p, 0, c, tt); math.Abs(got-want) > 1e-12 {
				t.Errorf("[%d][%d°] = %v, want %v", c, tt*60, got, want)
			}
		}
	}
}

func BenchmarkPolarMNIST(b *testing.B) {
	s := polarRandomImages(100, 28, 28, 1)
	for b.Loop() {
		if _, err := datasets.Polar(s, 15, 200); err != nil {
			b.Fatal(err)
		}
	}
}
