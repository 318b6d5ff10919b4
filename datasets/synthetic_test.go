package datasets_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

func TestGaussianSpheres(t *testing.T) {
	cases := []struct {
		name    string
		gen     func(perClass int, sigma float64, seed uint64) *datasets.Set
		d       int
		classes []string
	}{
		{"gaussian-circle", datasets.GaussianCircle, 2, []string{"e1", "e2"}},
		{"gaussian-sphere", datasets.GaussianSphere, 3, []string{"e1", "e2", "e3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const perClass, sigma = 500, 0.1 // the paper's setting
			s := c.gen(perClass, sigma, 1)
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			if s.Name != c.name || !slices.Equal(s.Shape, []int{c.d}) || s.Len() != c.d*perClass ||
				!slices.Equal(s.Classes, c.classes) {
				t.Fatalf("got %s shape %v len %d classes %v", s.Name, s.Shape, s.Len(), s.Classes)
			}
			mean := make([]float64, c.d*c.d)
			for i := range s.Len() {
				if want := i / perClass; s.Labels[i] != want {
					t.Fatalf("label %d = %d, want %d (grouped by class)", i, s.Labels[i], want)
				}
				x := s.Row(i)
				if n := math.Sqrt(synthDot(x, x)); math.Abs(n-1) > 1e-12 {
					t.Fatalf("sample %d has norm %v", i, n)
				}
				for j, v := range x {
					mean[s.Labels[i]*c.d+j] += v / perClass
				}
			}
			// The mean of a class is its centre, shrunk by the projection by
			// about (d−1)σ²/2 ≤ 0.01, give or take σ/√500 ≈ 0.0045 per
			// coordinate: 0.03 is more than 4 standard errors away.
			for k := range c.d {
				for j := range c.d {
					want := 0.0
					if j == k {
						want = 1
					}
					if got := mean[k*c.d+j]; math.Abs(got-want) > 0.03 {
						t.Errorf("class %d: mean[%d] = %v, want %v ± 0.03", k, j, got, want)
					}
				}
			}
			if again := c.gen(perClass, sigma, 1); !slices.Equal(again.X, s.X) {
				t.Error("the same seed gave a different set")
			}
			if other := c.gen(perClass, sigma, 2); slices.Equal(other.X, s.X) {
				t.Error("seeds 1 and 2 gave the same set")
			}
			// No noise puts every sample on its centre.
			exact := c.gen(2, 0, 1)
			for i := range exact.Len() {
				for j, v := range exact.Row(i) {
					if want := synthB2F(j == exact.Labels[i]); v != want {
						t.Fatalf("sigma 0: sample %d = %v", i, exact.Row(i))
					}
				}
			}
			if empty := c.gen(0, sigma, 1); empty.Len() != 0 || empty.Validate() != nil {
				t.Errorf("perClass 0: len %d, %v", empty.Len(), empty.Validate())
			}
		})
	}
}

func TestSinusoids(t *testing.T) {
	const perClass, T = 400, 150 // the paper's setting
	clean := datasets.Sinusoids(perClass, T, 0, 1)
	if err := clean.Validate(); err != nil {
		t.Fatal(err)
	}
	if clean.Name != "sinusoids" || !slices.Equal(clean.Shape, []int{1, T}) || clean.Len() != 2*perClass ||
		!slices.Equal(clean.Classes, []string{"sin", "square"}) {
		t.Fatalf("got %s shape %v len %d classes %v", clean.Name, clean.Shape, clean.Len(), clean.Classes)
	}
	for i := range clean.Len() {
		if want := i / perClass; clean.Labels[i] != want {
			t.Fatalf("label %d = %d, want %d (grouped by class)", i, clean.Labels[i], want)
		}
		x := clean.Row(i)
		for j := range T {
			switch clean.Labels[i] {
			case 0:
				if math.Abs(x[j]) > 1 {
					t.Fatalf("sin sample %d: x[%d] = %v", i, j, x[j])
				}
			case 1:
				// Half a period apart (T/2 samples, as the grid excludes
				// 2π), opposite signs.
				if x[j] != -1 && x[j] != 1 || x[j] != -x[(j+T/2)%T] {
					t.Fatalf("square sample %d: x[%d] = %v, x[%d] = %v", i, j, x[j], (j+T/2)%T, x[(j+T/2)%T])
				}
			}
		}
		if clean.Labels[i] == 0 {
			// Half a period apart the sine changes sign; and the signal is
			// sin(x+φ): its correlations with sin x and cos x give back φ.
			var a, b float64
			for j := range T {
				if d := x[j] + x[(j+T/2)%T]; math.Abs(d) > 1e-12 {
					t.Fatalf("sin sample %d: x[%d] + x[%d] = %v", i, j, (j+T/2)%T, d)
				}
				a += x[j] * math.Cos(2*math.Pi*float64(j)/T) * 2 / T // sin φ
				b += x[j] * math.Sin(2*math.Pi*float64(j)/T) * 2 / T // cos φ
			}
			phi := math.Atan2(a, b)
			for j := range T {
				if want := math.Sin(2*math.Pi*float64(j)/T + phi); math.Abs(x[j]-want) > 1e-9 {
					t.Fatalf("sin sample %d: x[%d] = %v, want sin(x+%v) = %v", i, j, x[j], phi, want)
				}
			}
		}
	}

	// The noise is added to the same signals: the same seed draws the same
	// phases whatever the noise level. Its standard deviation is 0.1 ± 1%
	// over 120,000 draws (the standard error is 0.1/√240000 ≈ 0.0002).
	noisy := datasets.Sinusoids(perClass, T, 0.1, 1)
	var ss float64
	for i, v := range noisy.X {
		ss += (v - clean.X[i]) * (v - clean.X[i])
	}
	if sd := math.Sqrt(ss / float64(len(noisy.X))); math.Abs(sd-0.1) > 0.001 {
		t.Errorf("noise standard deviation %v, want 0.1", sd)
	}
	if again := datasets.Sinusoids(perClass, T, 0.1, 1); !slices.Equal(again.X, noisy.X) {
		t.Error("the same seed gave a different set")
	}
	if other := datasets.Sinusoids(perClass, T, 0.1, 2); slices.Equal(other.X, noisy.X) {
		t.Error("seeds 1 and 2 gave the same set")
	}
}

// Load draws the synthetic sets with the paper's settings by default, from
// seed 1 for "train" and seed 2 for "test", and takes options.
func TestSyntheticSources(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		source string
		def    *datasets.Set // Load(source, "train") with no options
		test   *datasets.Set // Load(source, "test") with no options
		small  *datasets.Set // with PerClass(3), Seed(9), Noise(0.5), SignalLength(20)
	}{
		{"gaussian2d", datasets.GaussianCircle(500, 0.1, 1), datasets.GaussianCircle(500, 0.1, 2), datasets.GaussianCircle(3, 0.5, 9)},
		{"gaussian3d", datasets.GaussianSphere(500, 0.1, 1), datasets.GaussianSphere(500, 0.1, 2), datasets.GaussianSphere(3, 0.5, 9)},
		{"sinusoid", datasets.Sinusoids(400, 150, 0.1, 1), datasets.Sinusoids(400, 150, 0.1, 2), datasets.Sinusoids(3, 20, 0.5, 9)},
	}
	same := func(got, want *datasets.Set, name string) bool {
		return got.Name == name && slices.Equal(got.X, want.X) && slices.Equal(got.Shape, want.Shape) &&
			slices.Equal(got.Labels, want.Labels) && slices.Equal(got.Classes, want.Classes)
	}
	for _, c := range cases {
		for split, want := range map[string]*datasets.Set{"train": c.def, "test": c.test} {
			s, err := datasets.Load(ctx, c.source, split)
			if err != nil || !same(s, want, want.Name+"/"+split) {
				t.Errorf("%s %s: got %v, want %s drawn with the defaults", c.source, split, err, want.Name)
			}
		}
		opts := []datasets.Option{datasets.PerClass(3), datasets.Seed(9), datasets.Noise(0.5), datasets.SignalLength(20)}
		s, err := datasets.Load(ctx, c.source, "train", opts...)
		if err != nil || !same(s, c.small, c.small.Name+"/train") {
			t.Errorf("%s with options: got %v", c.source, err)
		}
		// Limit keeps the first samples, all of class 0 here.
		s, err = datasets.Load(ctx, c.source, "train", append(opts, datasets.Limit(2))...)
		if err != nil || s.Len() != 2 || s.Validate() != nil || !slices.Equal(s.X, c.small.X[:2*s.Dim()]) ||
			!slices.Equal(s.Labels, []int{0, 0}) || len(s.Classes) != len(c.small.Classes) {
			t.Errorf("%s with Limit(2): got %v", c.source, err)
		}
		// A bad noise level is an error, not a panic.
		for _, noise := range []float64{-0.1, math.NaN(), math.Inf(1)} {
			_, err := datasets.Load(ctx, c.source, "train", datasets.Noise(noise))
			if msg := errText(err, c.source+": noise level"); msg != "" {
				t.Errorf("%s with Noise(%v): %s", c.source, noise, msg)
			}
		}
	}
	// SignalLength(n <= 0) keeps the default length.
	if s, err := datasets.Load(ctx, "sinusoid", "test", datasets.PerClass(1), datasets.SignalLength(-3)); err != nil ||
		!slices.Equal(s.Shape, []int{1, 150}) {
		t.Errorf("SignalLength(-3): %v", err)
	}
}

func TestSyntheticPanics(t *testing.T) {
	cases := map[string]func(){
		"circle perClass -1":  func() { datasets.GaussianCircle(-1, 0.1, 1) },
		"circle sigma -0.1":   func() { datasets.GaussianCircle(1, -0.1, 1) },
		"sphere sigma NaN":    func() { datasets.GaussianSphere(1, math.NaN(), 1) },
		"sphere sigma +Inf":   func() { datasets.GaussianSphere(1, math.Inf(1), 1) },
		"sinusoids t 0":       func() { datasets.Sinusoids(1, 0, 0.1, 1) },
		"sinusoids noise -1":  func() { datasets.Sinusoids(1, 10, -1, 1) },
		"sinusoids perClass":  func() { datasets.Sinusoids(-2, 10, 0.1, 1) },
		"sinusoids noise NaN": func() { datasets.Sinusoids(1, 10, math.NaN(), 1) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				r := recover()
				if msg, ok := r.(string); !ok || !strings.HasPrefix(msg, "datasets: ") {
					t.Errorf("%s: recovered %v, want a panic starting \"datasets: \"", name, r)
				}
			}()
			f()
		}()
	}
}

// synthDot returns the dot product of x and y.
func synthDot(x, y []float64) float64 {
	var s float64
	for i := range x {
		s += x[i] * y[i]
	}
	return s
}

// synthB2F returns 1 for true and 0 for false.
func synthB2F(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
