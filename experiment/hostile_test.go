package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
)

// TestClassIDs: a class list names label values when the classes are
// numbers (MNIST, .npy labels), positions otherwise, and names; a class not
// in the data is an error wrapping ErrClasses.
func TestClassIDs(t *testing.T) {
	npy := &datasets.Set{Name: "y.npy", Classes: []string{"10", "20", "30"}}
	words := &datasets.Set{Name: "photos", Classes: []string{"cat", "dog", "emu"}}
	mnist := &datasets.Set{Name: "mnist", Classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}
	for _, c := range []struct {
		s    *datasets.Set
		spec string
		want []int
		err  string // "" for none
	}{
		{npy, "", nil, ""},
		{npy, "10", []int{0}, ""},
		{npy, "30, 10", []int{0, 2}, ""},
		{npy, "1", nil, "y.npy has no class 1 (its classes: 10, 20, 30)"},
		{npy, "0-2", nil, "no class 0"},
		{mnist, "0-9", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ""},
		{mnist, "3,5-7", []int{3, 5, 6, 7}, ""},
		{mnist, "0,12", nil, "no class 12"},
		{words, "0,2", []int{0, 2}, ""},
		{words, "dog", []int{1}, ""},
		{words, "emu, 0", []int{0, 2}, ""},
		{words, "3", nil, "3 classes, numbered 0-2"},
		{words, "cow", nil, `no class "cow"`},
	} {
		got, err := ClassIDs(c.s, c.spec)
		switch {
		case c.err == "" && (err != nil || !slices.Equal(got, c.want)):
			t.Errorf("%s %q: %v, %v; want %v", c.s.Name, c.spec, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, ErrClasses)):
			t.Errorf("%s %q: error %v, want one saying %q", c.s.Name, c.spec, err, c.err)
		}
	}
	// Syntax errors are datasets.ParseClasses's, not ErrClasses.
	for _, spec := range []string{"7-5", "0,,1", "1-"} {
		if _, err := ClassIDs(mnist, spec); err == nil || errors.Is(err, ErrClasses) {
			t.Errorf("%q: %v", spec, err)
		}
	}
}

// TestLoadSingleSplit: the test samples of a source without a test split
// follow the training ones and are never training samples; with every
// sample taken for training there are none, an error.
func TestLoadSingleSplit(t *testing.T) {
	dir := t.TempDir()
	const m, d = 30, 4
	x := make([]float64, m*d)
	y := make([]float64, m)
	for i := range y {
		y[i] = float64(10 * (i%3 + 1))
		for j := range d {
			x[i*d+j] = float64(i) // sample i is recognisable
		}
	}
	xs, ys := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := datasets.WriteNPY(xs, x, []int{m, d}, false); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNPY(ys, y, []int{m}, false); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Name: "npy", Data: "npy:" + xs + "," + ys, Classes: "10,30", TrainPer: 4, TestPer: 3}
	train, test, err := Load(t.Context(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[float64]bool{}
	for i := range train.Len() {
		seen[train.Row(i)[0]] = true
	}
	if train.Len() != 8 || test.Len() != 6 || !slices.Equal(train.Classes, []string{"10", "30"}) {
		t.Fatalf("train %d %v, test %d", train.Len(), train.Classes, test.Len())
	}
	for i := range test.Len() {
		if seen[test.Row(i)[0]] {
			t.Errorf("test sample %d (data row %v) is a training sample", i, test.Row(i)[0])
		}
	}
	for _, per := range []int{0, -1} {
		cfg.TrainPer = per
		if _, _, err := Load(t.Context(), cfg, 1); !errors.Is(err, ErrNoTestSamples) {
			t.Errorf("TrainPer %d: %v, want ErrNoTestSamples", per, err)
		}
	}
	if off, err := TestOffset("mnist", 0); off != 0 || err != nil {
		t.Errorf("TestOffset(mnist, 0) = %d, %v", off, err)
	}
	if off, err := TestOffset("folder:x", 7); off != 7 || err != nil {
		t.Errorf("TestOffset(folder:x, 7) = %d, %v", off, err)
	}
}

// TestRunOneClass: a single class is refused (ΔR of one class is zero).
func TestRunOneClass(t *testing.T) {
	s := images(3, 1, 4, 4, 1)
	d, err := Prepare(Layout{Arch: Vector}, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), tinyConfig(Vector, 1), d, Options{}); !errors.Is(err, ErrClasses) || !strings.Contains(err.Error(), "two classes") {
		t.Errorf("one class: %v", err)
	}
}

// TestCancelled: the protocol and the report stop on a cancelled context,
// and a report that fails or is cancelled leaves nothing it made.
func TestCancelled(t *testing.T) {
	cfg := tinyConfig(Conv2D, 2)
	res := run(t, cfg, images(3, 2, 8, 8, 1), images(2, 2, 8, 8, 2), 1, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Evaluate(ctx, 2, res.Train, res.Evals, eval.Options{Rank: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("Evaluate: %v", err)
	}
	_, signal := res.Data.Layout.Signal(res.Data.Train.Shape)
	if _, err := ShiftedTrain(ctx, 2, res.Train, res.Evals[1], signal, eval.Options{Rank: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("ShiftedTrain: %v", err)
	}
	if _, err := Run(ctx, cfg, res.Data, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}

	r := &Report{Config: cfg, Scale: "custom", Layers: res.Layers, Accuracy: res.Accuracy, Samples: res.Samples()}
	// A new directory (and its new parent) is removed again.
	parent := filepath.Join(t.TempDir(), "new")
	dir := filepath.Join(parent, "report")
	if err := SaveReport(ctx, dir, r, res, time.Now()); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveReport: %v", err)
	}
	// Cancelled after some figures: the figure writer sees ctx done after
	// its first file.
	for _, n := range []int{1, 3, 20} {
		cctx := &countdown{Context: context.Background(), n: n}
		err := SaveReport(cctx, dir, r, res, time.Now())
		if err == nil && n < 20 {
			t.Errorf("SaveReport cancelled after %d checks succeeded", n)
		}
		if err != nil {
			if _, serr := os.Stat(parent); !os.IsNotExist(serr) {
				t.Errorf("cancelled after %d checks: %s left behind (%v)", n, parent, serr)
			}
		}
	}
	// In an existing directory only the new files are removed.
	old := t.TempDir()
	os.WriteFile(filepath.Join(old, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(old, "report.md"), []byte("# old report"), 0o644)
	cctx := &countdown{Context: context.Background(), n: 4}
	if err := SaveReport(cctx, old, r, res, time.Now()); err == nil {
		t.Fatal("SaveReport cancelled after 4 checks succeeded")
	}
	entries, _ := os.ReadDir(old)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"notes.txt", "report.md"}) {
		t.Errorf("left in an existing directory: %v", names)
	}
	if b, _ := os.ReadFile(filepath.Join(old, "report.md")); string(b) != "# old report" {
		t.Errorf("report.md %q", b)
	}
}

// countdown is a context that is cancelled at its n-th Err call.
type countdown struct {
	context.Context
	n, calls int
}

func (c *countdown) Err() error {
	c.calls++
	if c.calls >= c.n {
		return context.Canceled
	}
	return nil
}
