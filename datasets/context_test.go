package datasets_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// Every loader that reads files stops with an error wrapping ctx.Err()
// that names what it was reading when ctx is done.
func TestLoadersCancel(t *testing.T) {
	_, cdir := writeCIFAR10(t)
	ndir := t.TempDir()
	data, labels := filepath.Join(ndir, "x.npy"), filepath.Join(ndir, "y.npy")
	if err := datasets.WriteNPY(data, []float64{1, 2}, []int{2, 1}, false); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNPY(labels, []float64{0, 1}, []int{2}, false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, c := range []struct {
		what, name string
		load       func() error
	}{
		{"LoadMNIST", fixtureDir, func() error { _, err := datasets.LoadMNIST(ctx, fixtureDir, "train"); return err }},
		{"LoadCIFAR10", cdir, func() error { _, err := datasets.LoadCIFAR10(ctx, cdir, "test"); return err }},
		{"LoadNPY", data, func() error { _, err := datasets.LoadNPY(ctx, data, labels); return err }},
		{"Load npy", data, func() error { _, err := datasets.Load(ctx, "npy:"+data+","+labels, "train"); return err }},
		{"Load mnist", fixtureDir, func() error { _, err := datasets.Load(ctx, "mnist:"+fixtureDir, "test"); return err }},
	} {
		if err := c.load(); !errors.Is(err, context.Canceled) || errText(err, c.name) != "" {
			t.Errorf("%s: got %v, want context.Canceled naming %s", c.what, err, c.name)
		}
	}
}
