package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
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
-classes is given). Both files are written atomically; existing files are not
overwritten without -force.

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
	)
	fs.StringVar(&modelPath, "model", "", "model file written by 'redunet train' (required)")
	fs.StringVar(&source, "data", "", "data source (default: the one the model was trained on)")
	fs.StringVar(&split, "split", "test", "split of the data: test or train")
	fs.IntVar(&perClass, "per-class", 0, "samples per class: the first N of each class (0: all)")
	fs.StringVar(&classes, "classes", "", "classes of the data to use, e.g. 0-9 or 0,1 (default: the model's classes)")
	fs.StringVar(&out, "o", "", "output file, .npy or .csv (required); the labels go to OUT.labels.npy or OUT.labels.csv")
	fs.BoolVar(&raw, "raw", false, "write the network's normalised (lifted) input instead of its features")
	fs.BoolVar(&force, "force", false, "overwrite existing output files")
	fs.IntVar(&workers, "workers", 0, "goroutines (0: all cores); results do not depend on it")
	fs.BoolVar(&jsonOut, "json", false, "print a JSON summary instead of a line")
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
		var ids []int
		if classes != "" {
			var err error
			if ids, err = datasets.ParseClasses(classes); err != nil {
				return usageError{err}
			}
		}
		labelsOut := strings.TrimSuffix(out, filepath.Ext(out)) + ".labels" + ext
		if err := checkOutputs(force, out, labelsOut); err != nil {
			return err
		}

		m, err := redunet.LoadModel(modelPath)
		if err != nil {
			return err
		}
		s, source, err := modelData(ctx, e, m, source, split, ids, perClass, 0)
		if err != nil {
			return err
		}
		m.Net.Workers = workers
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
		n := s.Len()
		if n == 0 || len(feat) == 0 {
			return fmt.Errorf("%s: no samples", s.Name)
		}
		dim := len(feat) / n
		labels := make([]float64, n)
		for i, y := range s.Labels {
			labels[i] = float64(y)
		}
		err = writeOutputs([]outputFile{
			{out, func(p string) error { return writeMatrix(p, ext, feat, n, dim) }},
			{labelsOut, func(p string) error { return writeMatrix(p, ext, labels, n, 1) }},
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

// checkOutputs refuses to go on, unless force, if one of the output files
// exists, and in any case if the folder one is to go into does not.
func checkOutputs(force bool, paths ...string) error {
	for _, p := range paths {
		if fi, err := os.Stat(filepath.Dir(p)); err != nil {
			return fmt.Errorf("cannot write %s: %w", p, err)
		} else if !fi.IsDir() {
			return fmt.Errorf("cannot write %s: %s is not a folder", p, filepath.Dir(p))
		}
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return fmt.Errorf("cannot write %s: it is a folder", p)
		case err == nil && !force:
			return fmt.Errorf("%s exists (use -force to overwrite it)", p)
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("cannot write %s: %w", p, err)
		}
	}
	return nil
}

// outputFile is a file to write: its path and a function that writes it
// whole to the path it is given.
type outputFile struct {
	path  string
	write func(path string) error
}

// writeOutputs writes every file to a temporary file beside it and, once all
// are written, renames them into place, so that a failure leaves none of
// them written or changed, and the files belong together.
func writeOutputs(files []outputFile) (err error) {
	tmps := make([]string, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range tmps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		t, err := os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".tmp-*")
		if err != nil {
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
		tmps = append(tmps, t.Name())
		t.Close()
		if err := f.write(t.Name()); err != nil {
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], f.path); err != nil {
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
	}
	return nil
}

// writeMatrix writes the m×n matrix x to path: an .npy file of float64
// (shape [m, n], or [m] if n is 1), or with ext ".csv" m lines of n
// comma-separated values formatted as %.9g.
func writeMatrix(path, ext string, x []float64, m, n int) error {
	if ext == ".npy" {
		shape := []int{m, n}
		if n == 1 {
			shape = shape[:1]
		}
		return datasets.WriteNPY(path, x, shape, false)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if err := writeCSV(f, x, n); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
