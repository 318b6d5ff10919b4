package main

// This file is the seam between the command line and the memory estimate
// of package redunet and the image decoder of package datasets: each is
// called through one small function here.

import (
	"context"

	"github.com/redunet-go/redunet/internal/sat"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
)

// estimateMemory returns an estimate of the peak memory, in bytes, of
// building (or applying: the layers are rebuilt) the net n on train
// training samples while applying it to evaluation sets of evals samples:
// the live heap the net adds (redunet.Net.MemoryEstimate) and the
// evaluation sets' own input arrays, which it does not count.
func estimateMemory(n *redunet.Net, train int, evals ...int) int64 {
	var e int64
	for _, v := range evals {
		e += int64(max(v, 0))
	}
	// At most the first evaluation set (the test split) has its rates
	// computed.
	return sat.Add(n.MemoryEstimateFor(train, evals, 1), sat.Mul(e, int64(n.SampleLen()), 8))
}

// imageOptions are the options of the image decoder that the flags -size,
// -gray and -max-pixels set, for folders of images and for predict.
type imageOptions struct {
	w, h      int  // 0: the size of the first image (folders)
	gray      bool // one gray channel instead of R, G, B
	maxPixels int  // 0: datasets.DefaultMaxPixels
}

// datasetOptions returns the options of the image decoder of package
// datasets (datasets.Load of a folder, datasets.ReadImage).
func (o imageOptions) datasetOptions() []datasets.Option {
	var opts []datasets.Option
	if o.w > 0 {
		opts = append(opts, datasets.Size(o.w, o.h))
	}
	if o.gray {
		opts = append(opts, datasets.Gray(true))
	}
	if o.maxPixels > 0 {
		opts = append(opts, datasets.MaxPixels(o.maxPixels))
	}
	return opts
}

// loadImage decodes one image file for predict at the size and channels
// of o (datasets.ReadImage, which refuses what is not a regular file and an
// image of more pixels than o.maxPixels before decoding it).
func loadImage(ctx context.Context, path string, o imageOptions) ([]float64, error) {
	x, _, err := datasets.ReadImage(ctx, path, o.datasetOptions()...)
	return x, err
}
