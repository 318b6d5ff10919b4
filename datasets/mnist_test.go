package datasets_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// checkFixture checks a set loaded from the fixture split: its size, shape,
// names, first labels, and every value against the raw bytes of the file.
func checkFixture(t *testing.T, s *datasets.Set, name, prefix string, firstLabels []int) {
	t.Helper()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Name != name || s.Len() != 100 || !slices.Equal(s.Shape, []int{1, 28, 28}) {
		t.Fatalf("got %q with %d samples of shape %v, want %q, 100, [1 28 28]", s.Name, s.Len(), s.Shape, name)
	}
	if !slices.Equal(s.Labels[:len(firstLabels)], firstLabels) {
		t.Errorf("first labels %v, want %v", s.Labels[:len(firstLabels)], firstLabels)
	}
	raw := gunzipFile(t, filepath.Join(fixtureDir, prefix+"-images-idx3-ubyte.gz"))[16:]
	for i, v := range s.X {
		if v < 0 || v > 1 || v != float64(raw[i])/255 {
			t.Fatalf("X[%d] = %v, want %d/255", i, v, raw[i])
		}
	}
	if lo, hi := slices.Min(s.X), slices.Max(s.X); lo != 0 || hi != 1 {
		t.Errorf("values span [%v, %v], want [0, 1]", lo, hi)
	}
}

func TestLoadMNISTFixture(t *testing.T) {
	train, err := datasets.LoadMNIST(t.Context(), fixtureDir, "train")
	if err != nil {
		t.Fatal(err)
	}
	// The first training labels of MNIST are 5 0 4 1 9, the first test labels 7 2 1 0 4.
	checkFixture(t, train, "mnist/train", "train", []int{5, 0, 4, 1, 9})
	if want := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}; !slices.Equal(train.Classes, want) {
		t.Errorf("classes %v, want %v", train.Classes, want)
	}
	test, err := datasets.LoadMNIST(t.Context(), fixtureDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	checkFixture(t, test, "mnist/test", "t10k", []int{7, 2, 1, 0, 4})
}

func TestLoadFashionMNIST(t *testing.T) {
	// The fixture is MNIST, but the files have the same names and format.
	s, err := datasets.LoadFashionMNIST(t.Context(), fixtureDir, "train")
	if err != nil {
		t.Fatal(err)
	}
	checkFixture(t, s, "fashion-mnist/train", "train", []int{5, 0, 4, 1, 9})
	if len(s.Classes) != 10 || s.Classes[0] != "T-shirt/top" || s.Classes[9] != "Ankle boot" {
		t.Errorf("classes %q", s.Classes)
	}
}

// Plain files are read as well as gzipped ones.
func TestLoadMNISTPlainFiles(t *testing.T) {
	dir := t.TempDir()
	for _, base := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte"} {
		writeFile(t, dir, base, gunzipFile(t, filepath.Join(fixtureDir, base+".gz")))
	}
	s, err := datasets.LoadMNIST(t.Context(), dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	checkFixture(t, s, "mnist/train", "train", []int{5, 0, 4, 1, 9})
	_, err = datasets.LoadMNIST(t.Context(), dir, "test")
	if msg := errText(err, "t10k-images-idx3-ubyte", dir); msg != "" {
		t.Errorf("missing test files: %s", msg)
	}
}

func TestLoadMNISTLimit(t *testing.T) {
	all, err := datasets.LoadMNIST(t.Context(), fixtureDir, "train")
	if err != nil {
		t.Fatal(err)
	}
	s, err := datasets.LoadMNIST(t.Context(), fixtureDir, "train", datasets.Limit(7))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 7 || !slices.Equal(s.X, all.X[:7*784]) || !slices.Equal(s.Labels, all.Labels[:7]) {
		t.Errorf("Limit(7): %d samples, not the first 7", s.Len())
	}
	if s, err := datasets.LoadMNIST(t.Context(), fixtureDir, "train", datasets.Limit(1000)); err != nil || s.Len() != 100 {
		t.Errorf("Limit(1000) of 100: %v", err)
	}
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	s, err := datasets.Load(ctx, "mnist:"+fixtureDir, "test")
	if err != nil || s.Name != "mnist/test" || s.Len() != 100 {
		t.Fatalf("mnist:DIR: %v", err)
	}
	s, err = datasets.Load(ctx, "fashion-mnist:"+fixtureDir, "train", datasets.Limit(3))
	if err != nil || s.Name != "fashion-mnist/train" || s.Len() != 3 || s.Classes[1] != "Trouser" {
		t.Fatalf("fashion-mnist:DIR: %v", err)
	}
	errs := []struct{ source, split, want string }{
		{"imagenet", "train", `datasets: unknown source "imagenet" (known: mnist[:DIR], fashion-mnist[:DIR]`},
		{"imagenet", "train", "npy:DATA.npy,LABELS.npy, gaussian2d, gaussian3d, sinusoid)"},
		{"MNIST", "train", `unknown source "MNIST"`},
		{"mnist:", "train", "empty directory"},
		{"mnist:" + fixtureDir, "valid", `datasets: mnist: unknown split "valid" (want train or test)`},
		{"fashion-mnist:/nonexistent/dir", "train", "/nonexistent/dir"},
		{"npy", "train", "npy:DATA.npy,LABELS.npy"},
		{"npy:", "train", "empty file list"},
		{"npy:a.npy", "train", `npy source "a.npy": want npy:DATA.npy,LABELS.npy`},
		{"npy:a.npy,b.npy", "valid", `datasets: npy: unknown split "valid"`},
		{"gaussian2d:7", "train", `source "gaussian2d:7": gaussian2d takes nothing after a colon`},
		{"sinusoid", "validation", `sinusoid: unknown split "validation"`},
	}
	if _, err := os.Stat(datasets.DefaultFashionMNISTDir); err != nil {
		errs = append(errs, struct{ source, split, want string }{"fashion-mnist", "train", "dataset-fashion-mnist"})
	}
	for _, c := range errs {
		_, err := datasets.Load(ctx, c.source, c.split)
		if msg := errText(err, c.want); msg != "" {
			t.Errorf("Load(%q, %q): %s", c.source, c.split, msg)
		}
	}
}

// Every source is listed once, with its usage and a summary, in the order
// of Load's error; and each source's usage appears in the doc of Load.
func TestSources(t *testing.T) {
	want := []string{"mnist", "fashion-mnist", "cifar10", "cifar100", "cifar100-coarse", "folder", "npy",
		"gaussian2d", "gaussian3d", "sinusoid"}
	src := datasets.Sources()
	var names, usages []string
	for _, s := range src {
		names = append(names, s.Name)
		usages = append(usages, s.Usage)
		if !strings.HasPrefix(s.Usage, s.Name) || s.Summary == "" || strings.Contains(s.Summary, "\n") {
			t.Errorf("%+v: want a usage starting with the name and a one-line summary", s)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	_, err := datasets.Load(context.Background(), "nosuch", "train")
	if msg := errText(err, "(known: "+strings.Join(usages, ", ")+")"); msg != "" {
		t.Error(msg)
	}
	src[0].Name = "changed"
	if datasets.Sources()[0].Name != "mnist" {
		t.Error("changing the result of Sources changed the sources")
	}

	// The doc comment of Load shows every usage.
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "load.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "Load" {
			doc = fn.Doc.Text()
		}
	}
	for _, s := range src {
		forms := []string{s.Usage}
		if name, opt, ok := strings.Cut(s.Usage, "["); ok { // name[:DIR]: both forms
			forms = []string{name, name + strings.TrimSuffix(opt, "]")}
		}
		for _, u := range forms {
			if !strings.Contains(doc, "\t"+u+" ") {
				t.Errorf("the doc of Load does not show %s", u)
			}
		}
	}
}

func TestLoadIDXPairErrors(t *testing.T) {
	dir := t.TempDir()
	digits := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	images3 := writeFile(t, dir, "images3", idxBytes(datasets.IDXUint8, []uint32{3, 2, 2}, make([]byte, 12)))
	labels2 := writeFile(t, dir, "labels2", idxBytes(datasets.IDXUint8, []uint32{2}, []byte{0, 1}))
	labels3 := writeFile(t, dir, "labels3.gz", gzipBytes(t, idxBytes(datasets.IDXUint8, []uint32{3}, []byte{0, 10, 1})))
	images16 := writeFile(t, dir, "images16", idxBytes(datasets.IDXInt16, []uint32{2, 1, 1}, make([]byte, 4)))
	images2d := writeFile(t, dir, "images2d", idxBytes(datasets.IDXUint8, []uint32{2, 4}, make([]byte, 8)))
	labels2d := writeFile(t, dir, "labels2d", idxBytes(datasets.IDXUint8, []uint32{2, 1}, []byte{0, 1}))
	bad := writeFile(t, dir, "bad", []byte("not an idx file"))
	cases := []struct {
		images, labels string
		class          string // of the error, as errClass names it
		want           []string
	}{
		{images3, labels2, "format", []string{images3, labels2, "3 images", "2 labels"}},
		{images3, labels3, "format", []string{labels3, "label 10 of sample 1"}},
		{images16, labels2, "format", []string{images16, "type 0x0b"}},
		{images2d, labels2, "format", []string{images2d, "dims [2 4]"}},
		{images3, labels2d, "format", []string{labels2d, "dims [2 1]"}},
		{bad, labels2, "format", []string{bad, "magic"}},
		{images3, bad, "format", []string{bad, "magic"}},
		{filepath.Join(dir, "none"), labels2, "other", []string{filepath.Join(dir, "none")}},
	}
	for _, c := range cases {
		_, err := datasets.LoadIDXPair(t.Context(), c.images, c.labels, "pair", digits)
		if msg := errText(err, c.want...); msg != "" {
			t.Errorf("LoadIDXPair(%s, %s): %s", c.images, c.labels, msg)
		}
		if got := errClass(err); got != c.class {
			t.Errorf("LoadIDXPair(%s, %s): %v is of class %s, want %s", c.images, c.labels, err, got, c.class)
		}
	}
	s, err := datasets.LoadIDXPair(t.Context(), images3, labels3, "pair", make([]string, 11))
	if err != nil || !slices.Equal(s.Labels, []int{0, 10, 1}) || !slices.Equal(s.Shape, []int{1, 2, 2}) {
		t.Errorf("11 classes: %v", err)
	}
}

// TestMNISTDir locates the real MNIST through the go command, with the
// module proxy turned off so that the test never touches the network: it
// runs where the module cache already holds the module (as on the
// project's machines) and is skipped elsewhere.
func TestMNISTDir(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		if _, err := os.Stat("/usr/local/go/bin/go"); err != nil {
			t.Skip("no go command: ", err)
		}
	}
	t.Setenv("GOPROXY", "off")
	dir, err := datasets.MNISTDir(context.Background())
	if err != nil {
		if strings.Contains(err.Error(), "GOPROXY=off") {
			t.Skip("MNIST module not in the module cache: ", err)
		}
		t.Fatal(err)
	}
	labels, err := datasets.ReadIDXFile(filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if labels.Len() != 60000 || labels.At(0) != 5 {
		t.Errorf("train labels: %d, first %v; want 60000, first 5", labels.Len(), labels.At(0))
	}
	test, err := datasets.LoadMNIST(t.Context(), dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if test.Len() != 10000 {
		t.Errorf("test split: %d images, want 10000", test.Len())
	}
	// The fixture is the first 100 samples of the real files.
	for _, split := range []string{"train", "test"} {
		full, err := datasets.LoadMNIST(t.Context(), dir, split, datasets.Limit(100))
		if err != nil {
			t.Fatal(err)
		}
		fix, err := datasets.LoadMNIST(t.Context(), fixtureDir, split)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(full.X, fix.X) || !slices.Equal(full.Labels, fix.Labels) {
			t.Errorf("%s: the fixture is not the first 100 samples of MNIST", split)
		}
	}
}
