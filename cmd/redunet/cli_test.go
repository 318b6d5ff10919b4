package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

// fixture is the MNIST fixture: the first 100 training and test images.
const fixture = "mnist:../../testdata/mnist"

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestTrainEval(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.rdn")
	code, out, errs := runCLI(t, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "8", "-layers", "3",
		"-test-per-class", "5", "-o", model, "-json")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errs)
	}
	var rep trainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("train -json: %v\n%s", err, out)
	}
	if len(rep.Layers) != 3 || rep.TrainSamples != 16 || rep.TestSamples != 10 || rep.Dim != 784 || rep.Model != model {
		t.Errorf("train report: %+v", rep)
	}
	// 4 classifier rows on raw (3, no ReduNet's own) and features (4), each on train and test.
	if len(rep.Accuracy) != 14 {
		t.Errorf("%d accuracy cells, want 14: %+v", len(rep.Accuracy), rep.Accuracy)
	}
	for _, a := range rep.Accuracy {
		if a.Accuracy < 0 || a.Accuracy > 1 {
			t.Errorf("accuracy out of range: %+v", a)
		}
	}
	if _, err := os.Stat(model); err != nil {
		t.Fatal(err)
	}

	code, out, errs = runCLI(t, "eval", "-model", model, "-test-per-class", "5", "-json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errs)
	}
	var ev evalReport
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("eval -json: %v\n%s", err, out)
	}
	if ev.TestSamples != 10 || len(ev.Accuracy) != 14 {
		t.Errorf("eval report: %+v", ev)
	}
	// eval on a saved model gives the numbers train gave with construct-then-apply.
	want := map[string]float64{}
	for _, a := range rep.Accuracy {
		want[a.Set+a.Input+a.Classifier] = a.Accuracy
	}
	for _, a := range ev.Accuracy {
		if w, ok := want[a.Set+a.Input+a.Classifier]; !ok || w != a.Accuracy {
			t.Errorf("eval %s/%s/%s = %v, train reported %v", a.Set, a.Input, a.Classifier, a.Accuracy, w)
		}
	}

	// The human-readable form has the tables.
	code, out, _ = runCLI(t, "eval", "-model", model, "-test-per-class", "5")
	if code != 0 || !strings.Contains(out, "nearest-subspace") || !strings.Contains(out, "test/features") {
		t.Errorf("eval table: exit %d\n%s", code, out)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"help", "train"}, {"help", "eval"}, {"train", "-h"}} {
		code, out, errs := runCLI(t, args...)
		if code != 0 || out == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	if code, _, _ := runCLI(t); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	if code, _, errs := runCLI(t, "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: exit %d, %s", code, errs)
	}
}

// copyFixture copies the MNIST fixture into a new directory, passing each
// file's decompressed bytes through edit (nil: unchanged).
func copyFixture(t *testing.T, edit func(name string, b []byte) []byte) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob("../../testdata/mnist/*.gz")
	if len(files) != 4 {
		t.Fatalf("fixture has %d files", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(zr)
		name := strings.TrimSuffix(filepath.Base(f), ".gz")
		if edit != nil {
			b = edit(name, b)
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	return dir
}

// TestBadInput: every kind of bad input gives a clear error and a non-zero
// exit status, never a panic.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.rdn")
	if code, _, errs := runCLI(t, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "5", "-layers", "2", "-o", model, "-q"); code != 0 {
		t.Fatalf("train: %s", errs)
	}
	good, _ := os.ReadFile(model)
	half := filepath.Join(dir, "half.rdn")
	os.WriteFile(half, good[:len(good)/2], 0o644)

	truncated := copyFixture(t, func(name string, b []byte) []byte {
		if strings.HasPrefix(name, "train-images") {
			return b[:len(b)-100]
		}
		return b
	})
	badMagic := copyFixture(t, func(name string, b []byte) []byte {
		if strings.HasPrefix(name, "train-labels") {
			b[2] = 0x42
		}
		return b
	})
	mismatch := copyFixture(t, func(name string, b []byte) []byte {
		if strings.HasPrefix(name, "train-labels") {
			b[7] = 99 // the header says 99 labels, and the payload is cut to match
			return b[:8+99]
		}
		return b
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"eta zero", []string{"train", "-data", fixture, "-eta", "0"}, 2, "eta"},
		{"eta negative", []string{"train", "-data", fixture, "-eta", "-1"}, 2, "eta"},
		{"eps2 zero", []string{"train", "-data", fixture, "-eps2", "0"}, 2, "eps2"},
		{"bad flag", []string{"train", "-nonsense"}, 2, "nonsense"},
		{"bad arch", []string{"train", "-data", fixture, "-arch", "mlp"}, 2, "mlp"},
		{"bad classes", []string{"train", "-data", fixture, "-classes", "9-3"}, 2, "9-3"},
		// A class that is not in the data, an unknown source and a kernel
		// larger than the images were exit 1; the issue "Hostile input"
		// makes them the usage errors they are (exit 2).
		{"class out of range", []string{"train", "-data", fixture, "-classes", "0,12", "-layers", "1"}, 2, "12"},
		{"too few per class", []string{"train", "-data", fixture, "-classes", "0,1", "-train-per-class", "90", "-layers", "1"}, 1, "class"},
		{"truncated IDX", []string{"train", "-data", "mnist:" + truncated, "-layers", "1"}, 1, "train-images-idx3-ubyte"},
		{"wrong magic", []string{"train", "-data", "mnist:" + badMagic, "-layers", "1"}, 1, "train-labels-idx1-ubyte"},
		{"count mismatch", []string{"train", "-data", "mnist:" + mismatch, "-layers", "1"}, 1, "99"},
		{"missing dir", []string{"train", "-data", "mnist:" + filepath.Join(dir, "nope"), "-layers", "1"}, 1, "nope"},
		{"unknown source", []string{"train", "-data", "imagenet", "-layers", "1"}, 2, "imagenet"},
		{"model cut in half", []string{"eval", "-model", half}, 1, "half.rdn"},
		{"model missing", []string{"eval", "-model", filepath.Join(dir, "none.rdn")}, 1, "none.rdn"},
		{"no model flag", []string{"eval"}, 2, "-model"},
		{"zero channels", []string{"train", "-data", fixture, "-arch", "conv2d", "-channels", "0"}, 2, "-channels 0"},
		{"kernel larger than the image", []string{"train", "-data", fixture, "-arch", "conv2d", "-kernel", "40", "-layers", "1", "-train-per-class", "2"}, 2, "larger than"},
		{"conv1d on 3-channel data", []string{"train", "-data", fixture, "-arch", "conv1d", "-radii", "0"}, 2, "-radii 0"},
		{"shifts without test", []string{"train", "-data", fixture, "-shifts", "all"}, 2, "-test-per-class"},
	} {
		code, _, errs := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d (want %d), stderr %q (want it to mention %q)", tc.name, code, tc.code, errs, tc.want)
		}
	}
}

// TestTrainReport: -report writes report.md, results.json and the figures,
// each a whole file.
func TestTrainReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rep")
	code, out, errs := runCLI(t, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "6", "-arch", "conv2d",
		"-channels", "2", "-kernel", "3", "-layers", "2", "-test-per-class", "3", "-shifts", "all", "-report", dir)
	if code != 0 {
		t.Fatalf("train -report: exit %d: %s", code, errs)
	}
	// The run prints the claim of its all-shifts set (96 = 6 test images × 16 shifts).
	if !strings.Contains(out, "On the all-shifts test set (96 shifted test images) the ReduNet features") {
		t.Errorf("train -shifts all does not print the invariance claim:\n%s", out)
	}
	for _, f := range []string{"report.md", "results.json", "rates.png", "rates-test.png", "heatmap-raw.png", "heatmap-features.png", "shift-similarity.png", "accuracy.png", "invariance.png"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	if !strings.Contains(string(md), "| nearest-subspace |") || !strings.Contains(string(md), "shifts/features") {
		t.Errorf("report.md lacks the accuracy table:\n%s", md)
	}
	var res experiment.Report
	b, _ := os.ReadFile(filepath.Join(dir, "results.json"))
	if err := json.Unmarshal(b, &res); err != nil || len(res.Layers) != 2 || len(res.Layers[0].Eval) != 1 {
		t.Errorf("results.json: %v, %+v", err, res.Layers)
	}
}

// TestRepro runs the smallest experiment end to end and checks the closed
// form limits appear in its report.
func TestRepro(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "g2")
	code, _, errs := runCLI(t, "repro", "-q", "-out", dir, "gaussian2d")
	if code != 0 {
		t.Fatalf("repro: exit %d: %s", code, errs)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, want := range []string{"closed-form limit", "2.3979", "1.5223", "0.8756", "rates.png"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if code, _, _ := runCLI(t, "repro", "nonsense"); code != 2 {
		t.Errorf("unknown experiment: exit %d, want 2", code)
	}
	if code, _, errs := runCLI(t, "repro", "-q", "-out", filepath.Join(t.TempDir(), "c"), "cifar10"); code != 2 || !strings.Contains(errs, "-data") {
		t.Errorf("cifar10 without -data: exit %d, %s", code, errs)
	}
}

// TestTrainEvalConv: a saved conv2d model, reloaded by eval (which rebuilds
// its layers from the stored training input), gives exactly the accuracy
// that train measured by construct-then-apply, all-shifts set included.
func TestTrainEvalConv(t *testing.T) {
	model := filepath.Join(t.TempDir(), "c.rdn")
	code, out, errs := runCLI(t, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "6", "-arch", "conv2d",
		"-channels", "3", "-kernel", "3", "-layers", "3", "-test-per-class", "4", "-shifts", "all", "-shifted-train", "-o", model, "-json")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errs)
	}
	var rep trainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI(t, "eval", "-model", model, "-test-per-class", "4", "-shifts", "all", "-shifted-train", "-json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errs)
	}
	var ev evalReport
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{}
	for _, a := range rep.Accuracy {
		want[a.Set+a.Input+a.Classifier] = a.Accuracy
	}
	shifted := 0
	for _, a := range ev.Accuracy {
		if a.Set == "shifts*" {
			shifted++
		}
	}
	if shifted != 6 {
		t.Errorf("%d shifts* cells, want 6 (3 classifiers × raw, features)", shifted)
	}
	if len(ev.Accuracy) != len(rep.Accuracy) || len(ev.Accuracy) == 0 {
		t.Fatalf("eval has %d cells, train %d", len(ev.Accuracy), len(rep.Accuracy))
	}
	for _, a := range ev.Accuracy {
		if w, ok := want[a.Set+a.Input+a.Classifier]; !ok || w != a.Accuracy {
			t.Errorf("eval %s/%s/%s = %v, train reported %v", a.Set, a.Input, a.Classifier, a.Accuracy, w)
		}
	}
	if fi, _ := os.Stat(model); fi.Size() > 100_000 {
		t.Errorf("model of 12 small images is %d bytes", fi.Size())
	}
}

// TestTrainEvalConv3D: volumes from .npy (m×C×D×H×W) through -arch conv3d,
// the 64-shift all-shifts grid, a saved model, and eval reproducing train's
// accuracy table.
func TestTrainEvalConv3D(t *testing.T) {
	dir := t.TempDir()
	const m, d, h, w = 16, 4, 4, 6
	rng := rand.New(rand.NewPCG(3, 5))
	x := make([]float64, m*d*h*w)
	y := make([]float64, m)
	for i := range y {
		y[i] = float64(i % 2)
		for j := 0; j < d*h*w; j++ {
			x[i*d*h*w+j] = rng.Float64() + 2*y[i]*float64(j%3)
		}
	}
	xs, ys := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := datasets.WriteNPY(xs, x, []int{m, 1, d, h, w}, false); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNPY(ys, y, []int{m}, false); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "v.rdn")
	args := []string{"-data", "npy:" + xs + "," + ys, "-train-per-class", "4", "-test-per-class", "4", "-shifts", "all"}
	code, out, errs := runCLI(t, append([]string{"train", "-arch", "conv3d", "-channels", "3", "-layers", "2", "-o", model, "-json"}, args...)...)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errs)
	}
	var rep trainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI(t, "eval", "-model", model, "-test-per-class", "4", "-shifts", "all", "-json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errs)
	}
	var ev evalReport
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.Accuracy) == 0 || len(ev.Accuracy) != len(rep.Accuracy) {
		t.Fatalf("eval has %d cells, train %d", len(ev.Accuracy), len(rep.Accuracy))
	}
	for i, a := range ev.Accuracy {
		if a != rep.Accuracy[i] {
			t.Errorf("eval %+v, train reported %+v", a, rep.Accuracy[i])
		}
	}
	code, out, _ = runCLI(t, "info", model)
	if code != 0 || !strings.Contains(out, "conv3d") || !strings.Contains(out, "3×3×3") {
		t.Errorf("info: exit %d:\n%s", code, out)
	}
	if code, _, errs := runCLI(t, append([]string{"train", "-arch", "conv4d"}, args...)...); code != 2 || !strings.Contains(errs, "conv3d") {
		t.Errorf("-arch conv4d: exit %d: %s", code, errs)
	}
}

// TestTrainFloat32: -precision float32 builds a shift-invariant net in
// single precision; the model records it (info), eval on the saved model
// gives the accuracies train gave, and an unknown precision is a usage
// error.
func TestTrainFloat32(t *testing.T) {
	model := filepath.Join(t.TempDir(), "m.rdn")
	code, out, errs := runCLI(t, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "6", "-layers", "2",
		"-arch", "conv2d", "-channels", "3", "-kernel", "3", "-test-per-class", "4", "-precision", "float32", "-o", model, "-json")
	if code != 0 {
		t.Fatalf("train -precision float32: exit %d: %s", code, errs)
	}
	var rep trainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("train -json: %v\n%s", err, out)
	}
	code, out, errs = runCLI(t, "info", "-json", model)
	var r infoReport
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Params.Precision != "float32" {
		t.Errorf("info: exit %d, precision %q: %s%s", code, r.Params.Precision, out, errs)
	}
	code, out, errs = runCLI(t, "eval", "-model", model, "-test-per-class", "4", "-json")
	var ev evalReport
	if code != 0 || json.Unmarshal([]byte(out), &ev) != nil {
		t.Fatalf("eval: exit %d: %s%s", code, out, errs)
	}
	want := map[string]float64{}
	for _, a := range rep.Accuracy {
		want[a.Set+a.Input+a.Classifier] = a.Accuracy
	}
	for _, a := range ev.Accuracy {
		if w, ok := want[a.Set+a.Input+a.Classifier]; !ok || w != a.Accuracy {
			t.Errorf("eval %s/%s/%s = %v, train reported %v", a.Set, a.Input, a.Classifier, a.Accuracy, w)
		}
	}
	if code, _, errs := runCLI(t, "train", "-data", fixture, "-precision", "float16"); code != 2 || !strings.Contains(errs, "float16") {
		t.Errorf("-precision float16: exit %d: %s", code, errs)
	}
}

// TestTrainSelectDepth: -select-depth holds out part of the training set,
// picks the depth, reports its curve, and builds the net with that many
// layers on all the training samples; a fraction outside [0, 1) is a usage
// error.
func TestTrainSelectDepth(t *testing.T) {
	model := filepath.Join(t.TempDir(), "m.rdn")
	code, out, errs := runCLI(t, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "8", "-layers", "3",
		"-select-depth", "0.25", "-o", model, "-json")
	if code != 0 {
		t.Fatalf("train -select-depth: exit %d: %s", code, errs)
	}
	var rep trainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("train -json: %v\n%s", err, out)
	}
	if rep.SelectedDepth == nil || *rep.SelectedDepth < 0 || *rep.SelectedDepth > 3 || rep.MaxDepth != 3 || len(rep.DepthCurve) != 4 {
		t.Fatalf("selected depth %v of %d, curve of %d depths", rep.SelectedDepth, rep.MaxDepth, len(rep.DepthCurve))
	}
	if len(rep.Layers) != *rep.SelectedDepth || rep.TrainSamples != 16 || rep.Params.Layers != *rep.SelectedDepth {
		t.Errorf("%d layers built on %d samples, params %d layers; selected %d", len(rep.Layers), rep.TrainSamples, rep.Params.Layers, *rep.SelectedDepth)
	}
	m, err := redunet.LoadModel(model)
	if err != nil {
		t.Fatal(err)
	}
	if m.Net.Params.Layers != *rep.SelectedDepth {
		t.Errorf("the model has %d layers, the selected depth is %d", m.Net.Params.Layers, *rep.SelectedDepth)
	}
	if code, _, errs := runCLI(t, "train", "-data", fixture, "-select-depth", "1"); code != 2 || !strings.Contains(errs, "-select-depth") {
		t.Errorf("-select-depth 1: exit %d: %s", code, errs)
	}
	// One training sample a class: none can be held out.
	if code, _, errs := runCLI(t, "train", "-data", fixture, "-classes", "0,1", "-train-per-class", "1", "-layers", "1", "-select-depth", "0.5"); code != 2 || !strings.Contains(errs, "too few to hold one out") {
		t.Errorf("-select-depth with one sample a class: exit %d: %s", code, errs)
	}
}

// TestReproAblationUsage: the ablations are listed, and -data or
// -precision, which do not apply to them, are usage errors.
func TestReproAblationUsage(t *testing.T) {
	if code, out, _ := runCLI(t, "help", "repro"); code != 0 || !strings.Contains(out, "ablation-depth") || !strings.Contains(out, "ablations") {
		t.Errorf("help repro: exit %d, no ablations listed:\n%s", code, out)
	}
	for _, args := range [][]string{{"repro", "-data", fixture, "ablation-depth"}, {"repro", "-precision", "float32", "ablations"}} {
		if code, _, errs := runCLI(t, args...); code != 2 || !strings.Contains(errs, "do not apply") {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
	}
}

// TestReproAblationKeepsFiles: an ablation's -out that holds a file of one
// of its names which is not what it would write is refused before any
// work, and the file is kept.
func TestReproAblationKeepsFiles(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "depth-vector.png")
	if err := os.WriteFile(mine, []byte("my notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "repro", "-out", dir, "ablation-depth")
	if code == 0 || !strings.Contains(errs, "depth-vector.png") {
		t.Errorf("repro into a folder with a foreign depth-vector.png: exit %d: %s", code, errs)
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "my notes" {
		t.Errorf("the user's file was changed: %q, %v", b, err)
	}
}
