//go:build unix

package datasets_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/redunet-go/redunet/datasets"
)

// mkfifo makes a named pipe at path, or skips the test.
func mkfifo(t *testing.T, path string) string {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return path
}

// within runs f and fails the test if it has not returned after 10 s: a
// loader that opens a named pipe for reading waits for a writer for ever.
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still blocked after 10 s", what)
		return nil
	}
}

// A named pipe, a device or a socket where a loader expects a file is
// refused at once, with an error wrapping ErrNotRegular that names it; in
// a class folder it is skipped and listed. Symbolic links to regular files
// are followed.
func TestNonRegularFiles(t *testing.T) {
	ctx := t.Context()
	// A folder: a named pipe and /dev/null among the images, a symbolic
	// link to an image.
	dir, _ := writeImageFolder(t)
	cat := filepath.Join(dir, "cat")
	fifo := mkfifo(t, filepath.Join(cat, "a0-pipe.png"))
	null := filepath.Join(cat, "a1-null.png")
	if err := os.Symlink("/dev/null", null); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zebra", "y-link.png")
	if err := os.Symlink(filepath.Join(dir, "zebra", "x.png"), link); err != nil {
		t.Fatal(err)
	}
	var s *datasets.Set
	err := within(t, "LoadFolder", func() (err error) { s, _, err = datasets.LoadFolder(ctx, dir); return err })
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Skipped) < 2 || s.Skipped[0].Path != fifo || s.Skipped[1].Path != null {
		t.Fatalf("skipped %q, want the pipe and /dev/null first", skippedPaths(s.Skipped))
	}
	for _, f := range s.Skipped[:2] {
		if !errors.Is(f.Err, datasets.ErrNotRegular) {
			t.Errorf("%s skipped for %v, want ErrNotRegular", f.Path, f.Err)
		}
	}
	if c := s.Counts(); !slices.Equal(c, []int{3, 4, 2}) {
		t.Errorf("counts %v, want [3 4 2]: the link to x.png is an image", c)
	}
	// A named pipe as the folder itself, or as a class folder (ignored).
	mkfifo(t, filepath.Join(dir, "pipe-class"))
	if err := within(t, "LoadFolder", func() (err error) { s, _, err = datasets.LoadFolder(ctx, dir); return err }); err != nil || len(s.Classes) != 3 {
		t.Errorf("a pipe beside the class folders: %v, classes %q", err, s.Classes)
	}
	top := mkfifo(t, filepath.Join(t.TempDir(), "pipe"))
	err = within(t, "LoadFolder", func() error { _, _, err := datasets.LoadFolder(ctx, top); return err })
	if errText(err, top, "not a folder") != "" {
		t.Errorf("a pipe as the folder: got %v", err)
	}
	for _, p := range []string{fifo, "/dev/null"} {
		err = within(t, "ReadImage", func() error { _, _, err := datasets.ReadImage(ctx, p); return err })
		if !errors.Is(err, datasets.ErrNotRegular) || errText(err, p) != "" {
			t.Errorf("ReadImage(%s): got %v, want ErrNotRegular naming it", p, err)
		}
		err = within(t, "LoadImage", func() error { _, err := datasets.LoadImage(p, 4, 4, false); return err })
		if !errors.Is(err, datasets.ErrNotRegular) {
			t.Errorf("LoadImage(%s): got %v, want ErrNotRegular", p, err)
		}
	}

	// IDX: the pipe as a file of its own and as MNIST's images; a link to
	// the real labels file works.
	mdir := t.TempDir()
	images := mkfifo(t, filepath.Join(mdir, "train-images-idx3-ubyte"))
	labels := filepath.Join(mdir, "train-labels-idx1-ubyte.gz")
	target, err := filepath.Abs(filepath.Join(fixtureDir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, labels); err != nil {
		t.Fatal(err)
	}
	if x, err := datasets.ReadIDXFile(labels); err != nil || x.Len() != 100 {
		t.Errorf("a link to the labels: %v", err)
	}
	for what, f := range map[string]func() error{
		"ReadIDXFile": func() error { _, err := datasets.ReadIDXFile(images); return err },
		"LoadMNIST":   func() error { _, err := datasets.LoadMNIST(ctx, mdir, "train"); return err },
	} {
		if err := within(t, what, f); !errors.Is(err, datasets.ErrNotRegular) || errText(err, images) != "" {
			t.Errorf("%s of a pipe: got %v, want ErrNotRegular naming %s", what, err, images)
		}
	}

	// NPY: the pipe as data or labels.
	ndir := t.TempDir()
	npyPipe := mkfifo(t, filepath.Join(ndir, "pipe.npy"))
	good := filepath.Join(ndir, "good.npy")
	if err := datasets.WriteNPY(good, []float64{0, 1}, []int{2, 1}, false); err != nil {
		t.Fatal(err)
	}
	for what, f := range map[string]func() error{
		"ReadNPY":        func() error { _, _, err := datasets.ReadNPY(npyPipe); return err },
		"LoadNPY data":   func() error { _, err := datasets.LoadNPY(ctx, npyPipe, good); return err },
		"LoadNPY labels": func() error { _, err := datasets.LoadNPY(ctx, good, npyPipe); return err },
	} {
		if err := within(t, what, f); !errors.Is(err, datasets.ErrNotRegular) || errText(err, npyPipe) != "" {
			t.Errorf("%s of a pipe: got %v, want ErrNotRegular naming %s", what, err, npyPipe)
		}
	}

	// CIFAR: the pipe as a batch file or as the file of class names.
	_, cdir := writeCIFAR10(t)
	batch := filepath.Join(cdir, "test_batch.bin")
	if err := os.Remove(batch); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, batch)
	err = within(t, "LoadCIFAR10", func() error { _, err := datasets.LoadCIFAR10(ctx, cdir, "test"); return err })
	if !errors.Is(err, datasets.ErrNotRegular) || errText(err, batch) != "" {
		t.Errorf("a pipe as a batch: got %v", err)
	}
	meta := mkfifo(t, filepath.Join(cdir, "batches.meta.txt"))
	err = within(t, "LoadCIFAR10", func() error { _, err := datasets.LoadCIFAR10(ctx, cdir, "train"); return err })
	if !errors.Is(err, datasets.ErrNotRegular) || errText(err, meta) != "" {
		t.Errorf("a pipe as batches.meta.txt: got %v", err)
	}
}
