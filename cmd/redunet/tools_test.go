package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

// toolModels are the small models the tests of features, predict and info
// use, by architecture, with the train flags that build them.
var toolModels = []struct {
	arch string
	args []string
}{
	{"vector", []string{"-classes", "0,1", "-train-per-class", "8", "-layers", "2"}},
	{"conv2d", []string{"-arch", "conv2d", "-channels", "3", "-kernel", "3", "-layers", "2", "-train-per-class", "5"}},
	{"conv1d", []string{"-arch", "conv1d", "-channels", "3", "-kernel", "3", "-radii", "5", "-angles", "16", "-layers", "2", "-train-per-class", "5"}},
}

// trainToolModels trains the models of toolModels into dir and returns
// their paths by architecture.
func trainToolModels(t *testing.T, dir string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	for _, tm := range toolModels {
		p := filepath.Join(dir, tm.arch+".rdn")
		args := append([]string{"train", "-data", fixture, "-q", "-o", p}, tm.args...)
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("train %s: exit %d: %s", tm.arch, code, errs)
		}
		paths[tm.arch] = p
	}
	return paths
}

// fixtureData returns the first perClass samples of each of the model's
// classes from the split of the fixture, laid out as the model takes them.
func fixtureData(t *testing.T, m *redunet.Model, split string, perClass int) *datasets.Set {
	t.Helper()
	s, _, err := modelData(context.Background(), &env{stdout: io.Discard, stderr: io.Discard}, m, dataRequest{source: fixture, split: split, perClass: perClass})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// predictModel applies the model's network to x and returns ŷ and π̂.
func predictModel(t *testing.T, m *redunet.Model, x []float64) (feat []float64, yhat []int, pi []float64) {
	t.Helper()
	feat, yhat, pi, err := m.Net.Predict(context.Background(), x)
	if err != nil {
		t.Fatal(err)
	}
	return feat, yhat, pi
}

func checkClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol {
			t.Fatalf("%s: value %d = %v, want %v ± %v", what, i, got[i], want[i], tol)
		}
	}
}

// readCSV reads a header-less CSV file of numbers and returns its values
// and its numbers of rows and columns.
func readCSV(t *testing.T, path string) ([]float64, int, int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v []float64
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	cols := -1
	for _, l := range lines {
		f := strings.Split(l, ",")
		if cols >= 0 && len(f) != cols {
			t.Fatalf("%s: rows of %d and %d values", path, cols, len(f))
		}
		cols = len(f)
		for _, s := range f {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			v = append(v, x)
		}
	}
	return v, len(lines), cols
}

func TestTools(t *testing.T) {
	dir := t.TempDir()
	models := trainToolModels(t, dir)
	t.Run("features", func(t *testing.T) { testFeatures(t, models) })
	t.Run("predict", func(t *testing.T) { testPredict(t, models) })
	t.Run("info", func(t *testing.T) { testInfo(t, models) })
	t.Run("errors", func(t *testing.T) { testToolErrors(t, models["vector"]) })
}

func testFeatures(t *testing.T, models map[string]string) {
	for _, tm := range toolModels {
		out := t.TempDir()
		m, err := redunet.LoadModel(models[tm.arch])
		if err != nil {
			t.Fatal(err)
		}
		s := fixtureData(t, m, "test", 2)
		wantFeat, _, _ := predictModel(t, m, s.X)
		var wantRaw []float64
		if m.Arch() == "vector" {
			// Rows normalised to unit length.
			d := s.Dim()
			wantRaw = slices.Clone(s.X)
			for i := 0; i < len(wantRaw); i += d {
				var ss float64
				for _, v := range wantRaw[i : i+d] {
					ss += v * v
				}
				for j := i; j < i+d; j++ {
					wantRaw[j] /= math.Sqrt(ss)
				}
			}
		} else if wantRaw, err = m.Net.Prepare(s.X); err != nil {
			t.Fatal(err)
		}
		wantLabels := make([]float64, s.Len())
		for i, y := range s.Labels {
			wantLabels[i] = float64(y)
		}
		dim := len(wantFeat) / s.Len()

		for _, c := range []struct {
			name string
			raw  bool
			want []float64
		}{{"feat", false, wantFeat}, {"raw", true, wantRaw}} {
			npy := filepath.Join(out, c.name+".npy")
			args := []string{"features", "-model", models[tm.arch], "-per-class", "2", "-o", npy, "-json"}
			if c.raw {
				args = append(args, "-raw")
			}
			code, stdout, errs := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("%s %v: exit %d: %s", tm.arch, args, code, errs)
			}
			var rep featuresReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("%s features -json: %v\n%s", tm.arch, err, stdout)
			}
			if rep.Samples != s.Len() || rep.Dim != dim || rep.Data != fixture || rep.Split != "test" ||
				!slices.Equal(rep.Classes, m.Classes) || rep.Labels != filepath.Join(out, c.name+".labels.npy") {
				t.Errorf("%s features report: %+v", tm.arch, rep)
			}
			x, shape, err := datasets.ReadNPY(npy)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(shape, []int{s.Len(), dim}) {
				t.Fatalf("%s %s: shape %v, want [%d %d]", tm.arch, npy, shape, s.Len(), dim)
			}
			checkClose(t, tm.arch+" "+npy, x, c.want, 1e-12)
			y, shape, err := datasets.ReadNPY(rep.Labels)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(shape, []int{s.Len()}) || !slices.Equal(y, wantLabels) {
				t.Errorf("%s labels: shape %v, %v, want %v", tm.arch, shape, y, wantLabels)
			}

			csv := filepath.Join(out, c.name+".csv")
			args[slices.Index(args, npy)] = csv
			if code, _, errs := runCLI(t, args...); code != 0 {
				t.Fatalf("%s %v: exit %d: %s", tm.arch, args, code, errs)
			}
			x, rows, cols := readCSV(t, csv)
			if rows != s.Len() || cols != dim {
				t.Fatalf("%s %s: %d×%d, want %d×%d", tm.arch, csv, rows, cols, s.Len(), dim)
			}
			checkClose(t, tm.arch+" "+csv, x, c.want, 1e-8) // %.9g of values in [-1, 1]
			y, rows, cols = readCSV(t, filepath.Join(out, c.name+".labels.csv"))
			if rows != s.Len() || cols != 1 || !slices.Equal(y, wantLabels) {
				t.Errorf("%s labels.csv: %d×%d %v, want %v", tm.arch, rows, cols, y, wantLabels)
			}
		}
	}

	// -force: an existing output is kept unless -force, then replaced.
	out := t.TempDir()
	npy := filepath.Join(out, "f.npy")
	args := []string{"features", "-model", models["vector"], "-per-class", "2", "-o", npy}
	if code, stdout, errs := runCLI(t, args...); code != 0 || !strings.Contains(stdout, npy) {
		t.Fatalf("features: exit %d: %s%s", code, stdout, errs)
	}
	os.WriteFile(npy, []byte("keep me"), 0o644)
	code, _, errs := runCLI(t, args...)
	if b, _ := os.ReadFile(npy); code != 1 || !strings.Contains(errs, npy) || !strings.Contains(errs, "-force") || string(b) != "keep me" {
		t.Errorf("features over an existing file: exit %d, %q, file %q", code, errs, b)
	}
	os.Remove(npy) // the labels are left: they count too
	if code, _, errs := runCLI(t, args...); code != 1 || !strings.Contains(errs, "f.labels.npy") {
		t.Errorf("features over existing labels: exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI(t, append(args, "-force")...); code != 0 {
		t.Errorf("features -force: exit %d: %s", code, errs)
	}
	if _, shape, err := datasets.ReadNPY(npy); err != nil || !slices.Equal(shape, []int{4, 784}) {
		t.Errorf("features -force wrote shape %v: %v", shape, err)
	}
	if tmps, _ := filepath.Glob(filepath.Join(out, ".*")); len(tmps) != 0 {
		t.Errorf("temporary files left: %v", tmps)
	}

	// -classes selects classes of the data, numbered in that order.
	npy = filepath.Join(out, "one.npy")
	code, stdout, errs := runCLI(t, "features", "-model", models["vector"], "-classes", "1", "-per-class", "4", "-split", "train", "-o", npy, "-json")
	var rep featuresReport
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || rep.Samples != 4 || !slices.Equal(rep.Classes, []string{"1"}) || rep.Split != "train" {
		t.Errorf("features -classes 1: exit %d: %s%s", code, stdout, errs)
	}
	if y, _, err := datasets.ReadNPY(filepath.Join(out, "one.labels.npy")); err != nil || !slices.Equal(y, []float64{0, 0, 0, 0}) {
		t.Errorf("features -classes 1: labels %v, %v", y, err)
	}
}

// writePNG writes the 1×h×w image x (values k/255) as a gray PNG.
func writePNG(t *testing.T, path string, x []float64, h, w int) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i, v := range x {
		img.Pix[i] = uint8(math.Round(v * 255))
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func testPredict(t *testing.T, models map[string]string) {
	dir := t.TempDir()
	// Test images of the classes 0 and 1, as PNG files.
	all, err := datasets.Load(context.Background(), fixture, "test")
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := selectClasses(all, []string{"0", "1"}, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for i := range imgs.Len() {
		f := filepath.Join(dir, fmt.Sprintf("img%d.png", i))
		writePNG(t, f, imgs.Row(i), 28, 28)
		files = append(files, f)
	}

	for _, tm := range toolModels {
		m, err := redunet.LoadModel(models[tm.arch])
		if err != nil {
			t.Fatal(err)
		}
		layout, _ := experiment.ForModel(m)
		s, err := layout.Apply(imgs)
		if err != nil {
			t.Fatal(err)
		}
		_, yhat, pi := predictModel(t, m, s.X)
		k := len(m.Classes)

		args := append([]string{"predict", "-model", models[tm.arch], "-json"}, files...)
		code, stdout, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s predict: exit %d: %s", tm.arch, code, errs)
		}
		var rep predictReport
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%s predict -json: %v\n%s", tm.arch, err, stdout)
		}
		if len(rep.Predictions) != len(files) || len(rep.Errors) != 0 {
			t.Fatalf("%s predict: %d predictions, %d errors", tm.arch, len(rep.Predictions), len(rep.Errors))
		}
		for i, p := range rep.Predictions {
			want := pi[i*k+yhat[i]]
			if p.File != files[i] || p.Label != yhat[i] || p.Class != m.Classes[yhat[i]] || math.Abs(p.Confidence-want) > 1e-12 {
				t.Errorf("%s %s: %+v, want class %s, confidence %v", tm.arch, files[i], p, m.Classes[yhat[i]], want)
			}
			if p.Confidence < 0 || p.Confidence > 1 || len(p.Top) != min(3, k) || p.Top[0].Class != p.Class ||
				!slices.IsSortedFunc(p.Top, func(a, b classProb) int { return -cmpFloat(a.Prob, b.Prob) }) {
				t.Errorf("%s %s: %+v", tm.arch, files[i], p)
			}
		}
		if tm.arch != "vector" {
			continue
		}

		// The table, and files that cannot be read among the others.
		code, stdout, errs = runCLI(t, append([]string{"predict", "-model", models[tm.arch]}, files...)...)
		if code != 0 || strings.Count(stdout, "\n") != len(files)+1 {
			t.Fatalf("predict: exit %d:\n%s%s", code, stdout, errs)
		}
		for i, p := range rep.Predictions {
			line := strings.Fields(strings.Split(stdout, "\n")[i+1])
			if len(line) != 3 || line[0] != p.File || line[1] != p.Class || line[2] != fmt.Sprintf("%.3f", p.Confidence) {
				t.Errorf("predict line %q, want %+v", line, p)
			}
		}
		txt := filepath.Join(dir, "notes.txt")
		empty := filepath.Join(dir, "empty.png")
		os.WriteFile(txt, []byte("not an image\n"), 0o644)
		os.WriteFile(empty, nil, 0o644)
		mixed := []string{files[0], txt, files[1], empty, filepath.Join(dir, "missing.png"), files[2]}
		code, stdout, errs = runCLI(t, append([]string{"predict", "-model", models[tm.arch]}, mixed...)...)
		if code != 1 || strings.Count(stdout, "\n") != 4 {
			t.Errorf("predict with bad files: exit %d:\n%s", code, stdout)
		}
		for _, f := range mixed[:3] {
			if strings.Contains(stdout, f) == strings.Contains(errs, f) {
				t.Errorf("%s: stdout %q, stderr %q", f, stdout, errs)
			}
		}
		if !strings.Contains(errs, "3 of 6 files") {
			t.Errorf("predict with bad files: stderr %q", errs)
		}
		code, stdout, _ = runCLI(t, append([]string{"predict", "-json", "-model", models[tm.arch]}, mixed...)...)
		rep = predictReport{}
		if err := json.Unmarshal([]byte(stdout), &rep); code != 1 || err != nil || len(rep.Predictions) != 3 || len(rep.Errors) != 3 ||
			rep.Errors[0].File != txt || rep.Predictions[2].File != files[2] {
			t.Errorf("predict -json with bad files: exit %d, %v: %+v", code, err, rep)
		}
	}
	if code, _, errs := runCLI(t, "predict", "-model", models["vector"]); code != 2 || !strings.Contains(errs, "no image files") {
		t.Errorf("predict without files: exit %d, %q", code, errs)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testInfo(t *testing.T, models map[string]string) {
	for _, tm := range toolModels {
		path := models[tm.arch]
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		code, out, errs := runCLI(t, "info", path)
		if code != 0 {
			t.Fatalf("info %s: exit %d: %s", tm.arch, code, errs)
		}
		want := []string{"file:", path, fmt.Sprintf("size: %d bytes", fi.Size()), fmt.Sprintf("format: version %d, float64", redunet.ModelVersion),
			"architecture: " + tm.arch, "parameters: η = 0.5, ε² (eps2) = 0.1, λ = 500, 2 layers",
			"input shape:", "classes:", "training samples:", "feature dim:", "meta data: " + fixture, "meta created:"}
		switch tm.arch {
		case "vector":
			want = append(want, "input shape: 1×28×28", "classes: 2: 0, 1", "training samples: 16; per class 0: 8, 1: 8", "feature dim: 784")
		case "conv2d":
			want = append(want, "lift: 1→3 channels, kernel 3×3, 2-D", "channels: 1 in, 3 in the layers", "feature dim: 2352")
		case "conv1d":
			want = append(want, "input shape: 5×16", "lift: 5→3 channels, kernel 3, 1-D", "signal shape: 16", "feature dim: 48")
		}
		flat := strings.Join(strings.Fields(out), " ")
		for _, w := range want {
			if !strings.Contains(flat, w) {
				t.Errorf("info %s: no %q in\n%s", tm.arch, w, out)
			}
		}

		code, out, errs = runCLI(t, "info", "-json", path)
		var r infoReport
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("info -json %s: exit %d: %s%s", tm.arch, code, out, errs)
		}
		if r.File != path || r.Size != fi.Size() || r.Version != redunet.ModelVersion || r.DType != "float64" || r.Arch != tm.arch ||
			r.Params != (infoParams{0.5, 0.1, 500, 2, "float64"}) || r.Meta["data"] != fixture {
			t.Errorf("info -json %s: %+v", tm.arch, r)
		}
		switch tm.arch {
		case "vector":
			if r.FeatureDim != 784 || r.TrainSamples != 16 || !slices.Equal(r.TrainPerClass, []int{8, 8}) || r.Lift != nil {
				t.Errorf("info -json vector: %+v", r)
			}
		case "conv2d":
			if r.FeatureDim != 3*28*28 || r.TrainSamples != 50 || r.Lift == nil || *r.Lift != (infoLift{1, 3, 3, 2}) || r.Channels != 3 {
				t.Errorf("info -json conv2d: %+v", r)
			}
		case "conv1d":
			if r.FeatureDim != 3*16 || !slices.Equal(r.InputShape, []int{5, 16}) || r.Lift == nil || *r.Lift != (infoLift{5, 3, 3, 1}) {
				t.Errorf("info -json conv1d: %+v", r)
			}
		}
	}

	// A model in single precision.
	m, err := redunet.LoadModel(models["vector"])
	if err != nil {
		t.Fatal(err)
	}
	p32 := filepath.Join(t.TempDir(), "m32.rdn")
	if err := m.Save(p32, redunet.SaveOptions{Float32: true}); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, "info", p32); code != 0 || !strings.Contains(out, fmt.Sprintf("version %d, float32", redunet.ModelVersion)) {
		t.Errorf("info float32: exit %d: %s%s", code, out, errs)
	}
}

func testToolErrors(t *testing.T, model string) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.rdn")
	half := filepath.Join(dir, "half.rdn")
	b, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(half, b[:len(b)/2], 0o644)
	// A truncated model is refused from the sizes its header declares, before
	// the checksum is reached; a flipped byte by the checksum.
	flipped := filepath.Join(dir, "flipped.rdn")
	fb := append([]byte(nil), b...)
	fb[len(fb)-100] ^= 1
	os.WriteFile(flipped, fb, 0o644)
	png := filepath.Join(dir, "x.png")
	writePNG(t, png, make([]float64, 28*28), 28, 28)
	out := filepath.Join(dir, "f.npy")

	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"features", "-model", missing, "-o", out}, 1, []string{missing}},
		{[]string{"features", "-model", half, "-o", out}, 1, []string{half, "truncated"}},
		{[]string{"features", "-model", flipped, "-o", out}, 1, []string{flipped, "checksum"}},
		{[]string{"features", "-model", model, "-o", filepath.Join(dir, "no", "f.npy")}, 1, []string{filepath.Join(dir, "no", "f.npy")}},
		{[]string{"features", "-model", model, "-o", filepath.Join(dir, "f.txt")}, 2, []string{"f.txt", ".npy or .csv"}},
		{[]string{"features", "-model", model, "-o", filepath.Join(dir, "f")}, 2, []string{"unknown extension"}},
		{[]string{"features", "-model", model, "-o", out, "-per-class", "1000"}, 1, []string{"class"}},
		// A class not in the data was exit 1; it is a usage error (exit 2)
		// since the issue "Hostile input".
		{[]string{"features", "-model", model, "-o", out, "-classes", "12"}, 2, []string{"12"}},
		{[]string{"features", "-model", model, "-o", out, "-classes", "x"}, 2, nil},
		{[]string{"features", "-model", model, "-o", out, "-split", "val"}, 2, []string{"val"}},
		{[]string{"features", "-model", model, "-o", out, "-per-class", "-1"}, 2, nil},
		{[]string{"features", "-model", model, "-o", out, "-data", "mnist:" + dir}, 1, []string{dir}},
		{[]string{"features", "-o", out}, 2, []string{"-model"}},
		{[]string{"features", "-model", model}, 2, []string{"-o"}},
		{[]string{"features", "-model", model, "-o", out, "extra"}, 2, []string{"extra"}},
		{[]string{"predict", "-model", missing, png}, 1, []string{missing}},
		{[]string{"predict", "-model", half, png}, 1, []string{half}},
		{[]string{"predict", png}, 2, []string{"-model"}},
		{[]string{"predict", "-model", model, "-bogus", png}, 2, []string{"bogus"}},
		{[]string{"info", missing}, 1, []string{missing}},
		{[]string{"info", half}, 1, []string{half, "truncated"}},
		{[]string{"info", flipped}, 1, []string{flipped, "checksum"}},
		{[]string{"info", png}, 1, []string{png, "not a ReduNet model"}},
		{[]string{"info", dir}, 1, []string{dir}},
		{[]string{"info"}, 2, nil},
		{[]string{"info", model, model}, 2, nil},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d: %s", c.args, code, c.code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: %q does not say %q", c.args, errs, w)
			}
		}
	}
	// Nothing was written, not even in part.
	if left, _ := os.ReadDir(dir); len(left) != 3 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("files in %s: %v, want flipped.rdn, half.rdn and x.png", dir, names)
	}

	for _, name := range []string{"features", "predict", "info"} {
		code, out, _ := runCLI(t, "help", name)
		if code != 0 || !strings.Contains(out, "Example") || !strings.Contains(out, "redunet "+name) {
			t.Errorf("help %s: exit %d\n%s", name, code, out)
		}
	}
}
