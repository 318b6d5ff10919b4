package main

import (
	"context"
	"fmt"
	"os"

	"github.com/redunet-go/redunet/redunet"
)

// loadModel reads a model file (redunet.LoadModel), giving up when ctx is
// done. Before opening it, it refuses what is not a regular file (opening
// a FIFO would block) and a file larger than the memory limit; after
// reading it, a model whose input shape does not match its network.
func loadModel(ctx context.Context, path string, lim memLimit) (*redunet.Model, error) {
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("model %s: not a regular file", path)
		}
		if err := checkMemory(fi.Size(), lim, "loading the model "+path); err != nil {
			return nil, err
		}
	}
	m, err := withContext(ctx, func() (*redunet.Model, error) { return redunet.LoadModel(path) })
	if err != nil {
		return nil, err
	}
	if m.Net == nil {
		return nil, fmt.Errorf("model %s: no network", path)
	}
	d := 1
	for _, v := range m.InputShape {
		d *= v
	}
	if d != m.Net.SampleLen() || len(m.Classes) != m.Net.K {
		return nil, fmt.Errorf("model %s: inconsistent: input shape %s (%d values) and %d classes, for a network of %d input values and %d classes",
			path, shapeString(m.InputShape), d, len(m.Classes), m.Net.SampleLen(), m.Net.K)
	}
	return m, nil
}
