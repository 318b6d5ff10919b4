package main

// Regression tests of the issue "Hostile input, faults and signals: nothing
// crashes, hangs, blows up, leaks or is lost", one per class of defect.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
)

// noiseNPY writes m samples of d random values with the labels, as x.npy
// and y.npy in dir, and returns the npy: source. Sample i's first value is
// i, so that samples can be told apart.
func noiseNPY(t *testing.T, dir string, shape []int, labels []float64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	d := 1
	for _, v := range shape {
		d *= v
	}
	x := make([]float64, len(labels)*d)
	for i := range x {
		x[i] = rng.Float64()
	}
	for i := range labels {
		x[i*d] = float64(i)
	}
	xs, ys := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := datasets.WriteNPY(xs, x, append([]int{len(labels)}, shape...), false); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNPY(ys, labels, []int{len(labels)}, false); err != nil {
		t.Fatal(err)
	}
	return "npy:" + xs + "," + ys
}

// cycleLabels returns m labels cycling through values.
func cycleLabels(m int, values ...float64) []float64 {
	y := make([]float64, m)
	for i := range y {
		y[i] = values[i%len(values)]
	}
	return y
}

// noiseFolder writes n random w×h gray PNGs per class into dir/CLASS and
// returns the folder: source.
func noiseFolder(t *testing.T, dir string, classes []string, n, w, h int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range classes {
		os.MkdirAll(filepath.Join(dir, c), 0o755)
		for i := range n {
			img := image.NewGray(image.Rect(0, 0, w, h))
			for j := range img.Pix {
				img.Pix[j] = uint8(rng.IntN(256))
			}
			var b bytes.Buffer
			png.Encode(&b, img)
			if err := os.WriteFile(filepath.Join(dir, c, fmt.Sprintf("%03d.png", i)), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return "folder:" + dir
}

// wantExit runs the command line and checks its exit status and that its
// stderr says every one of want.
func wantExit(t *testing.T, code int, want []string, args ...string) (stdout, stderr string) {
	t.Helper()
	got, stdout, stderr := runCLI(t, args...)
	if got != code {
		t.Errorf("%v: exit %d, want %d: %s", args, got, code, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("%v: stderr %q does not say %q", args, stderr, w)
		}
	}
	return stdout, stderr
}

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// noTempFiles fails if dir holds a temporary file of atomicfile.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	for _, n := range entries(t, dir) {
		if strings.Contains(n, ".tmp-") || strings.HasPrefix(n, ".redunet-probe") {
			t.Errorf("temporary file left: %s", filepath.Join(dir, n))
		}
	}
}

// TestDisjointTestSplit: for a source without a test split (.npy, folder)
// the test samples are the ones after the training samples of each class,
// for train, eval and features; none left is an error that says so (the
// defect: they were the training samples, and random noise scored 1.0).
func TestDisjointTestSplit(t *testing.T) {
	dir := t.TempDir()
	npy := noiseNPY(t, dir, []int{16}, cycleLabels(30, 0, 1, 2))
	folder := noiseFolder(t, filepath.Join(dir, "f"), []string{"a", "b", "c"}, 6, 5, 5)
	for _, src := range []string{npy, folder} {
		wantExit(t, 2, []string{"no test samples", "-train-per-class"},
			"train", "-data", src, "-train-per-class", "0", "-test-per-class", "5", "-layers", "1", "-q")
	}

	model := filepath.Join(dir, "m.rdn")
	out, _ := wantExit(t, 0, nil, "train", "-data", npy, "-train-per-class", "4", "-test-per-class", "3", "-layers", "1", "-o", model, "-json")
	var rep trainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.TestSamples != 9 {
		t.Fatalf("train: %v, %+v", err, rep)
	}
	// The test rows (first value: the sample's index) are the 5th to the
	// 7th of each class, for eval's data and for features -split test.
	m, err := redunet.LoadModel(model)
	if err != nil {
		t.Fatal(err)
	}
	test, _, err := modelData(t.Context(), &env{stdout: os.Stderr, stderr: os.Stderr}, m, dataRequest{split: "test", perClass: 3})
	if err != nil {
		t.Fatal(err)
	}
	var rows []float64
	for i := range test.Len() {
		rows = append(rows, test.Row(i)[0])
	}
	slices.Sort(rows)
	if want := []float64{12, 13, 14, 15, 16, 17, 18, 19, 20}; !slices.Equal(rows, want) {
		t.Errorf("test rows %v, want %v (the 4 training rows of each class are 0-11)", rows, want)
	}
	out, _ = wantExit(t, 0, nil, "eval", "-model", model, "-test-per-class", "3", "-json")
	var ev evalReport
	if err := json.Unmarshal([]byte(out), &ev); err != nil || ev.TestSamples != 9 || !slices.Equal(ev.Accuracy, rep.Accuracy) {
		t.Errorf("eval: %v, %d test samples, accuracy %v, train's %v", err, ev.TestSamples, ev.Accuracy, rep.Accuracy)
	}
	raw := filepath.Join(dir, "raw.npy")
	wantExit(t, 0, nil, "features", "-model", model, "-raw", "-per-class", "3", "-o", raw)
	x, shape, err := datasets.ReadNPY(raw)
	if err != nil || !slices.Equal(shape, []int{9, 16}) {
		t.Fatalf("features: %v %v", shape, err)
	}
	want, err := m.Net.Prepare(test.X)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "features -raw -split test", x, want, 1e-15)

	// A model trained on every sample leaves no test samples of its data.
	all := filepath.Join(dir, "all.rdn")
	wantExit(t, 0, nil, "train", "-data", npy, "-train-per-class", "0", "-layers", "1", "-o", all, "-q")
	wantExit(t, 1, []string{"no test samples", "every sample"}, "eval", "-model", all, "-test-per-class", "3")
	wantExit(t, 1, []string{"no test samples"}, "features", "-model", all, "-o", filepath.Join(dir, "f.npy"))
	// Other data are not skipped into.
	other := noiseNPY(t, t.TempDir(), []int{16}, cycleLabels(9, 0, 1, 2))
	if out, _ := wantExit(t, 0, nil, "eval", "-model", all, "-data", other, "-test-per-class", "3", "-json"); !strings.Contains(out, `"test_samples": 9`) {
		t.Errorf("eval on other data: %s", out)
	}
	// The same files by another path are the same data.
	rel, err := filepath.Rel(".", dir)
	if err == nil {
		wantExit(t, 1, []string{"no test samples"}, "eval", "-model", all, "-test-per-class", "3",
			"-data", "npy:"+filepath.Join(rel, "x.npy")+","+filepath.Join(dir, ".", "y.npy"))
	}
}

// TestFlagBounds: absurd flags are usage errors that name the flag, before
// anything is allocated (the defects: -workers 1000000 took 6.6 GB, and
// -channels, -radii, -angles 100000 ran out of memory).
func TestFlagBounds(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "-workers", "1000000"}, "-workers 1000000"},
		{[]string{"train", "-workers", "-1"}, "-workers -1"},
		{[]string{"train", "-arch", "conv2d", "-channels", "100000"}, "-channels 100000"},
		{[]string{"train", "-arch", "conv2d", "-kernel", "5000"}, "-kernel 5000"},
		{[]string{"train", "-arch", "conv1d", "-radii", "100000"}, "-radii 100000"},
		{[]string{"train", "-arch", "conv1d", "-angles", "100000"}, "-angles 100000"},
		{[]string{"train", "-layers", "1000000"}, "-layers 1000000"},
		{[]string{"train", "-test-per-class", "-2"}, "-test-per-class -2"},
		{[]string{"train", "-test-per-class", "2", "-shifts", "all", "-shift-per-class", "-3"}, "-shift-per-class -3"},
		{[]string{"train", "-max-memory", "lots"}, "lots"},
		{[]string{"eval", "-model", "m.rdn", "-workers", "100000"}, "-workers"},
		{[]string{"eval", "-model", "m.rdn", "-test-per-class", "-7"}, "-test-per-class -7"},
		{[]string{"features", "-model", "m.rdn", "-o", "f.npy", "-workers", "-3"}, "-workers"},
		{[]string{"predict", "-model", "m.rdn", "-workers", "100000", "x.png"}, "-workers"},
		{[]string{"repro", "-workers", "100000", "gaussian2d"}, "-workers"},
		{[]string{"train", "-size", "10x10"}, "folder"},
		{[]string{"train", "-data", "folder:x", "-size", "0x10"}, "-size"},
	} {
		wantExit(t, 2, []string{c.want}, c.args...)
	}

	// The memory estimate: a run larger than -max-memory is refused before
	// it starts, naming the flag; -max-memory 0 lifts the limit.
	args := []string{"train", "-data", fixture, "-classes", "0,1", "-train-per-class", "5", "-layers", "1", "-q"}
	wantExit(t, 1, []string{"memory", "-max-memory"}, append(args, "-max-memory", "1K")...)
	wantExit(t, 0, nil, append(args, "-max-memory", "0")...)
	// By default the limit is the memory available.
	defer func(f func() (int64, string, bool)) { availableMemory = f }(availableMemory)
	availableMemory = func() (int64, string, bool) { return 1000, "the 1 kB available", true }
	wantExit(t, 1, []string{"the 1 kB available"}, args...)
	wantExit(t, 0, nil, append(args, "-max-memory", "10G")...)
	model := filepath.Join(t.TempDir(), "m.rdn")
	availableMemory = func() (int64, string, bool) { return 0, "", false }
	wantExit(t, 0, nil, append(args, "-o", model)...)
	availableMemory = func() (int64, string, bool) { return 1000, "the 1 kB available", true }
	wantExit(t, 1, []string{"memory"}, "eval", "-model", model, "-test-per-class", "2")
	wantExit(t, 1, []string{"memory"}, "info", model)

	for s, want := range map[string]int64{"0": 0, "512": 512, "1K": 1024, "32G": 32 << 30, "1.5M": 3 << 19, "2GiB": 2 << 30, "3gb": 3 << 30} {
		if got, err := parseSize(s); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v, want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "1X", "NaN", "1e30T"} {
		if _, err := parseSize(s); err == nil {
			t.Errorf("parseSize(%q) accepted", s)
		}
	}
}

// TestUsageErrors: mistakes of the command line exit 2 and say what is
// wrong (the defects: these exited 1, or were ignored).
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	npy := noiseNPY(t, dir, []int{1, 4, 4}, cycleLabels(30, 10, 20, 30))
	model := filepath.Join(dir, "m.rdn")
	wantExit(t, 0, nil, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "5", "-layers", "1", "-o", model, "-q")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"train", "-data", "imagenet"}, []string{"imagenet", "unknown"}},
		{[]string{"train", "-data", "cifar10"}, []string{"cifar10:DIR"}},
		{[]string{"train", "-data", "gaussian2d:x"}, []string{"gaussian2d"}},
		{[]string{"repro", "-data", "cifar10", "cifar10"}, []string{"cifar10"}},
		{[]string{"train", "-data", fixture, "-classes", "42", "-layers", "1"}, []string{"no class 42"}},
		{[]string{"train", "-data", fixture, "-classes", "3", "-layers", "1"}, []string{"ΔR needs at least two classes"}},
		{[]string{"train", "-data", npy, "-classes", "10", "-layers", "1"}, []string{"ΔR needs at least two classes"}},
		{[]string{"train", "-data", npy, "-classes", "1", "-layers", "1"}, []string{"no class 1", "10, 20, 30"}},
		{[]string{"train", "-data", fixture, "-arch", "conv2d", "-kernel", "29", "-layers", "1", "-classes", "0,1", "-train-per-class", "2"}, []string{"-kernel 29", "28×28"}},
		{[]string{"train", "-data", fixture, "-shifted-train", "-test-per-class", "2", "-shifts", "all"}, []string{"-shifted-train", "convolutional"}},
		{[]string{"train", "-data", fixture, "-shifted-train"}, []string{"-shifts all"}},
		{[]string{"eval", "-model", model, "-shifted-train", "-shifts", "all"}, []string{"-shifted-train", "vector"}},
		{[]string{"predict", "-model", model, "x.png", "-nonsense"}, []string{"nonsense"}},
	} {
		wantExit(t, 2, c.want, c.args...)
	}
	// -classes names label values as they appear in the data.
	out, _ := wantExit(t, 0, nil, "train", "-data", npy, "-classes", "30,10", "-train-per-class", "3", "-layers", "1", "-json")
	var rep trainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !slices.Equal(rep.Classes, []string{"10", "30"}) {
		t.Errorf("-classes 30,10: %v %v", rep.Classes, err)
	}
}

// TestMessages: errors say which file or split and both shapes.
func TestMessages(t *testing.T) {
	dir := t.TempDir()
	small := noiseNPY(t, dir, []int{1, 14, 14}, cycleLabels(20, 0, 1))
	model := filepath.Join(dir, "m.rdn")
	wantExit(t, 0, nil, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "5", "-layers", "1", "-o", model, "-q")
	wantExit(t, 1, []string{"test split", small, "1×14×14", "1×28×28"}, "eval", "-model", model, "-data", small, "-test-per-class", "2")
	wantExit(t, 1, []string{"train split", "1×14×14", "1×28×28"}, "features", "-model", model, "-data", small, "-split", "train", "-o", filepath.Join(dir, "f.npy"))
	// A class the model has and the data have not.
	wantExit(t, 1, []string{`no class "0"`}, "eval", "-model", model, "-data", noiseNPY(t, t.TempDir(), []int{1, 28, 28}, cycleLabels(20, 5, 6)))

	// A folder model decodes a folder at the model's size by default.
	folder := noiseFolder(t, filepath.Join(dir, "f"), []string{"a", "b"}, 5, 9, 7)
	fm := filepath.Join(dir, "f.rdn")
	wantExit(t, 0, nil, "train", "-data", folder, "-size", "6x6", "-gray", "-train-per-class", "3", "-layers", "1", "-o", fm, "-q")
	wantExit(t, 0, nil, "eval", "-model", fm, "-test-per-class", "2", "-q")
	wantExit(t, 1, []string{"3×6×6", "1×6×6"}, "eval", "-model", fm, "-test-per-class", "2", "-gray=false")
}

// pngBomb returns a PNG of a few bytes whose header claims w×h pixels.
func pngBomb(t *testing.T, w, h uint32) []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	p := b.Bytes()
	// The IHDR chunk: length at 8, type at 12, width at 16, height at 20,
	// its CRC (of type and data) at 29.
	binary.BigEndian.PutUint32(p[16:], w)
	binary.BigEndian.PutUint32(p[20:], h)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

// TestPredictHostileFiles: predict reports a bad file (a decompression
// bomb, a FIFO, a text file, a folder) and classifies the others; flags may
// follow the files; "--" ends the flags.
func TestPredictHostileFiles(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.rdn")
	wantExit(t, 0, nil, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "5", "-layers", "1", "-o", model, "-q")
	good := filepath.Join(dir, "good.png")
	writePNG(t, good, make([]float64, 28*28), 28, 28)
	bomb := filepath.Join(dir, "bomb.png")
	os.WriteFile(bomb, pngBomb(t, 100000, 100000), 0o644)
	text := filepath.Join(dir, "notes.png")
	os.WriteFile(text, []byte("hello\n"), 0o644)
	fifo := filepath.Join(dir, "fifo.png")
	files := []string{good, bomb, text, dir}
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		files = append(files, fifo)
	}
	dash := filepath.Join(dir, "-dash.png")
	writePNG(t, dash, make([]float64, 28*28), 28, 28)

	args := append([]string{"predict", "-model", model}, files...)
	out, errs := wantExit(t, 1, []string{fmt.Sprintf("%d of %d files", len(files)-1, len(files)), "bomb.png"}, append(args, "-json")...)
	var rep predictReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Predictions) != 1 || rep.Predictions[0].File != good || len(rep.Errors) != len(files)-1 {
		t.Errorf("predict: %v %+v\n%s", err, rep, errs)
	}
	// "--" ends the flags: a file named -dash.png.
	out, _ = wantExit(t, 0, nil, "predict", "-model", model, "-json", "--", dash)
	if !strings.Contains(out, "-dash.png") {
		t.Errorf("predict -- -dash.png: %s", out)
	}
	// info takes its flag after the file too.
	if out, _ := wantExit(t, 0, nil, "info", model, "-json"); !strings.HasPrefix(out, "{") {
		t.Errorf("info FILE -json: %s", out)
	}
}

// TestCraftedModels: every truncation of a model and a crafted header are
// errors (exit 1) naming the file, never a panic or a hang; a FIFO is not
// opened.
func TestCraftedModels(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.rdn")
	wantExit(t, 0, nil, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "3", "-layers", "1", "-o", model, "-q")
	b, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.rdn")
	for _, n := range []int{0, 4, 8, 9, 12, 20, 40, 100, 1000, len(b) / 3, len(b) - 1} {
		os.WriteFile(bad, b[:n], 0o644)
		wantExit(t, 1, []string{bad}, "info", bad)
	}
	crafted := append([]byte(modelMagic), bytes.Repeat([]byte{0xff}, 64)...)
	os.WriteFile(bad, crafted, 0o644)
	wantExit(t, 1, []string{bad}, "eval", "-model", bad)
	fifo := filepath.Join(dir, "fifo.rdn")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		wantExit(t, 1, []string{fifo, "not a regular file"}, "info", fifo)
		wantExit(t, 1, []string{fifo, "not a regular file"}, "predict", "-model", fifo, "x.png")
	}
}

// TestOutputs: train -o refuses to replace what is not a model (unless
// -force) and never an input, checks its output before training, keeps the
// permission bits of a replaced file and writes through a link; features
// and repro follow the same rules.
func TestOutputs(t *testing.T) {
	dir := t.TempDir()
	npy := noiseNPY(t, dir, []int{8}, cycleLabels(20, 0, 1))
	xs := filepath.Join(dir, "x.npy")
	xb, _ := os.ReadFile(xs)
	train := func(out string, more ...string) []string {
		return append([]string{"train", "-data", npy, "-train-per-class", "4", "-layers", "1", "-q", "-o", out}, more...)
	}
	// The training data: never, even with -force.
	for _, extra := range [][]string{nil, {"-force"}} {
		wantExit(t, 2, []string{"x.npy", "input"}, train(xs, extra...)...)
	}
	if b, _ := os.ReadFile(xs); !bytes.Equal(b, xb) {
		t.Fatal("the training data were overwritten")
	}
	// Through a link to the data, too.
	link := filepath.Join(dir, "link.rdn")
	os.Symlink("x.npy", link)
	wantExit(t, 2, []string{"input"}, train(link, "-force")...)

	// A file that is not a model: only with -force.
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("precious"), 0o600)
	out, _ := wantExit(t, 1, []string{notes, "not a ReduNet model", "-force"}, train(notes)...)
	if b, _ := os.ReadFile(notes); string(b) != "precious" || out != "" {
		t.Errorf("notes.txt now %q; stdout %q", b, out)
	}
	wantExit(t, 0, nil, train(notes, "-force")...)
	if fi, _ := os.Stat(notes); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file: mode %v, want 0600", fi.Mode().Perm())
	}
	// A model is replaced, keeping its permission bits; a link is written
	// through.
	model := filepath.Join(dir, "m.rdn")
	wantExit(t, 0, nil, train(model)...)
	os.Chmod(model, 0o640)
	wantExit(t, 0, nil, train(model)...)
	if fi, _ := os.Stat(model); fi.Mode().Perm() != 0o640 {
		t.Errorf("replaced model: mode %v, want 0640", fi.Mode().Perm())
	}
	mlink := filepath.Join(dir, "mlink.rdn")
	os.Symlink("m.rdn", mlink)
	wantExit(t, 0, nil, train(mlink)...)
	if fi, err := os.Lstat(mlink); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	// Checked before training: nothing is printed, nothing built.
	for _, bad := range []string{filepath.Join(dir, "no", "m.rdn"), dir, filepath.Join(notes, "m.rdn")} {
		code, stdout, errs := runCLI(t, append(train(bad), "-q=false")...)
		if code == 0 || stdout != "" || !strings.Contains(errs, bad) {
			t.Errorf("-o %s: exit %d, stdout %q, stderr %q", bad, code, stdout, errs)
		}
	}
	noTempFiles(t, dir)

	// The files of a data directory are inputs; a model beside them is not.
	mn := copyFixture(t, nil)
	mtrain := []string{"train", "-data", "mnist:" + mn, "-classes", "0,1", "-train-per-class", "3", "-layers", "1", "-q", "-force", "-o"}
	wantExit(t, 2, []string{"data"}, append(mtrain, filepath.Join(mn, "train-labels-idx1-ubyte"))...)
	wantExit(t, 0, nil, append(mtrain, filepath.Join(mn, "m.rdn"))...)
	wantExit(t, 0, nil, append(mtrain, filepath.Join(mn, "m.rdn"))...)

	// features: never an input, even with -force.
	wantExit(t, 2, []string{"input"}, "features", "-model", model, "-split", "train", "-o", xs, "-force")
	// Two runs writing the same -o: each file whole, the last one wins.
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for i := range codes {
		wg.Go(func() {
			var o, e bytes.Buffer
			codes[i] = run(context.Background(), train(model), &o, &e)
		})
	}
	wg.Wait()
	if !slices.Equal(codes, []int{0, 0, 0}) {
		t.Errorf("concurrent runs: exit %v", codes)
	}
	if _, err := redunet.LoadModel(model); err != nil {
		t.Errorf("after concurrent runs: %v", err)
	}
	noTempFiles(t, dir)

	// repro: a failed run leaves no folder; a folder's foreign files are
	// kept unless -force.
	rdir := filepath.Join(dir, "rep", "sub")
	wantExit(t, 1, nil, "repro", "-q", "-data", "mnist:"+filepath.Join(dir, "nope"), "-out", rdir, "mnist-translation")
	if _, err := os.Stat(filepath.Join(dir, "rep")); !os.IsNotExist(err) {
		t.Errorf("a failed repro left %s: %v", rdir, err)
	}
	old := filepath.Join(dir, "old")
	os.Mkdir(old, 0o755)
	os.WriteFile(filepath.Join(old, "report.md"), []byte("my notes"), 0o644)
	wantExit(t, 1, []string{"report.md", "-force"}, "repro", "-q", "-out", old, "gaussian2d")
	if b, _ := os.ReadFile(filepath.Join(old, "report.md")); string(b) != "my notes" {
		t.Errorf("report.md now %q", b)
	}
	// -report inside a class folder of the training folder: it would become
	// a sample.
	folder := noiseFolder(t, filepath.Join(dir, "imgs"), []string{"a", "b"}, 5, 6, 6)
	wantExit(t, 2, []string{"class"}, "train", "-data", folder, "-train-per-class", "2", "-layers", "1", "-report", filepath.Join(dir, "imgs", "a", "rep"))
	wantExit(t, 2, []string{"class"}, "train", "-data", folder, "-train-per-class", "2", "-layers", "1", "-report", filepath.Join(dir, "imgs", "rep"))
	wantExit(t, 2, []string{"class"}, "train", "-data", folder, "-train-per-class", "2", "-layers", "1", "-q", "-o", filepath.Join(dir, "imgs", "b", "m.rdn"))
	// A model directly in the folder is no sample.
	wantExit(t, 0, nil, "train", "-data", folder, "-train-per-class", "2", "-layers", "1", "-q", "-o", filepath.Join(dir, "imgs", "m.rdn"))
}
