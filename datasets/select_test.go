package datasets_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// writeNPYPair writes a data array of 6 samples of shape [2] and their
// labels 10 3 10 7 3 10 to dir and returns the npy source naming them.
func writeNPYPair(t *testing.T, dir string, x []float64) string {
	t.Helper()
	data, labels := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := datasets.WriteNPY(data, x, []int{6, 2}, false); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNPY(labels, []float64{10, 3, 10, 7, 3, 10}, []int{6}, false); err != nil {
		t.Fatal(err)
	}
	return "npy:" + data + "," + labels
}

// writeSources writes a CIFAR-10 directory, an image folder and an npy
// pair (12 values, 0…11) and returns the CIFAR parent directory, the
// folder and the npy source.
func writeSources(t *testing.T) (cifar, folder, npy string) {
	t.Helper()
	cifar, _ = writeCIFAR10(t)
	folder, _ = writeImageFolder(t)
	x := make([]float64, 12)
	for i := range x {
		x[i] = float64(i)
	}
	return cifar, folder, writeNPYPair(t, t.TempDir(), x)
}

// sameSet reports how a and b differ in shape, classes, labels or values.
func sameSet(a, b *datasets.Set) string {
	switch {
	case !slices.Equal(a.Shape, b.Shape):
		return "shapes differ"
	case !slices.Equal(a.Classes, b.Classes):
		return "classes differ"
	case !slices.Equal(a.Labels, b.Labels):
		return "labels differ"
	case !slices.Equal(a.X, b.X):
		return "values differ"
	}
	return ""
}

// Every loader honours PerClass and Classes: it keeps the first n samples
// of each selected class in file order with their labels as in the file
// and every class name, so that Subset then gives what it gives on the
// whole set.
func TestPerClassEveryLoader(t *testing.T) {
	ctx := t.Context()
	cifar, folder, npy := writeSources(t)
	cases := []struct {
		source string
		ids    []int
		n      int
	}{
		{"mnist:" + fixtureDir, []int{0, 1, 7}, 3},
		{"mnist:" + fixtureDir, nil, 2},
		{"fashion-mnist:" + fixtureDir, []int{9}, 4},
		{"cifar10:" + cifar, []int{9}, 3},
		{"cifar10:" + cifar, []int{0, 9}, 1},
		{"cifar10:" + cifar, []int{4, 3, 2, 1, 0, 9}, 1},
		{"folder:" + folder, []int{1}, 2},
		{"folder:" + folder, []int{0, 2}, 1},
		{npy, []int{0, 2}, 1},
		{npy, []int{2}, 2},
		{npy, nil, 1},
	}
	for _, c := range cases {
		all, err := datasets.Load(ctx, c.source, "train")
		if err != nil {
			t.Fatal(err)
		}
		want, err := all.Subset(c.ids, c.n, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := datasets.Load(ctx, c.source, "train", datasets.PerClass(c.n), datasets.Classes(c.ids))
		if err != nil {
			t.Fatalf("%s %v %d: %v", c.source, c.ids, c.n, err)
		}
		if err := got.Validate(); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Classes, all.Classes) {
			t.Errorf("%s %v %d: classes %q, want all of %q", c.source, c.ids, c.n, got.Classes, all.Classes)
		}
		for k, m := range got.Counts() {
			if (c.ids != nil && !slices.Contains(c.ids, k) && m != 0) || m > c.n {
				t.Errorf("%s %v %d: %d samples of class %d", c.source, c.ids, c.n, m, k)
			}
		}
		sub, err := got.Subset(c.ids, c.n, 0)
		if err != nil {
			t.Fatalf("%s %v %d: Subset: %v", c.source, c.ids, c.n, err)
		}
		if msg := sameSet(sub, want); msg != "" {
			t.Errorf("%s %v %d: Subset after PerClass and Classes: %s from Subset of the whole set", c.source, c.ids, c.n, msg)
		}
		// PerClass alone keeps each class's first n in file order.
		got, err = datasets.Load(ctx, c.source, "train", datasets.PerClass(c.n))
		if err != nil {
			t.Fatal(err)
		}
		want, err = all.Subset(nil, c.n, 0)
		if err == nil {
			if msg := sameSet(got, want); msg != "" {
				t.Errorf("%s PerClass(%d): %s from Subset(nil, %d, 0)", c.source, c.n, msg, c.n)
			}
		}
	}

	// An id out of range is an error, whatever the loader.
	for _, source := range []string{"mnist:" + fixtureDir, "cifar10:" + cifar, "folder:" + folder, npy, "gaussian2d"} {
		if _, err := datasets.Load(ctx, source, "train", datasets.Classes([]int{0, 10})); errText(err, "class 10 out of range") != "" {
			t.Errorf("%s: Classes out of range: %s", source, errText(err, "class 10 out of range"))
		}
	}

	// The synthetic sources draw PerClass samples of each class and keep
	// the selected ones, labels unchanged.
	s, err := datasets.Load(ctx, "gaussian3d", "train", datasets.PerClass(4), datasets.Classes([]int{2, 0}))
	if err != nil {
		t.Fatal(err)
	}
	full, err := datasets.Load(ctx, "gaussian3d", "train", datasets.PerClass(4))
	if err != nil {
		t.Fatal(err)
	}
	want, err := full.Subset([]int{0, 2}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.Subset([]int{0, 2}, 0, 0)
	if err != nil || sameSet(sub, want) != "" || len(s.Classes) != 3 || s.Len() != 8 {
		t.Errorf("gaussian3d: %v, %d samples, classes %q", err, s.Len(), s.Classes)
	}
}

// With PerClass and Classes a loader stops reading once every selected
// class is complete: what follows in the file, even a truncated gzip stream,
// a bad label or NaN, is not read.
func TestPerClassStopsReading(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	// MNIST: the images file is a gzip stream cut in the middle; the first
	// labels are 5 0 4 1 9 2.
	images := readFile(t, filepath.Join(fixtureDir, "train-images-idx3-ubyte.gz"))
	writeFile(t, dir, "train-images-idx3-ubyte.gz", images[:len(images)/2])
	writeFile(t, dir, "train-labels-idx1-ubyte.gz", readFile(t, filepath.Join(fixtureDir, "train-labels-idx1-ubyte.gz")))
	if _, err := datasets.LoadMNIST(ctx, dir, "train"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("whole cut file: got %v, want io.ErrUnexpectedEOF", err)
	}
	s, err := datasets.LoadMNIST(ctx, dir, "train", datasets.PerClass(1), datasets.Classes([]int{5, 0, 4}))
	if err != nil || !slices.Equal(s.Labels, []int{5, 0, 4}) {
		t.Errorf("PerClass(1) of 5, 0, 4 from a cut file: %v, labels %v", err, s.Labels)
	}
	fix, err := datasets.LoadMNIST(ctx, fixtureDir, "train", datasets.Limit(3))
	if err != nil || !slices.Equal(s.X, fix.X) {
		t.Errorf("values differ from the fixture's: %v", err)
	}

	// CIFAR-10: test_batch.bin holds labels 3 0 9; a bad label in the last
	// record is found only if it is read.
	_, cdir := writeCIFAR10(t)
	b := readFile(t, filepath.Join(cdir, "test_batch.bin"))
	b[2*3073] = 200
	writeFile(t, cdir, "test_batch.bin", b)
	if _, err := datasets.LoadCIFAR10(ctx, cdir, "test"); errClass(err) != "format" {
		t.Fatalf("bad last label: got %v, want a FormatError", err)
	}
	if s, err := datasets.LoadCIFAR10(ctx, cdir, "test", datasets.PerClass(1), datasets.Classes([]int{0, 3})); err != nil || !slices.Equal(s.Labels, []int{3, 0}) {
		t.Errorf("CIFAR PerClass(1) of 0, 3: %v, labels %v", err, s)
	}

	// NPY: a NaN in the last sample (label 10), which the selection does not reach.
	x := make([]float64, 12)
	x[11] = math.NaN()
	npy := writeNPYPair(t, t.TempDir(), x)
	if _, err := datasets.Load(ctx, npy, "train"); errClass(err) != "format" {
		t.Fatalf("NaN: got %v, want a FormatError", err)
	}
	s, err = datasets.Load(ctx, npy, "train", datasets.PerClass(2), datasets.Classes([]int{0, 2})) // "3" and "10"
	if err != nil || !slices.Equal(s.Labels, []int{2, 0, 2, 0}) || !slices.Equal(s.Classes, []string{"3", "7", "10"}) {
		t.Errorf("NPY PerClass(2) of 3, 10: %v, %+v", err, s)
	}
}

// A small gzipped IDX file of many images costs the samples kept, not the
// images it declares: 30,000 images of zeros (23 MB, 190 MB as float64)
// in a 23 KB file, read for 5 of each class.
func TestPerClassMemory(t *testing.T) {
	const m = 30000
	dir := t.TempDir()
	var images bytes.Buffer
	zw := gzip.NewWriter(&images)
	zw.Write(idxBytes(datasets.IDXUint8, []uint32{m, 28, 28}, nil))
	zeros := make([]byte, 28*28*1000)
	for range m / 1000 {
		zw.Write(zeros)
	}
	zw.Close()
	lab := make([]byte, m)
	for i := range lab {
		lab[i] = byte(i % 10)
	}
	writeFile(t, dir, "train-images-idx3-ubyte.gz", images.Bytes())
	writeFile(t, dir, "train-labels-idx1-ubyte", idxBytes(datasets.IDXUint8, []uint32{m}, lab))
	var s *datasets.Set
	var err error
	n := allocated(func() { s, err = datasets.LoadMNIST(t.Context(), dir, "train", datasets.PerClass(5)) })
	if err != nil || s.Len() != 50 {
		t.Fatalf("%v, %d samples", err, s.Len())
	}
	if n > 16<<20 {
		t.Errorf("PerClass(5) allocated %d MiB", n>>20)
	}
}

// A header or a file system that declares more data than the file holds
// is refused before the data is allocated.
func TestDeclaredSizeBoundedByFile(t *testing.T) {
	dir := t.TempDir()
	// A plain IDX file that declares 1 GiB and holds 3 bytes.
	p := writeFile(t, dir, "lie.idx", idxBytes(datasets.IDXUint8, []uint32{1 << 30}, []byte{1, 2, 3}))
	var err error
	if n := allocated(func() { _, err = datasets.ReadIDXFile(p) }); n > 1<<20 {
		t.Errorf("ReadIDXFile allocated %d bytes", n)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || errText(err, p, "declares") != "" {
		t.Errorf("ReadIDXFile: got %v, want io.ErrUnexpectedEOF naming the file", err)
	}
	imgs := writeFile(t, dir, "imgs.idx", idxBytes(datasets.IDXUint8, []uint32{1 << 20, 32, 32}, make([]byte, 1024)))
	labs := writeFile(t, dir, "labs.idx", idxBytes(datasets.IDXUint8, []uint32{1 << 20}, make([]byte, 1<<20)))
	if n := allocated(func() { _, err = datasets.LoadIDXPair(t.Context(), imgs, labs, "lie", make([]string, 10)) }); n > 1<<20 {
		t.Errorf("LoadIDXPair allocated %d bytes", n)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || errText(err, imgs, "declares") != "" {
		t.Errorf("LoadIDXPair: got %v, want io.ErrUnexpectedEOF naming %s", err, imgs)
	}

	// An NPY file whose header declares 2^28 float64 values holds 24 bytes.
	p = writeFile(t, dir, "lie.npy", npyBytes(1, npyDict("<f8", "(16384, 16384)", 118), make([]byte, 24)))
	if n := allocated(func() { _, _, err = datasets.ReadNPY(p) }); n > 1<<20 {
		t.Errorf("ReadNPY allocated %d bytes", n)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || errText(err, p, "declares") != "" {
		t.Errorf("ReadNPY: got %v, want io.ErrUnexpectedEOF naming the file", err)
	}

	// A sparse CIFAR batch file larger than the limit (it was 12 GB in the
	// issue, and the loader allocated 8 bytes a pixel for all of it).
	_, cdir := writeCIFAR10(t)
	p = filepath.Join(cdir, "test_batch.bin")
	if err := os.Truncate(p, (160<<20/3073+1)*3073); err != nil {
		t.Fatal(err)
	}
	if n := allocated(func() { _, err = datasets.LoadCIFAR10(t.Context(), cdir, "test") }); n > 1<<20 {
		t.Errorf("LoadCIFAR10 allocated %d bytes", n)
	}
	if errClass(err) != "unsupported" || errText(err, p, "more than") != "" {
		t.Errorf("LoadCIFAR10 of a huge file: got %v, want an UnsupportedError naming %s", err, p)
	}
}

// Every loader honours Shard: the n shards of a selection are disjoint, of
// sizes that differ by at most one, and interleaved they give the selection
// as it loads without Shard, labels, values and classes alike. A shard index
// out of range is an error.
func TestShardEveryLoader(t *testing.T) {
	ctx := t.Context()
	cifar, folder, npy := writeSources(t)
	cases := []struct {
		source string
		opts   []datasets.Option
	}{
		{"mnist:" + fixtureDir, nil},
		{"mnist:" + fixtureDir, []datasets.Option{datasets.PerClass(2), datasets.Classes([]int{0, 1, 7})}},
		{"fashion-mnist:" + fixtureDir, []datasets.Option{datasets.Limit(5)}},
		{"cifar10:" + cifar, nil},
		{"cifar10:" + cifar, []datasets.Option{datasets.PerClass(1)}},
		{"folder:" + folder, nil},
		{"folder:" + folder, []datasets.Option{datasets.PerClass(1)}},
		{npy, nil},
		{npy, []datasets.Option{datasets.Classes([]int{0, 2})}},
		{"gaussian2d", []datasets.Option{datasets.PerClass(5)}},
		{"gaussian3d", []datasets.Option{datasets.PerClass(3), datasets.Classes([]int{2, 0})}},
	}
	for _, c := range cases {
		want, err := datasets.Load(ctx, c.source, "train", c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 2, 3, 7} {
			shards := make([]*datasets.Set, n)
			for i := range shards {
				if shards[i], err = datasets.Load(ctx, c.source, "train", append(slices.Clone(c.opts), datasets.Shard(i, n))...); err != nil {
					t.Fatalf("%s shard %d of %d: %v", c.source, i, n, err)
				}
			}
			got := &datasets.Set{Shape: shards[0].Shape, Classes: shards[0].Classes}
			d := want.Dim()
			for t0 := 0; ; t0++ {
				i, j := t0%n, t0/n
				if j >= shards[i].Len() {
					break
				}
				got.Labels = append(got.Labels, shards[i].Labels[j])
				got.X = append(got.X, shards[i].X[j*d:(j+1)*d]...)
			}
			total := 0
			for i, s := range shards {
				total += s.Len()
				if l := s.Len(); l != want.Len()/n && l != want.Len()/n+1 {
					t.Errorf("%s: shard %d of %d holds %d of %d samples", c.source, i, n, l, want.Len())
				}
			}
			if msg := sameSet(got, want); msg != "" || total != want.Len() {
				t.Errorf("%s: %d shards interleaved (%d of %d samples): %s", c.source, n, total, want.Len(), msg)
			}
		}
	}
	for _, source := range []string{"mnist:" + fixtureDir, "cifar10:" + cifar, "folder:" + folder, npy, "gaussian2d"} {
		for _, o := range []datasets.Option{datasets.Shard(3, 3), datasets.Shard(-1, 2), datasets.Shard(1, 1)} {
			if _, err := datasets.Load(ctx, source, "train", o); errText(err, "out of range") != "" {
				t.Errorf("%s: %s", source, errText(err, "out of range"))
			}
		}
	}
}
