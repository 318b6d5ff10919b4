package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
)

var trainCmd = &command{
	name:    "train",
	summary: "build a ReduNet on labelled data, save it, and optionally evaluate it",
	usage: `Usage: redunet train [flags]

Builds a ReduNet layer by layer on the training split of -data (the first
-train-per-class samples of each class, in file order), prints the rates of
every layer, saves the model to -o, and with -test-per-class evaluates the
features on the test split with every classifier (and with -shifts all on the
all-shifts test set too).

Examples:
  redunet train -data mnist -classes 0-9 -train-per-class 100 -layers 20 -test-per-class 100 -o model.rdn
  redunet train -arch conv2d -channels 75 -kernel 9 -train-per-class 10 -layers 25 -test-per-class 10 -shifts all
  redunet train -arch conv1d -channels 20 -kernel 5 -train-per-class 10 -layers 40 -test-per-class 10 -shifts all

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
	// Eval has the rates of the test features with the true labels
	// (repro only).
	Eval    []redunet.Rates `json:"test,omitempty"`
	Seconds float64         `json:"seconds"`
}

// trainReport is what train prints with -json.
type trainReport struct {
	Data         string             `json:"data"`
	Classes      []string           `json:"classes"`
	Arch         string             `json:"arch"`
	InputShape   []int              `json:"input_shape"`
	Dim          int                `json:"dim"`
	TrainSamples int                `json:"train_samples"`
	TestSamples  int                `json:"test_samples,omitempty"`
	ShiftSamples int                `json:"shift_samples,omitempty"`
	Params       redunet.Params     `json:"params"`
	Input        redunet.Rates      `json:"input_rates"`
	Layers       []layerReport      `json:"layers"`
	Accuracy     []accuracy         `json:"accuracy,omitempty"`
	Model        string             `json:"model,omitempty"`
	Seconds      map[string]float64 `json:"seconds"`
}

func trainFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var (
		data         dataFlags
		af           archFlags
		p            redunet.Params
		trainPer     int
		testPer      int
		shifts       string
		shiftPer     int
		shiftedTrain bool
		out          string
		reportDir    string
		float32      bool
		jsonOut      bool
		quiet        bool
		rank, knnK   int
	)
	data.register(fs, "mnist")
	fs.IntVar(&trainPer, "train-per-class", 100, "training samples per class: the first N of each class in file order (0: all)")
	fs.IntVar(&testPer, "test-per-class", 0, "also evaluate on the first N test samples per class (0: no evaluation; -1: all)")
	fs.StringVar(&shifts, "shifts", "none", "with -test-per-class: also evaluate on the all-shifts test set (all) or not (none)")
	fs.IntVar(&shiftPer, "shift-per-class", 10, "test samples per class that the all-shifts set shifts")
	fs.BoolVar(&shiftedTrain, "shifted-train", false, "with -shifts all: also fit the classifiers on every training sample at every shift (16× or 20× the training set; slow for large sets) and report the all-shifts set against them as shifts*")
	af.register(fs)
	paramFlags(fs, &p)
	fs.StringVar(&out, "o", "", "save the model to this file (written atomically)")
	fs.StringVar(&reportDir, "report", "", "also write report.md, results.json and PNG figures (rates per layer, similarity heatmaps and histograms, accuracy) into this directory")
	fs.BoolVar(&float32, "float32", false, "store the model in single precision (half the size)")
	fs.BoolVar(&jsonOut, "json", false, "print a JSON report instead of tables")
	fs.BoolVar(&quiet, "q", false, "print nothing but errors (and the -json report)")
	fs.IntVar(&rank, "rank", 10, "subspace rank r of the nearest-subspace classifier")
	fs.IntVar(&knnK, "k", 5, "neighbours of the k-NN classifier")
	return func(ctx context.Context, e *env) error {
		if err := p.Validate(); err != nil {
			return usageError{err}
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := af.check(set); err != nil {
			return err
		}
		if rank < 1 || knnK < 1 {
			return usagef("-rank and -k must be ≥ 1")
		}
		if trainPer < 0 {
			return usagef("-train-per-class %d: want ≥ 0", trainPer)
		}
		if shifts != "none" && shifts != "all" {
			return usagef("-shifts %q: want all or none", shifts)
		}
		if shifts == "all" && testPer == 0 {
			return usagef("-shifts all needs -test-per-class")
		}
		var w io.Writer = e.stdout
		if jsonOut || quiet {
			w = io.Discard
		}
		rep := trainReport{Data: data.source, Arch: af.arch, Params: p, Seconds: map[string]float64{}}
		t0 := time.Now()
		spin := newProgress(e, quiet || jsonOut, -1, "loading data")
		defer spin.Done()
		train, err := data.load(ctx, "train", trainPer, 0)
		if err != nil {
			return err
		}
		reportSkipped(e, train)
		train, cin, shape, err := af.layout(train)
		if err != nil {
			return err
		}
		rep.Classes, rep.InputShape, rep.TrainSamples = train.Classes, train.Shape, train.Len()
		var evalSets []*datasets.Set
		if testPer != 0 {
			skip := 0
			if singleSplit(data.source) {
				skip = trainPer // the test samples follow the training samples
			}
			ts, err := data.load(ctx, "test", max(testPer, 0), skip)
			if err != nil {
				return err
			}
			if !slices.Equal(ts.Classes, train.Classes) {
				return fmt.Errorf("the test split's classes %v differ from the training split's %v", ts.Classes, train.Classes)
			}
			if ts, _, _, err = af.layout(ts); err != nil {
				return err
			}
			ts.Name = "test"
			evalSets = append(evalSets, ts)
			rep.TestSamples = ts.Len()
			if shifts == "all" {
				sh, err := allShifts(ts, af.arch, shiftPer)
				if err != nil {
					return err
				}
				sh.Name = "shifts"
				evalSets = append(evalSets, sh)
				rep.ShiftSamples = sh.Len()
			}
		}
		spin.Done()
		rep.Seconds["load"] = time.Since(t0).Seconds()
		k := len(train.Classes)
		fmt.Fprintf(w, "data: %s, %d classes, %d training samples of shape %v", data.source, k, train.Len(), train.Shape)
		for _, s := range evalSets {
			fmt.Fprintf(w, ", %d %s samples", s.Len(), s.Name)
		}
		fmt.Fprintf(w, "\nnet:  %s ReduNet, %d layers, η = %g, ε² = %g, λ = %g", af.arch, p.Layers, p.Eta, p.EpsSq, p.Lambda)
		if af.arch != "vector" && af.lift != "none" {
			fmt.Fprintf(w, ", lift %d→%d channels, kernel %d, seed %d", cin, af.channels, af.kernel, af.seed)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w)

		meta := af.meta()
		meta["data"], meta["classes"], meta["train_per_class"] = data.source, data.classes, fmt.Sprint(trainPer)
		meta["created"] = time.Now().UTC().Format(time.RFC3339)
		x := &experiment{train: train, evals: evalSets, inCh: cin, shape: shape, af: af, params: p, keep: out != "",
			shiftedTrain: shiftedTrain, evalRates: reportDir != "", rank: rank, knnK: knnK, meta: meta, w: w, ctx: ctx, e: e, quiet: quiet || jsonOut}
		res, err := x.run()
		if err != nil {
			return err
		}
		rep.Input, rep.Layers, rep.Dim, rep.Accuracy = res.trace.Input, res.layers, res.dim, res.acc
		for k, v := range res.seconds {
			rep.Seconds[k] = v
		}
		model := res.model
		if out != "" {
			t2 := time.Now()
			if err := model.Save(out, redunet.SaveOptions{Float32: float32}); err != nil {
				return err
			}
			rep.Model = out
			rep.Seconds["save"] = time.Since(t2).Seconds()
			if fi, err := os.Stat(out); err == nil {
				fmt.Fprintf(w, "saved %s (%.1f MB)\n", out, float64(fi.Size())/1e6)
			}
		}
		if len(rep.Accuracy) > 0 {
			fmt.Fprintln(w)
			printAccuracy(w, rep.Accuracy)
		}
		if reportDir != "" {
			cfg := reproConfig{Name: "train", Description: "redunet train on " + data.source, Arch: af.arch, Data: data.source,
				Classes: data.classes, TrainPer: trainPer, TestPer: testPer, Shifts: shifts == "all", Layers: p.Layers,
				Eta: p.Eta, EpsSq: p.EpsSq, Lambda: p.Lambda, Rank: rank}
			if af.arch != "vector" {
				cfg.Lift, cfg.Channels, cfg.Kernel = af.lift, af.channels, af.kernel
				if af.arch == "conv1d" {
					cfg.Radii, cfg.Angles = af.radii, af.angles
				}
			}
			rr := reproResults{Config: cfg, Scale: "custom", Data: data.source, Input: res.trace.Input, Layers: res.layers,
				Accuracy: res.acc, Seconds: rep.Seconds, Samples: map[string]int{"train": train.Len()}, GoMaxProcs: af.workers}
			for _, s := range evalSets {
				rr.Samples[s.Name] = s.Len()
			}
			if err := saveReport(reportDir, &rr, train, evalSets, res, t0); err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %s/report.md, results.json and %d figures\n", reportDir, len(rr.Figures))
		}
		rep.Seconds["total"] = time.Since(t0).Seconds()
		fmt.Fprintf(w, "\ntotal %.1f s (load %.1f, build %.1f)\n", rep.Seconds["total"], rep.Seconds["load"], rep.Seconds["build"])
		if jsonOut {
			return writeJSON(e.stdout, rep)
		}
		return nil
	}
}
