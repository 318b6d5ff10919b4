package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/redunet-go/redunet/redunet"
)

var infoCmd = &command{
	name:    "info",
	summary: "describe a saved model",
	usage: `Usage: redunet info [flags] MODEL

Reads a model file written by 'redunet train', checking it whole, and prints
what it holds: the file's size, format version and element type, the
architecture, the parameters, the input shape, the channels and the lift of
conv1d/conv2d models, the classes, the training samples per class, the
feature dimension, and the provenance recorded with it (data source, date).

Examples:
  redunet info model.rdn
  redunet info -json model.rdn

Flags:
`,
	args:  true,
	flags: infoFlags,
}

// infoParams are the hyper-parameters as info reports them.
type infoParams struct {
	Eta    float64 `json:"eta"`
	EpsSq  float64 `json:"eps2"`
	Lambda float64 `json:"lambda"`
	Layers int     `json:"layers"`
	// Precision is the arithmetic of the layers' application.
	Precision string `json:"precision"`
}

// infoLift describes a lift.
type infoLift struct {
	In     int `json:"in"`
	Out    int `json:"out"`
	Kernel int `json:"kernel"`
	Dims   int `json:"dims"`
}

// infoReport is what info prints with -json.
type infoReport struct {
	File          string            `json:"file"`
	Size          int64             `json:"size"`
	Version       int               `json:"version"`
	DType         string            `json:"dtype"`
	Arch          string            `json:"arch"`
	Params        infoParams        `json:"params"`
	InputShape    []int             `json:"input_shape"`
	InChannels    int               `json:"in_channels,omitempty"`
	Channels      int               `json:"channels,omitempty"`
	SignalShape   []int             `json:"signal_shape,omitempty"`
	Lift          *infoLift         `json:"lift,omitempty"`
	Classes       []string          `json:"classes"`
	TrainSamples  int               `json:"train_samples"`
	TrainPerClass []int             `json:"train_per_class"`
	FeatureDim    int               `json:"feature_dim"`
	Meta          map[string]string `json:"meta,omitempty"`

	// Preprocess is how the model prepares raw inputs, as it records it
	// (nil for models that record none).
	Preprocess *redunet.Preprocess `json:"preprocess,omitempty"`
}

func infoFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var jsonOut bool
	fs.BoolVar(&jsonOut, "json", false, "print a JSON description instead of lines of text")
	var lim memLimit
	registerMemLimit(fs, &lim)
	return func(ctx context.Context, e *env) error {
		if len(e.args) != 1 {
			return usagef("want one model file, have %d arguments", len(e.args))
		}
		path := e.args[0]
		m, err := loadModel(ctx, path, lim)
		if err != nil {
			return err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		r := describeModel(m)
		r.File, r.Size = path, fi.Size()
		if jsonOut {
			return writeJSON(e.stdout, r)
		}
		return printInfo(e, r)
	}
}

// describeModel returns the report of m, without the file's name and size.
func describeModel(m *redunet.Model) *infoReport {
	n := m.Net
	r := &infoReport{Version: m.Version, DType: m.DType, Arch: m.Arch(), InputShape: m.InputShape, Classes: m.Classes, Meta: m.Meta}
	p, labels := n.Params, n.Labels
	r.FeatureDim = n.FeatureLen()
	if p := m.Preprocess; p.Image != nil || p.Polar != nil {
		r.Preprocess = &p
	}
	if r.Arch != "vector" {
		r.InChannels, r.Channels, r.SignalShape = n.InChannels, n.C, n.Shape
		if l := n.Lift; l != nil {
			r.Lift = &infoLift{In: l.In, Out: l.Out, Kernel: l.K, Dims: l.Dims}
		}
	}
	r.Params = infoParams{Eta: p.Eta, EpsSq: p.EpsSq, Lambda: p.Lambda, Layers: p.Layers, Precision: p.Precision}
	if r.Params.Precision == "" {
		r.Params.Precision = redunet.Float64
	}
	r.TrainSamples = len(labels)
	r.TrainPerClass = make([]int, len(m.Classes))
	for _, y := range labels {
		r.TrainPerClass[y]++ // labels are checked against the classes on loading
	}
	return r
}

// printInfo prints r as aligned "key: value" lines.
func printInfo(e *env, r *infoReport) error {
	type line struct{ key, value string }
	lines := []line{
		{"file", r.File},
		{"size", byteSize(r.Size)},
		{"format", fmt.Sprintf("version %d, %s", r.Version, r.DType)},
		{"architecture", r.Arch},
		{"parameters", fmt.Sprintf("η = %g, ε² (eps2) = %g, λ = %g, %d layers, %s", r.Params.Eta, r.Params.EpsSq, r.Params.Lambda, r.Params.Layers, r.Params.Precision)},
		{"input shape", shapeString(r.InputShape)},
	}
	if r.Arch != "vector" {
		lines = append(lines,
			line{"signal shape", shapeString(r.SignalShape)},
			line{"channels", fmt.Sprintf("%d in, %d in the layers", r.InChannels, r.Channels)})
		lift := "none"
		if l := r.Lift; l != nil {
			k := make([]int, l.Dims)
			for i := range k {
				k[i] = l.Kernel
			}
			lift = fmt.Sprintf("%d→%d channels, kernel %s, %d-D", l.In, l.Out, shapeString(k), l.Dims)
		}
		lines = append(lines, line{"lift", lift})
	}
	counts := make([]string, len(r.Classes))
	for i, c := range r.Classes {
		counts[i] = fmt.Sprintf("%s: %d", c, r.TrainPerClass[i])
	}
	lines = append(lines,
		line{"classes", fmt.Sprintf("%d: %s", len(r.Classes), strings.Join(r.Classes, ", "))},
		line{"training samples", fmt.Sprintf("%d; per class %s", r.TrainSamples, strings.Join(counts, ", "))},
		line{"feature dim", fmt.Sprint(r.FeatureDim)})
	if p := r.Preprocess; p != nil {
		var steps []string
		if i := p.Image; i != nil {
			steps = append(steps, fmt.Sprintf("images %s", shapeString([]int{i.Channels, i.Height, i.Width})))
		}
		if t := p.Polar; t != nil {
			steps = append(steps, fmt.Sprintf("polar transform, %d radii × %d angles", t.Radii, t.Angles))
		}
		lines = append(lines, line{"preprocess", strings.Join(steps, "; ")})
	}
	keys := make([]string, 0, len(r.Meta))
	for k := range r.Meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		lines = append(lines, line{"meta " + k, r.Meta[k]})
	}
	width := 0
	for _, l := range lines {
		width = max(width, len([]rune(l.key)))
	}
	for _, l := range lines {
		s := strings.TrimRight(fmt.Sprintf("%-*s %s", width+1, l.key+":", l.value), " ")
		if _, err := fmt.Fprintln(e.stdout, s); err != nil {
			return err
		}
	}
	return nil
}

// byteSize formats a file size in bytes and, from a kilobyte on, in kB, MB
// or GB.
func byteSize(n int64) string {
	s := fmt.Sprintf("%d bytes", n)
	switch {
	case n >= 1e9:
		s += fmt.Sprintf(" (%.1f GB)", float64(n)/1e9)
	case n >= 1e6:
		s += fmt.Sprintf(" (%.1f MB)", float64(n)/1e6)
	case n >= 1e3:
		s += fmt.Sprintf(" (%.1f kB)", float64(n)/1e3)
	}
	return s
}

// shapeString writes a shape as 1×28×28.
func shapeString(shape []int) string {
	s := make([]string, len(shape))
	for i, v := range shape {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, "×")
}
