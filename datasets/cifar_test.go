package datasets_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// cifarPixel is the pixel byte j (0..3071) of the record with seed r in the
// files the tests write.
func cifarPixel(r, j int) byte { return byte(r*37 + j*7) }

// cifarRecords encodes one record per entry of labels (1 byte for CIFAR-10,
// coarse and fine for CIFAR-100), the record with index i having seed
// seed+i.
func cifarRecords(seed int, labels ...[]byte) []byte {
	var b []byte
	for i, l := range labels {
		b = append(b, l...)
		for j := range 3072 {
			b = append(b, cifarPixel(seed+i, j))
		}
	}
	return b
}

// writeCIFAR10 writes a CIFAR-10 tree under a temporary directory: the
// folder cifar-10-batches-bin holding data_batch_N.bin with two records
// (labels N−1 and 9, seeds 10N and 10N+1) and test_batch.bin with three
// (labels 3, 0, 9, seeds 100..102). It returns the parent and the folder.
func writeCIFAR10(t *testing.T) (parent, dir string) {
	t.Helper()
	parent = t.TempDir()
	dir = filepath.Join(parent, "cifar-10-batches-bin")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 5; n++ {
		writeFile(t, dir, fmt.Sprintf("data_batch_%d.bin", n), cifarRecords(10*n, []byte{byte(n - 1)}, []byte{9}))
	}
	writeFile(t, dir, "test_batch.bin", cifarRecords(100, []byte{3}, []byte{0}, []byte{9}))
	return parent, dir
}

// checkCIFAR checks the name, shape, labels and every value of s, whose
// sample i was written with seed seeds[i].
func checkCIFAR(t *testing.T, s *datasets.Set, name string, labels, seeds []int) {
	t.Helper()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Name != name || !slices.Equal(s.Shape, []int{3, 32, 32}) || !slices.Equal(s.Labels, labels) {
		t.Fatalf("got %q, shape %v, labels %v; want %q, [3 32 32], %v", s.Name, s.Shape, s.Labels, name, labels)
	}
	for i, seed := range seeds {
		for j, v := range s.Row(i) {
			if want := float64(cifarPixel(seed, j)) / 255; v != want {
				t.Fatalf("sample %d value %d = %v, want %v", i, j, v, want)
			}
		}
	}
}

func TestLoadCIFAR10(t *testing.T) {
	parent, dir := writeCIFAR10(t)
	train, err := datasets.LoadCIFAR10(t.Context(), parent, "train") // the parent of cifar-10-batches-bin
	if err != nil {
		t.Fatal(err)
	}
	checkCIFAR(t, train, "cifar10/train", []int{0, 9, 1, 9, 2, 9, 3, 9, 4, 9}, []int{10, 11, 20, 21, 30, 31, 40, 41, 50, 51})
	if !slices.Equal(train.Classes, []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}) {
		t.Errorf("default classes %q", train.Classes)
	}
	// The record is [R plane, G plane, B plane], each 32×32 row-major: the
	// value at (c=1, y=2, x=3) is pixel byte 1024 + 2·32 + 3.
	if got, want := train.Row(0)[1*1024+2*32+3], float64(cifarPixel(10, 1024+67))/255; got != want {
		t.Errorf("(1,2,3) = %v, want %v", got, want)
	}

	// batches.meta.txt as the archive has it: ten names, then blank lines.
	names := []string{"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"}
	writeFile(t, dir, "batches.meta.txt", []byte(strings.Join(names, "\n")+"\n\n"))
	test, err := datasets.LoadCIFAR10(t.Context(), dir, "test") // the folder itself
	if err != nil {
		t.Fatal(err)
	}
	checkCIFAR(t, test, "cifar10/test", []int{3, 0, 9}, []int{100, 101, 102})
	if !slices.Equal(test.Classes, names) {
		t.Errorf("classes %q, want %q", test.Classes, names)
	}

	// Limit stops in the middle of the second file.
	s, err := datasets.LoadCIFAR10(t.Context(), dir, "train", datasets.Limit(3))
	if err != nil {
		t.Fatal(err)
	}
	checkCIFAR(t, s, "cifar10/train", []int{0, 9, 1}, []int{10, 11, 20})
}

func TestLoadCIFAR100(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cifar-100-binary")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "train.bin", cifarRecords(0, []byte{19, 99}, []byte{0, 5}, []byte{7, 0}))
	writeFile(t, dir, "test.bin", cifarRecords(50, []byte{1, 2}))

	fine, err := datasets.LoadCIFAR100(t.Context(), dir, "train", true)
	if err != nil {
		t.Fatal(err)
	}
	checkCIFAR(t, fine, "cifar100/train", []int{99, 5, 0}, []int{0, 1, 2})
	if len(fine.Classes) != 100 || fine.Classes[0] != "0" || fine.Classes[99] != "99" {
		t.Errorf("default fine classes %q", fine.Classes)
	}
	coarse, err := datasets.LoadCIFAR100(t.Context(), filepath.Dir(dir), "train", false, datasets.Limit(2))
	if err != nil {
		t.Fatal(err)
	}
	checkCIFAR(t, coarse, "cifar100-coarse/train", []int{19, 0}, []int{0, 1})
	if len(coarse.Classes) != 20 || coarse.Classes[19] != "19" {
		t.Errorf("default coarse classes %q", coarse.Classes)
	}

	var coarseNames []string
	for i := range 20 {
		coarseNames = append(coarseNames, fmt.Sprintf("coarse%02d", i))
	}
	writeFile(t, dir, "coarse_label_names.txt", []byte(strings.Join(coarseNames, "\n")+"\n"))
	test, err := datasets.LoadCIFAR100(t.Context(), dir, "test", false)
	if err != nil {
		t.Fatal(err)
	}
	checkCIFAR(t, test, "cifar100-coarse/test", []int{1}, []int{50})
	if !slices.Equal(test.Classes, coarseNames) {
		t.Errorf("classes %q, want %q", test.Classes, coarseNames)
	}
}

func TestLoadCIFARErrors(t *testing.T) {
	_, dir := writeCIFAR10(t)
	good := readFile(t, filepath.Join(dir, "test_batch.bin"))

	// Every length that is not a whole number of records.
	for _, n := range []int{1, 3072, 3074, 2*3073 - 1, 2*3073 + 1, len(good) - 1} {
		p := writeFile(t, dir, "test_batch.bin", good[:min(n, len(good))])
		_, err := datasets.LoadCIFAR10(t.Context(), dir, "test")
		if msg := errText(err, p, "not a whole number of 3073-byte"); msg != "" || errClass(err) != "format" {
			t.Errorf("%d bytes: %v (%s), want a FormatError", n, err, msg)
		}
	}
	writeFile(t, dir, "test_batch.bin", good)

	bad := slices.Clone(good)
	bad[3073] = 10 // the label of the second record
	p := writeFile(t, dir, "test_batch.bin", bad)
	if _, err := datasets.LoadCIFAR10(t.Context(), dir, "test"); errText(err, p, "record 1: label 10 out of range (10 classes)") != "" ||
		errClass(err) != "format" {
		t.Errorf("label 10: got %v, want a FormatError", err)
	}

	missing := filepath.Join(dir, "data_batch_3.bin")
	if err := os.Remove(missing); err != nil {
		t.Fatal(err)
	}
	if _, err := datasets.LoadCIFAR10(t.Context(), dir, "train"); errText(err, missing) != "" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing batch: got %v, want fs.ErrNotExist naming %s", err, missing)
	}
	if _, err := datasets.LoadCIFAR10(t.Context(), dir, "valid"); errText(err, `cifar10: unknown split "valid"`) != "" {
		t.Errorf("unknown split: got %v", err)
	}
	meta := writeFile(t, dir, "batches.meta.txt", []byte("a\nb\n"))
	if _, err := datasets.LoadCIFAR10(t.Context(), dir, "test"); errText(err, meta, "2 class names, want 10") != "" || errClass(err) != "format" {
		t.Errorf("short meta file: got %v, want a FormatError", err)
	}

	// CIFAR-100: both label bytes are checked, whichever is used.
	dir100 := t.TempDir()
	p = writeFile(t, dir100, "train.bin", cifarRecords(0, []byte{0, 0}, []byte{3, 100}))
	for _, fine := range []bool{true, false} {
		if _, err := datasets.LoadCIFAR100(t.Context(), dir100, "train", fine); errText(err, p, "record 1: label 100 out of range (100 classes)") != "" ||
			errClass(err) != "format" {
			t.Errorf("fine=%v, fine label 100: got %v", fine, err)
		}
	}
	p = writeFile(t, dir100, "test.bin", cifarRecords(0, []byte{20, 0}))
	if _, err := datasets.LoadCIFAR100(t.Context(), dir100, "test", true); errText(err, p, "label 20 out of range (20 classes)") != "" ||
		errClass(err) != "format" {
		t.Errorf("coarse label 20: got %v", err)
	}
	p = writeFile(t, dir100, "test.bin", good) // CIFAR-10 records are 1 byte short
	if _, err := datasets.LoadCIFAR100(t.Context(), dir100, "test", true); errText(err, p) != "" || errClass(err) != "format" {
		t.Errorf("CIFAR-10 file as CIFAR-100: got %v", err)
	}
}

// A folder where a batch file should be is a FormatError.
func TestLoadCIFARFolderAsBatch(t *testing.T) {
	_, dir := writeCIFAR10(t)
	p := filepath.Join(dir, "data_batch_2.bin")
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := datasets.LoadCIFAR10(t.Context(), dir, "train"); errText(err, p, "a folder") != "" || errClass(err) != "format" {
		t.Errorf("folder as a batch: got %v, want a FormatError naming %s", err, p)
	}
}

func TestLoadCIFARSources(t *testing.T) {
	ctx := context.Background()
	parent, _ := writeCIFAR10(t)
	s, err := datasets.Load(ctx, "cifar10:"+parent, "test", datasets.Limit(2))
	if err != nil || s.Name != "cifar10/test" || s.Len() != 2 {
		t.Fatalf("cifar10:DIR: %v", err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "train.bin", cifarRecords(0, []byte{4, 42}))
	for source, want := range map[string]int{"cifar100:" + dir: 42, "cifar100-coarse:" + dir: 4} {
		s, err := datasets.Load(ctx, source, "train")
		if err != nil || s.Labels[0] != want {
			t.Errorf("%s: %v", source, err)
		}
	}
	for _, source := range []string{"cifar10", "cifar100", "cifar100-coarse"} {
		if _, err := datasets.Load(ctx, source, "train"); errText(err, source+":DIR") != "" {
			t.Errorf("%s without a directory: %s", source, errText(err, source+":DIR"))
		}
	}
}

func TestStandardize(t *testing.T) {
	s := &datasets.Set{X: []float64{0, 0.4734, 1}, Shape: []int{3}, Labels: []int{0}, Classes: []string{"a"}}
	datasets.Standardize(s, datasets.CIFAR10Mean, datasets.CIFAR10Std)
	want := []float64{-0.4734 / 0.2516, 0, 0.5266 / 0.2516}
	for i, v := range s.X {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Errorf("X[%d] = %v, want %v", i, v, want[i])
		}
	}
}
