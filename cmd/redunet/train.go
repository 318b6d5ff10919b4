package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/redunet"
)

var trainCmd = &command{
	name:    "train",
	summary: "build a ReduNet on labelled data, save it, and optionally evaluate it",
	usage: `Usage: redunet train [flags]

Builds a ReduNet layer by layer on the training split of -data (the first
-train-per-class samples of each class, in file order), prints the rates of
every layer, saves the model to -o, and with -test-per-class evaluates the
features on the test split with every classifier.

Example:
  redunet train -data mnist -classes 0-9 -train-per-class 100 -layers 20 -test-per-class 100 -o model.rdn

Flags:
`,
	flags: trainFlags,
}

// layerReport is one row of the per-layer table.
type layerReport struct {
	Layer int           `json:"layer"`
	True  redunet.Rates `json:"true"`
	Pred  redunet.Rates `json:"pred"`
	// Accuracy of the layer's own predictions ŷ on the training data.
	TrainAccuracy float64 `json:"train_accuracy"`
}

// trainReport is what train prints with -json.
type trainReport struct {
	Data         string             `json:"data"`
	Classes      []string           `json:"classes"`
	Arch         string             `json:"arch"`
	Dim          int                `json:"dim"`
	TrainSamples int                `json:"train_samples"`
	TestSamples  int                `json:"test_samples,omitempty"`
	Params       redunet.Params     `json:"params"`
	Input        redunet.Rates      `json:"input_rates"`
	Layers       []layerReport      `json:"layers"`
	Accuracy     []accuracy         `json:"accuracy,omitempty"`
	Model        string             `json:"model,omitempty"`
	Seconds      map[string]float64 `json:"seconds"`
}

func trainFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var (
		data       dataFlags
		p          redunet.Params
		arch       string
		trainPer   int
		testPer    int
		out        string
		float32    bool
		jsonOut    bool
		quiet      bool
		rank, knnK int
	)
	data.register(fs, "mnist")
	fs.IntVar(&trainPer, "train-per-class", 100, "training samples per class: the first N of each class in file order (0: all)")
	fs.IntVar(&testPer, "test-per-class", 0, "also evaluate on the first N test samples per class (0: no evaluation; -1: all)")
	fs.StringVar(&arch, "arch", "vector", "architecture: vector")
	paramFlags(fs, &p)
	fs.StringVar(&out, "o", "", "save the model to this file (written atomically)")
	fs.BoolVar(&float32, "float32", false, "store the model in single precision (half the size)")
	fs.BoolVar(&jsonOut, "json", false, "print a JSON report instead of tables")
	fs.BoolVar(&quiet, "q", false, "print nothing but errors (and the -json report)")
	fs.IntVar(&rank, "rank", 10, "subspace rank r of the nearest-subspace classifier")
	fs.IntVar(&knnK, "k", 5, "neighbours of the k-NN classifier")
	return func(ctx context.Context, e *env) error {
		if err := p.Validate(); err != nil {
			return usageError{err}
		}
		if arch != "vector" {
			return usagef("-arch %q: the architectures are: vector", arch)
		}
		if rank < 1 || knnK < 1 {
			return usagef("-rank and -k must be ≥ 1")
		}
		if trainPer < 0 {
			return usagef("-train-per-class %d: want ≥ 0", trainPer)
		}
		var w io.Writer = e.stdout
		if jsonOut || quiet {
			w = io.Discard
		}
		rep := trainReport{Data: data.source, Arch: arch, Params: p, Seconds: map[string]float64{}}
		t0 := time.Now()
		train, err := data.load(ctx, "train", trainPer, 0)
		if err != nil {
			return err
		}
		rep.Classes, rep.Dim, rep.TrainSamples = train.Classes, train.Dim(), train.Len()
		var evalSets [][]float64
		var test *splitData
		if testPer != 0 {
			ts, err := data.load(ctx, "test", max(testPer, 0), 0)
			if err != nil {
				return err
			}
			if strings.Join(ts.Classes, "\x00") != strings.Join(train.Classes, "\x00") {
				return fmt.Errorf("the test split's classes %v differ from the training split's %v", ts.Classes, train.Classes)
			}
			test = &splitData{x: ts.X, labels: ts.Labels}
			evalSets = [][]float64{ts.X}
			rep.TestSamples = ts.Len()
		}
		rep.Seconds["load"] = time.Since(t0).Seconds()
		d, k := train.Dim(), len(train.Classes)
		fmt.Fprintf(w, "data: %s, %d classes, %d training samples", data.source, k, train.Len())
		if test != nil {
			fmt.Fprintf(w, ", %d test samples", len(test.labels))
		}
		fmt.Fprintf(w, ", d = %d\nnet:  %s ReduNet, %d layers, η = %g, ε² = %g, λ = %g\n\n", d, arch, p.Layers, p.Eta, p.EpsSq, p.Lambda)

		// The per-layer table is printed row by row as layers are built, so
		// its columns have fixed widths.
		const rowFmt = "%5v %11v %11v %11v %11v %11v %12v %8v\n"
		fmt.Fprintf(w, rowFmt, "layer", "ΔR", "R", "Rc", "ΔR(ŷ)", "Rc(ŷ)", "train acc(ŷ)", "seconds")
		t1 := time.Now()
		tl := t1
		opt := redunet.BuildOptions{Keep: out != "", Eval: evalSets, Context: ctx}
		opt.OnLayer = func(lr redunet.LayerResult) {
			r := layerReport{Layer: lr.Layer, True: lr.True, Pred: lr.Pred, TrainAccuracy: eval.Accuracy(lr.Predicted, train.Labels)}
			rep.Layers = append(rep.Layers, r)
			f := func(v float64) string { return fmt.Sprintf("%.6f", v) }
			fmt.Fprintf(w, rowFmt, r.Layer, f(r.True.DeltaR), f(r.True.R), f(r.True.Rc), f(r.Pred.DeltaR), f(r.Pred.Rc),
				fmt.Sprintf("%.4f", r.TrainAccuracy), fmt.Sprintf("%.2f", time.Since(tl).Seconds()))
			tl = time.Now()
		}
		res, err := redunet.BuildVector(train.X, d, train.Labels, k, p, opt)
		if err != nil {
			return err
		}
		rep.Input = res.Input
		rep.Seconds["build"] = time.Since(t1).Seconds()
		fmt.Fprintf(w, "(input: ΔR = %.6f, R = %.6f, Rc = %.6f)\n", res.Input.DeltaR, res.Input.R, res.Input.Rc)

		if out != "" {
			t2 := time.Now()
			m := &redunet.Model{Arch: arch, Classes: train.Classes, InputShape: train.Shape, Vector: res.Net,
				Meta: map[string]string{"data": data.source, "classes": data.classes, "train_per_class": fmt.Sprint(trainPer), "created": time.Now().UTC().Format(time.RFC3339)}}
			if err := m.Save(out, redunet.SaveOptions{Float32: float32}); err != nil {
				return err
			}
			rep.Model = out
			rep.Seconds["save"] = time.Since(t2).Seconds()
			if fi, err := os.Stat(out); err == nil {
				fmt.Fprintf(w, "saved %s (%.1f MB)\n", out, float64(fi.Size())/1e6)
			}
		}
		if test != nil {
			t3 := time.Now()
			var lastTrain []int
			if n := len(res.Layers); n > 0 {
				lastTrain = res.Layers[n-1].Predicted
			}
			trainSplit := split{name: "train", raw: train.X, feat: res.Features, labels: train.Labels, redunet: lastTrain}
			testSplit := split{name: "test", raw: test.x, feat: res.Eval[0], labels: test.labels}
			if res.EvalPredicted != nil {
				testSplit.redunet = res.EvalPredicted[0]
			}
			acc, err := evaluate(d, k, trainSplit, []split{testSplit}, rank, knnK)
			if err != nil {
				return err
			}
			rep.Accuracy = acc
			rep.Seconds["evaluate"] = time.Since(t3).Seconds()
			fmt.Fprintln(w)
			printAccuracy(w, acc)
		}
		rep.Seconds["total"] = time.Since(t0).Seconds()
		fmt.Fprintf(w, "\ntotal %.1f s (load %.1f, build %.1f)\n", rep.Seconds["total"], rep.Seconds["load"], rep.Seconds["build"])
		if jsonOut {
			return writeJSON(e.stdout, rep)
		}
		return nil
	}
}

// splitData is a loaded evaluation split before transformation.
type splitData struct {
	x      []float64
	labels []int
}
