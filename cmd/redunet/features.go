package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/redunet-go/redunet/experiment"
)

var featuresCmd = &command{
	name:    "features",
	summary: "write a saved model's features of a data split to .npy or .csv",
	usage: `Usage: redunet features -model FILE -o OUT.npy|OUT.csv [flags]

Loads a model saved by 'redunet train', takes the first -per-class samples of
each of the model's classes (or of the classes -classes names) from the -split
split of -data, lays them out as the model's architecture takes them (the polar
transform for conv1d models of images), applies the network and writes the
features, one row per sample (m × feature dimension), to -o: a NumPy .npy file
of float64, or a .csv file of rows of comma-separated values (%.9g, no header).
With -raw it writes the network's input instead: the samples normalised (and,
for conv1d/conv2d models, lifted), the "raw" features of the evaluation.

The labels go beside it, OUT.labels.npy or OUT.labels.csv, as positions in the
list of classes that the summary prints (the model's own labels unless
-classes is given). Both files are written atomically, and neither if the
command fails or is interrupted; existing files are not overwritten without
-force, and never the command's input files.

Examples:
  redunet features -model model.rdn -o test.npy
  redunet features -model model.rdn -split train -per-class 10 -raw -o raw.csv

Flags:
`,
	flags: featuresFlags,
}

// featuresReport is what features prints with -json.
type featuresReport struct {
	Model   string   `json:"model"`
	Data    string   `json:"data"`
	Split   string   `json:"split"`
	Classes []string `json:"classes"`
	Samples int      `json:"samples"`
	Dim     int      `json:"dim"`
	Raw     bool     `json:"raw"`
	Output  string   `json:"output"`
	Labels  string   `json:"labels"`
}

func featuresFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var (
		modelPath string
		source    string
		split     string
		perClass  int
		classes   string
		out       string
		raw       bool
		force     bool
		workers   int
		jsonOut   bool
		imgFlags  imageFlags
		lim       memLimit
	)
	fs.StringVar(&modelPath, "model", "", "model file written by 'redunet train' (required)")
	fs.StringVar(&source, "data", "", "data source (default: the one the model was trained on)")
	fs.StringVar(&split, "split", "test", "split of the data: test or train (for a folder or .npy, which have no test split, the test samples of the model's data are the ones after its training samples)")
	fs.IntVar(&perClass, "per-class", 0, "samples per class: the first N of each class (0: all)")
	fs.StringVar(&classes, "classes", "", "classes of the data to use (default: the model's classes), "+classesHelp)
	fs.StringVar(&out, "o", "", "output file, .npy or .csv (required); the labels go to OUT.labels.npy or OUT.labels.csv")
	fs.BoolVar(&raw, "raw", false, "write the network's normalised (lifted) input instead of its features")
	fs.BoolVar(&force, "force", false, "overwrite existing output files")
	registerWorkers(fs, &workers)
	fs.BoolVar(&jsonOut, "json", false, "print a JSON summary instead of a line")
	imgFlags.register(fs)
	registerMemLimit(fs, &lim)
	return func(ctx context.Context, e *env) error {
		if modelPath == "" {
			return usagef("-model is required")
		}
		if out == "" {
			return usagef("-o is required")
		}
		ext := strings.ToLower(filepath.Ext(out))
		if ext != ".npy" && ext != ".csv" {
			return usagef("-o %s: unknown extension %q: want .npy or .csv", out, filepath.Ext(out))
		}
		if split != "test" && split != "train" {
			return usagef("-split %q: want test or train", split)
		}
		if perClass < 0 {
			return usagef("-per-class %d: want ≥ 0", perClass)
		}
		if err := checkWorkers(workers); err != nil {
			return err
		}
		if source != "" {
			if err := checkSource("-data", source); err != nil {
				return err
			}
		}
		if err := checkClassSyntax(classes); err != nil {
			return err
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		labelsOut := strings.TrimSuffix(out, filepath.Ext(out)) + ".labels" + ext
		in := inputs{files: []string{modelPath}}
		in.addSource(source)
		check := func() error {
			if err := sameTargets(out, labelsOut); err != nil {
				return err
			}
			for _, p := range []string{out, labelsOut} {
				if err := checkOutput(p, "-o", force, nil, &in); err != nil {
					return err
				}
			}
			return nil
		}
		if err := check(); err != nil {
			return err
		}

		m, err := loadModel(ctx, modelPath, lim)
		if err != nil {
			return err
		}
		src := source
		if src == "" {
			// The model's data are inputs too.
			src = m.Meta["data"]
			in.addSource(src)
			if err := check(); err != nil {
				return err
			}
		}
		_, pre := experiment.ForModel(m)
		img, err := modelImageOptions(m, pre, &imgFlags, src, set)
		if err != nil {
			return err
		}
		s, source, err := modelData(ctx, e, m, dataRequest{source: source, split: split, classes: classes, perClass: perClass, img: img})
		if err != nil {
			return err
		}
		m.Net.Workers = workers
		if err := checkMemory(protocolMemory(m.Net, len(m.Net.Labels), []int{s.Len()}, 0), lim, "computing the features"); err != nil {
			return err
		}
		var feat []float64
		if raw {
			// The network's input: the samples normalised (and lifted).
			if feat, err = m.Net.Prepare(s.X); err != nil {
				return err
			}
		} else {
			feats, _, err := m.Net.Transform(ctx, s.X)
			if err != nil {
				return err
			}
			feat = feats[0]
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		n := s.Len()
		if n == 0 || len(feat) == 0 {
			return fmt.Errorf("%s: no samples", s.Name)
		}
		dim := len(feat) / n
		labels := make([]float64, n)
		for i, y := range s.Labels {
			labels[i] = float64(y)
		}
		err = writeOutputs(ctx, []outputFile{
			{out, func(w io.Writer) error { return writeMatrix(w, ext, feat, n, dim) }},
			{labelsOut, func(w io.Writer) error { return writeMatrix(w, ext, labels, n, 1) }},
		})
		if err != nil {
			return err
		}
		if jsonOut {
			return writeJSON(e.stdout, featuresReport{Model: modelPath, Data: source, Split: split, Classes: s.Classes,
				Samples: n, Dim: dim, Raw: raw, Output: out, Labels: labelsOut})
		}
		what := "features"
		if raw {
			what = "raw input"
		}
		fmt.Fprintf(e.stdout, "wrote %s %d×%d of %d %s samples of %s (classes %s) to %s, labels to %s\n",
			what, n, dim, n, split, source, strings.Join(s.Classes, ", "), out, labelsOut)
		return nil
	}
}

// writeMatrix writes the m×n matrix x to w: as a .npy file of float64
// (shape [m, n], or [m] if n is 1), or with ext ".csv" as m lines of n
// comma-separated values formatted as %.9g.
func writeMatrix(w io.Writer, ext string, x []float64, m, n int) error {
	if ext == ".npy" {
		shape := []int{m, n}
		if n == 1 {
			shape = shape[:1]
		}
		return writeNPY(w, x, shape)
	}
	return writeCSV(w, x, n)
}

// writeNPY writes x, of the given shape, as a version 1.0 .npy file of
// little-endian float64 in C order (the format datasets.WriteNPY writes,
// here to a writer, so that it goes through the command's temporary files
// and stops when the command is interrupted).
func writeNPY(w io.Writer, x []float64, shape []int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", tuple)
	// Magic (6), version (2), header length (2), header padded with spaces
	// and ended by a newline to a multiple of 64 bytes.
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	if len(header) > 65535 {
		return fmt.Errorf("npy header of %d bytes is too long", len(header))
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("\x93NUMPY\x01\x00")
	bw.Write([]byte{byte(len(header)), byte(len(header) >> 8)})
	bw.WriteString(header)
	var b [8]byte
	for _, v := range x {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		if _, err := bw.Write(b[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeCSV writes the rows of x, n values each, as lines of comma-separated
// values formatted as %.9g.
func writeCSV(w io.Writer, x []float64, n int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var b []byte
	for i := 0; i < len(x); i += n {
		b = b[:0]
		for j, v := range x[i : i+n] {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendFloat(b, v, 'g', 9, 64)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
