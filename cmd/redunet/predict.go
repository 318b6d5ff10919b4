package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

var predictCmd = &command{
	name:    "predict",
	summary: "classify image files with a saved model",
	usage: `Usage: redunet predict -model FILE [flags] IMAGE...

Decodes every image file (PNG, JPEG, GIF, BMP, TIFF or WebP) as the model's
input: resized to the model's image size if it differs (Lanczos), gray for
models of 1-channel images, R, G, B for 3-channel ones, values in [0,1]. For
conv1d models of images (polar transform) the image is decoded gray at the
size of the training images and goes through the polar transform the model
was trained with. All images then go through the network at once, and for
each file it prints the class with the largest π̂ of the last layer
(ReduNet's own classifier) and that π̂, its confidence; -json adds the three
most likely classes.

A file that cannot be read or decoded (not an image, damaged, not a regular
file, an image of more than -max-pixels pixels) is reported on stderr and the
others are still classified; the exit status is then 1. Flags may also follow
the files; a file whose name starts with "-" goes after "--".

Example:
  redunet predict -model model.rdn digit1.png digit2.jpg

Flags:
`,
	args:  true,
	flags: predictFlags,
}

// classProb is a class and its π̂.
type classProb struct {
	Class string  `json:"class"`
	Prob  float64 `json:"prob"`
}

// prediction is what predict says about one file.
type prediction struct {
	File  string `json:"file"`
	Class string `json:"class"`
	Label int    `json:"label"`
	// Confidence is π̂ of the predicted class.
	Confidence float64     `json:"confidence"`
	Top        []classProb `json:"top"`
}

// fileError is a file that predict could not read.
type fileError struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// predictReport is what predict prints with -json.
type predictReport struct {
	Model       string       `json:"model"`
	Predictions []prediction `json:"predictions"`
	Errors      []fileError  `json:"errors,omitempty"`
}

func predictFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var (
		modelPath string
		workers   int
		jsonOut   bool
		maxPixels int
		lim       memLimit
	)
	fs.StringVar(&modelPath, "model", "", "model file written by 'redunet train' (required)")
	registerWorkers(fs, &workers)
	fs.BoolVar(&jsonOut, "json", false, "print a JSON report, with the three most likely classes of each file")
	fs.IntVar(&maxPixels, "max-pixels", 0, "refuse to decode an image of more than N pixels, such as a decompression bomb (0: the default bound)")
	registerMemLimit(fs, &lim)
	return func(ctx context.Context, e *env) error {
		files := e.args
		if modelPath == "" {
			return usagef("-model is required")
		}
		if len(files) == 0 {
			return usagef("no image files")
		}
		if err := checkWorkers(workers); err != nil {
			return err
		}
		if maxPixels < 0 {
			return usagef("-max-pixels %d: want ≥ 0", maxPixels)
		}
		m, err := loadModel(ctx, modelPath, lim)
		if err != nil {
			return err
		}
		layout, pre := experiment.ForModel(m)
		c, h, w, err := imageInput(m, pre)
		if err != nil {
			return fmt.Errorf("model %s: %w", modelPath, err)
		}
		m.Net.Workers = workers
		if err := checkMemory(estimateMemory(m.Net, len(m.Net.Labels), len(files)), lim, "classifying "+fmt.Sprint(len(files))+" images"); err != nil {
			return err
		}

		rep := predictReport{Model: modelPath}
		s := &datasets.Set{Name: "images", Shape: []int{c, h, w}, Classes: []string{""}}
		var decoded []string
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			x, err := loadImage(ctx, f, imageOptions{w: w, h: h, gray: c == 1, maxPixels: maxPixels})
			if err := ctx.Err(); err != nil {
				return err
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "redunet predict: %v\n", err)
				rep.Errors = append(rep.Errors, fileError{f, err.Error()})
				continue
			}
			s.X = append(s.X, x...)
			s.Labels = append(s.Labels, 0)
			decoded = append(decoded, f)
		}
		if len(decoded) > 0 {
			if s, err = layout.Apply(s); err != nil {
				return err
			}
			if fmt.Sprint(s.Shape) != fmt.Sprint(m.InputShape) {
				return fmt.Errorf("the images have shape %v; the model %s takes %v", s.Shape, modelPath, m.InputShape)
			}
			_, yhat, pi, err := m.Net.Predict(ctx, s.X)
			if err != nil {
				return err
			}
			if yhat == nil {
				return fmt.Errorf("model %s has no layers: it has no classifier of its own", modelPath)
			}
			k := len(m.Classes)
			for i, f := range decoded {
				p := pi[i*k : (i+1)*k]
				order := make([]int, k)
				for j := range order {
					order[j] = j
				}
				slices.SortStableFunc(order, func(a, b int) int {
					switch {
					case p[a] > p[b]:
						return -1
					case p[a] < p[b]:
						return 1
					}
					return 0
				})
				pr := prediction{File: f, Class: m.Classes[yhat[i]], Label: yhat[i], Confidence: p[yhat[i]]}
				for _, j := range order[:min(3, k)] {
					pr.Top = append(pr.Top, classProb{m.Classes[j], p[j]})
				}
				rep.Predictions = append(rep.Predictions, pr)
			}
		}
		if jsonOut {
			if err := writeJSON(e.stdout, rep); err != nil {
				return err
			}
		} else if len(rep.Predictions) > 0 {
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "file\tclass\tconfidence")
			for _, p := range rep.Predictions {
				fmt.Fprintf(tw, "%s\t%s\t%.3f\n", p.File, p.Class, p.Confidence)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if n := len(rep.Errors); n > 0 {
			return fmt.Errorf("%d of %d files could not be read", n, len(files))
		}
		return nil
	}
}

// imageInput returns the size and channels at which images are decoded for
// the model: the image format it records (pre, from experiment.ForModel):
// that of its input for vector and conv2d models of 1- or 3-channel images,
// that of the training images for conv1d models of images in polar form.
func imageInput(m *redunet.Model, pre redunet.Preprocess) (c, h, w int, err error) {
	shape := m.InputShape
	img := pre.Image
	if m.Arch() == "conv1d" {
		if p := pre.Polar; img != nil && p != nil && len(shape) == 2 && shape[0] == p.Radii && shape[1] == p.Angles {
			return img.Channels, img.Height, img.Width, nil
		}
		return 0, 0, 0, fmt.Errorf("conv1d model of %v signals, not of images in polar form", shape)
	}
	if img == nil || (img.Channels != 1 && img.Channels != 3) || img.Height < 1 || img.Width < 1 {
		return 0, 0, 0, fmt.Errorf("input of shape %v, not 1- or 3-channel images", shape)
	}
	return img.Channels, img.Height, img.Width, nil
}
