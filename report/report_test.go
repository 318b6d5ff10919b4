package report

import (
	"errors"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// outDir returns the directory for test figures: $REPORT_PNG_DIR if set (to
// look at them), else a fresh temporary directory.
func outDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("REPORT_PNG_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}

// checkPNG decodes the PNG at path and checks its size and that it is not a
// single colour.
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("%s is %dx%d, want %dx%d", path, b.Dx(), b.Dy(), w, h)
	}
	if n := countColors(img, 3); n < 3 {
		t.Errorf("%s has %d distinct colours, want several", path, n)
	}
}

// countColors returns the number of distinct colours of img, stopping at
// limit.
func countColors(img image.Image, limit int) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// noTemps fails if dir holds anything but the files want.
func noTemps(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("directory holds %q, want %q", got, want)
	}
}

// gaussianRates returns rate curves shaped like a ReduNet run on the
// Gaussian 3-D data, approaching the closed-form limits of the Gaussian
// experiments.
func gaussianRates(n int) (x []float64, s []Series) {
	x = make([]float64, n)
	names := []string{"ΔR (train)", "R (train)", "Rc (train)", "ΔR (test)", "R (test)", "Rc (test)"}
	lim := []float64{1.8798, 3.5968, 1.7170}
	start := []float64{0.3, 3.2, 2.9}
	s = make([]Series, len(names))
	for k := range s {
		s[k].Name = names[k]
		s[k].Y = make([]float64, n)
		for i := range n {
			x[i] = float64(i + 1)
			f := 1 - math.Exp(-float64(i)/float64(n)*6)
			off := 0.0
			if k >= 3 {
				off = -0.05
			}
			s[k].Y[i] = start[k%3] + (lim[k%3]-start[k%3])*f + off
		}
	}
	return x, s
}

// blobs returns m samples in d dimensions near k orthogonal directions,
// labels interleaved (so the heatmap has to sort them).
func blobs(m, d, k int, seed uint64) ([]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, m*d)
	lab := make([]int, m)
	for i := range m {
		lab[i] = i % k
		for j := range d {
			x[i*d+j] = 0.25 * rng.NormFloat64()
		}
		x[i*d+lab[i]%d] += 1
	}
	return x, lab
}

func TestCurves(t *testing.T) {
	dir := outDir(t)
	x, s := gaussianRates(200)
	p := filepath.Join(dir, "curves.png")
	if err := Curves(p, "Gaussian 3-D: rates per layer", "", "rate (nats)", x, s...); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 600, 400)
	p2 := filepath.Join(dir, "curves_refs.png")
	refs := []Ref{{"ΔR limit", 1.8798}, {"R limit", 3.5968}, {"Rc limit", 1.7170}}
	if err := CurvesWithRefs(p2, "with limits", "layer", "rate", x, s, refs); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p2, 600, 400)
}

func TestCurvesErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.png")
	x := []float64{1, 2, 3}
	for _, tc := range []struct {
		name   string
		x      []float64
		series []Series
		refs   []Ref
	}{
		{"no x", nil, []Series{{"a", nil}}, nil},
		{"nothing", x, nil, nil},
		{"length", x, []Series{{"a", []float64{1, 2}}}, nil},
		{"Inf", x, []Series{{"a", []float64{1, math.Inf(-1), 3}}}, nil},
		{"all NaN", x, []Series{{"a", []float64{math.NaN(), math.NaN(), math.NaN()}}}, nil},
		{"Inf x", []float64{1, math.Inf(1), 3}, []Series{{"a", x}}, nil},
		{"NaN ref", x, []Series{{"a", x}}, []Ref{{"r", math.NaN()}}},
	} {
		err := CurvesWithRefs(p, "", "", "", tc.x, tc.series, tc.refs)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want an error naming %s", tc.name, err, p)
		}
	}
	noTemps(t, dir)
	// A NaN is a missing value: the curve joins the others.
	if err := Curves(p, "gaps", "", "", x, Series{"a", []float64{math.NaN(), 2, 3}}, Series{"a (all shifts)", x},
		Series{"b", []float64{1, math.NaN(), math.NaN()}}); err != nil {
		t.Errorf("a series with a missing value: %v", err)
	}
	checkPNG(t, p, 600, 400)
}

func TestUnwritablePath(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-dir", "f.png")
	x, s := gaussianRates(10)
	if err := Curves(missing, "", "", "", x, s...); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Curves into a missing directory: err = %v", err)
	}
	// A read-only directory (skipped when running as root, who may write anyway).
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(ro, "f.png")
	err := Curves(p, "", "", "", x, s...)
	if os.Geteuid() != 0 && err == nil {
		t.Errorf("Curves into a read-only directory succeeded")
	}
	if err == nil {
		os.Remove(p)
	}
	noTemps(t, ro)
	// Renaming over a directory fails after the temporary file is written:
	// the temporary file must be removed.
	target := filepath.Join(dir, "target.png")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Curves(target, "", "", "", x, s...); err == nil || !strings.Contains(err.Error(), target) {
		t.Errorf("Curves over a non-empty directory: err = %v", err)
	}
	noTemps(t, dir, "ro", "target.png")
}

func TestAtomicOverwrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.png")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	x, s := gaussianRates(20)
	if err := Curves(p, "t", "", "", x, s...); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 600, 400)
	// A failing call leaves the previous file as it was.
	if err := Curves(p, "t", "", "", x, Series{"bad", []float64{1}}); err == nil {
		t.Fatal("mismatched series accepted")
	}
	checkPNG(t, p, 600, 400)
	noTemps(t, dir, "f.png")
}

func TestSimilarityHeatmap(t *testing.T) {
	dir := outDir(t)
	x, lab := blobs(300, 8, 3, 1)
	p := filepath.Join(dir, "heatmap.png")
	if err := SimilarityHeatmap(p, "features", x, 8, lab); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 600, 600)

	// More than MaxHeatmapRows samples are subsampled.
	x, lab = blobs(2600, 4, 10, 2)
	p = filepath.Join(dir, "heatmap_big.png")
	if err := SimilarityHeatmap(p, "", x, 4, lab); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 600, 600)
}

func TestSimilarityHeatmapErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "h.png")
	x := []float64{1, 0, 0, 1, 1, 1}
	for _, tc := range []struct {
		name string
		x    []float64
		d    int
		lab  []int
	}{
		{"d=0", x, 0, []int{0, 1, 0}},
		{"ragged", x, 4, []int{0}},
		{"empty", nil, 2, nil},
		{"labels", x, 2, []int{0, 1}},
		{"NaN", []float64{1, 0, math.NaN(), 1}, 2, []int{0, 1}},
	} {
		if err := SimilarityHeatmap(p, "", tc.x, tc.d, tc.lab); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want an error naming %s", tc.name, err, p)
		}
	}
	noTemps(t, dir)
}

func TestClassOrder(t *testing.T) {
	labels := []int{2, 0, 1, 0, 2, 1, 0}
	order, classes, starts := classOrder(labels)
	// Stable: within a class the original order is kept.
	if want := []int{1, 3, 6, 2, 5, 0, 4}; !slices.Equal(order, want) {
		t.Errorf("order = %v, want %v", order, want)
	}
	if want := []int{0, 1, 2}; !slices.Equal(classes, want) {
		t.Errorf("classes = %v, want %v", classes, want)
	}
	if want := []int{0, 3, 5, 7}; !slices.Equal(starts, want) {
		t.Errorf("starts = %v, want %v", starts, want)
	}
	// Negative labels sort first.
	if order, classes, _ := classOrder([]int{5, -3}); !slices.Equal(order, []int{1, 0}) || !slices.Equal(classes, []int{-3, 5}) {
		t.Errorf("negative labels: order %v classes %v", order, classes)
	}
}

func TestSubsampleByClass(t *testing.T) {
	// 3 classes of 600, 300 and 100 samples capped to 100: quotas 60, 30, 10.
	var labels []int
	for c, n := range []int{600, 300, 100} {
		for range n {
			labels = append(labels, c)
		}
	}
	order, _, starts := classOrder(labels)
	sub, subStarts := subsampleByClass(order, starts, 100)
	if len(sub) != 100 {
		t.Fatalf("len(sub) = %d, want 100", len(sub))
	}
	if want := []int{0, 60, 90, 100}; !slices.Equal(subStarts, want) {
		t.Errorf("starts = %v, want %v", subStarts, want)
	}
	// Evenly spaced within a class: every 10th of class 0.
	if sub[0] != 0 || sub[1] != 10 || sub[59] != 590 || sub[60] != 600 {
		t.Errorf("sub = %v…", sub[:4])
	}
	for k := 1; k < len(sub); k++ {
		if labels[sub[k]] < labels[sub[k-1]] {
			t.Fatalf("subsample not sorted by class at %d", k)
		}
	}
	// Unequal remainders: 7 classes of 3 into 10 rows.
	labels = labels[:0]
	for i := range 21 {
		labels = append(labels, i/3)
	}
	order, _, starts = classOrder(labels)
	if sub, _ := subsampleByClass(order, starts, 10); len(sub) != 10 {
		t.Errorf("len(sub) = %d, want 10", len(sub))
	}
}

func TestSimilarityMatrix(t *testing.T) {
	// Rows (1,0), (0,2), (3,3), (0,0); order 2, 0, 1, 3.
	x := []float64{1, 0, 0, 2, 3, 3, 0, 0}
	s := similarityMatrix(x, 2, []int{2, 0, 1, 3})
	r := 1 / math.Sqrt2
	want := []float64{
		1, r, r, 0,
		r, 1, 0, 0,
		r, 0, 1, 0,
		0, 0, 0, 0,
	}
	for i := range want {
		if math.Abs(s[i]-want[i]) > 1e-15 {
			t.Fatalf("s = %v, want %v", s, want)
		}
	}
	// The same through the subsampled (copying) path.
	s = similarityMatrix(x, 2, []int{2, 0})
	if want := []float64{1, r, r, 1}; !approxEqual(s, want) {
		t.Errorf("subset s = %v, want %v", s, want)
	}
}

func TestCrossSimilarities(t *testing.T) {
	// a: (1,0) label 0, (1,1) label 1, (0,0) label 0.
	// b: (2,0) label 0, (0,-3) label 1.
	a := []float64{1, 0, 1, 1, 0, 0}
	b := []float64{2, 0, 0, -3}
	same, diff := CrossSimilarities(a, []int{0, 1, 0}, b, []int{0, 1}, 2)
	r := 1 / math.Sqrt2
	// Pairs in row-major order: (a0,b0) same 1, (a0,b1) diff 0,
	// (a1,b0) diff r, (a1,b1) same r, (a2,b0) same 0, (a2,b1) diff 0.
	wantSame, wantDiff := []float64{1, r, 0}, []float64{0, r, 0}
	if !approxEqual(same, wantSame) || !approxEqual(diff, wantDiff) {
		t.Errorf("same %v diff %v, want %v %v", same, diff, wantSame, wantDiff)
	}
}

func TestCrossSimilaritiesCap(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	// 1500 × 1500 pairs exceed MaxCrossPairs; d = 2 keeps it fast.
	a, la := blobs(1500, 2, 2, 3)
	same, diff := CrossSimilarities(a, la, a, la, 2)
	n := len(same) + len(diff)
	if n > MaxCrossPairs || n < MaxCrossPairs*99/100 {
		t.Errorf("%d pairs, want at most and about %d", n, MaxCrossPairs)
	}
	for _, v := range append(same, diff...) {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("similarity %v outside [0, 1]", v)
		}
	}
	// Deterministic.
	same2, _ := CrossSimilarities(a, la, a, la, 2)
	if !slices.Equal(same, same2) {
		t.Error("CrossSimilarities is not deterministic")
	}
}

func TestCrossRows(t *testing.T) {
	for _, c := range [][2]int{{2000, 2000}, {1_000_000, 10}, {10, 1_000_000}, {5, 5}, {3_000_000, 1}} {
		ra, rb := crossRows(c[0], c[1], MaxCrossPairs)
		if ra < 1 || rb < 1 || ra > c[0] || rb > c[1] || ra*rb > MaxCrossPairs {
			t.Errorf("crossRows(%d, %d) = %d, %d", c[0], c[1], ra, rb)
		}
	}
}

func TestCrossSimilaritiesPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"d":      func() { CrossSimilarities([]float64{1}, []int{0}, []float64{1}, []int{0}, 0) },
		"ragged": func() { CrossSimilarities([]float64{1, 2, 3}, []int{0}, []float64{1, 2}, []int{0}, 2) },
		"labels": func() { CrossSimilarities([]float64{1, 2}, []int{0, 1}, []float64{1, 2}, []int{0}, 2) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", name)
				} else if s, _ := r.(string); !strings.HasPrefix(s, "report: ") {
					t.Errorf("%s: panic %v lacks the package prefix", name, r)
				}
			}()
			f()
		}()
	}
}

func TestSimilarityHistogram(t *testing.T) {
	dir := outDir(t)
	x, lab := blobs(400, 16, 4, 4)
	same, diff := CrossSimilarities(x[:200*16], lab[:200], x[200*16:], lab[200:], 16)
	p := filepath.Join(dir, "hist.png")
	if err := SimilarityHistogram(p, "test vs train", HistGroup{"same class", same}, HistGroup{"different class", diff}, HistGroup{"empty", nil}); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 600, 400)
}

func TestSimilarityHistogramErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "h.png")
	for name, g := range map[string][]HistGroup{
		"none":  nil,
		"empty": {{"a", nil}},
		"NaN":   {{"a", []float64{0.5, math.NaN()}}},
	} {
		err := SimilarityHistogram(p, "", g...)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v", name, err)
		}
		if name != "NaN" && !errors.Is(err, errEmpty) {
			t.Errorf("%s: err = %v, want errEmpty", name, err)
		}
	}
	noTemps(t, dir)
}

func TestDensity(t *testing.T) {
	// 4 values on [0, 1] with 2 bins of width 0.5: 1 and 3 values,
	// densities 1/(4·0.5) = 0.5 and 1.5; 1 falls in the last bin.
	h := density([]float64{0.1, 0.5, 0.9, 1}, 0, 1, 2)
	if !approxEqual(h, []float64{0.5, 1.5}) {
		t.Errorf("density = %v", h)
	}
}

func TestBars(t *testing.T) {
	dir := outDir(t)
	p := filepath.Join(dir, "bars.png")
	labels := []string{"SVM", "5-NN", "subspace", "ReduNet"}
	groups := []Series{
		{"raw (train)", []float64{1, 0.95, 0.97, 0.5}},
		{"features (test)", []float64{0.91, 0.93, 0.95, 0.92}},
		{"features (shifted)", []float64{0.90, 0.92, 0.94, 0.91}},
	}
	if err := Bars(p, "accuracy, translation-invariant MNIST", labels, groups); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 600, 400)
	for name, g := range map[string][]Series{
		"length": {{"a", []float64{1}}},
		"range":  {{"a", []float64{1, 1, 1, 1.5}}},
		"Inf":    {{"a", []float64{1, 1, math.Inf(1), 1}}},
	} {
		if err := Bars(p, "", labels, g); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// NaN is a missing value: no bar, no error.
	missing := []Series{{"a", []float64{1, math.NaN(), 0.5, 1}}, {"b", []float64{math.NaN(), 0.2, 0.3, 0.4}}}
	if err := Bars(p, "", labels, missing); err != nil {
		t.Errorf("missing values: %v", err)
	}
	checkPNG(t, p, 600, 400)
	if err := Bars(p, "", nil, groups); err == nil {
		t.Error("no labels: no error")
	}
}

func TestSplitTestAndRefColor(t *testing.T) {
	for _, c := range []struct {
		in, base string
		test     bool
	}{
		{"ΔR (test)", "ΔR", true}, {"ΔR (train)", "ΔR", false}, {"R", "R", false},
	} {
		if b, tt := splitTest(c.in); b != c.base || tt != c.test {
			t.Errorf("splitTest(%q) = %q, %v", c.in, b, tt)
		}
	}
	order := []string{"ΔR", "R", "Rc"}
	for name, want := range map[string]int{"Rc limit": 2, "R limit": 1, "ΔR": 0, "other": -1, "Rcx": -1} {
		if i, _ := refColor(name, order); i != want {
			t.Errorf("refColor(%q) = %d, want %d", name, i, want)
		}
	}
}

func approxEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}
