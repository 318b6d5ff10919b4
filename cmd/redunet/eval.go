package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

var evalCmd = &command{
	name:    "eval",
	summary: "evaluate a saved model's features on a test split",
	usage: `Usage: redunet eval -model FILE [flags]

Loads a model saved by 'redunet train', transforms the first -test-per-class
test samples of each of the model's classes (and with -shifts all the
all-shifts test set), fits every classifier on the model's training features
(and, for comparison, on its raw or lifted training input), and prints the
accuracy table.

Example:
  redunet eval -model model.rdn -test-per-class 100

Flags:
`,
	flags: evalFlags,
}

// evalReport is what eval prints with -json.
type evalReport struct {
	Model        string                `json:"model"`
	Data         string                `json:"data"`
	Classes      []string              `json:"classes"`
	Arch         string                `json:"arch"`
	Params       redunet.Params        `json:"params"`
	TestSamples  int                   `json:"test_samples"`
	ShiftSamples int                   `json:"shift_samples,omitempty"`
	Accuracy     []experiment.Accuracy `json:"accuracy"`
	Seconds      map[string]float64    `json:"seconds"`
}

func evalFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var (
		modelPath    string
		source       string
		testPer      int
		shifts       string
		shiftPer     int
		shiftedTrain bool
		workers      int
		jsonOut      bool
		quiet        bool
		rank, knnK   int
		imgFlags     imageFlags
		lim          memLimit
	)
	fs.StringVar(&modelPath, "model", "", "model file written by 'redunet train' (required)")
	fs.StringVar(&source, "data", "", "data source of the test split (default: the one the model was trained on; for a folder or .npy, which have no test split, the test samples are the ones after the model's training samples)")
	fs.IntVar(&testPer, "test-per-class", 100, "test samples per class: the first N of each class (-1 or 0: all)")
	fs.StringVar(&shifts, "shifts", "none", "also evaluate on the all-shifts test set (all) or not (none)")
	fs.IntVar(&shiftPer, "shift-per-class", 10, "test samples per class that the all-shifts set shifts (-1: all)")
	fs.BoolVar(&shiftedTrain, "shifted-train", false, "with -shifts all: also fit the classifiers on every training sample at every shift and report the all-shifts set against them as shifts* (conv models only)")
	registerWorkers(fs, &workers)
	fs.BoolVar(&jsonOut, "json", false, "print a JSON report instead of tables")
	fs.BoolVar(&quiet, "q", false, "print nothing but errors (and the -json report)")
	fs.IntVar(&rank, "rank", 10, "subspace rank r of the nearest-subspace classifier")
	fs.IntVar(&knnK, "k", 5, "neighbours of the k-NN classifier")
	imgFlags.register(fs)
	registerMemLimit(fs, &lim)
	return func(ctx context.Context, e *env) error {
		if modelPath == "" {
			return usagef("-model is required")
		}
		if rank < 1 || knnK < 1 {
			return usagef("-rank and -k must be ≥ 1")
		}
		if testPer < -1 {
			return usagef("-test-per-class %d: want ≥ 0 (0: all), or -1 for all", testPer)
		}
		if shiftPer < -1 || shiftPer == 0 {
			return usagef("-shift-per-class %d: want ≥ 1, or -1 for all", shiftPer)
		}
		if shifts != "none" && shifts != "all" {
			return usagef("-shifts %q: want all or none", shifts)
		}
		if shiftedTrain && shifts != "all" {
			return usagef("-shifted-train needs -shifts all")
		}
		if err := checkWorkers(workers); err != nil {
			return err
		}
		if source != "" {
			if err := checkSource("-data", source); err != nil {
				return err
			}
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		var w io.Writer = e.stdout
		if jsonOut || quiet {
			w = io.Discard
		}
		t0 := time.Now()
		m, err := loadModel(ctx, modelPath, lim)
		if err != nil {
			return err
		}
		layout, pre := experiment.ForModel(m)
		if shiftedTrain && layout.Arch == experiment.Vector {
			return usagef("-shifted-train: %s is a vector ReduNet, which is not shift-equivariant; the shifts* protocol needs a conv model", modelPath)
		}
		n := m.Net
		p, k, trainN := n.Params, n.K, len(n.Labels)
		rep := evalReport{Model: modelPath, Data: source, Classes: m.Classes, Arch: m.Arch(), Params: p, Seconds: map[string]float64{}}
		rep.Seconds["load_model"] = time.Since(t0).Seconds()
		t1 := time.Now()
		src := source
		if src == "" {
			src = m.Meta["data"]
		}
		img, err := modelImageOptions(m, pre, &imgFlags, src, set)
		if err != nil {
			return err
		}
		test, source, err := modelData(ctx, e, m, dataRequest{source: source, split: "test", perClass: max(testPer, 0), img: img})
		if err != nil {
			return err
		}
		rep.Data = source
		test.Name = experiment.TestSet
		d := &experiment.Data{Layout: layout, Evals: []*datasets.Set{test}}
		rep.TestSamples = test.Len()
		evals := []int{test.Len()}
		if shifts == "all" {
			evals = append(evals, shiftSetLen(d, shiftPer))
		}
		grid := 0
		if shiftedTrain {
			grid = len(experiment.ShiftGrid(n.Shape))
		}
		n.Workers = workers
		if err := checkMemory(protocolMemory(n, trainN, evals, grid), lim, "evaluating "+modelPath); err != nil {
			return err
		}
		if shifts == "all" {
			if err := addShifts(d, shiftPer); err != nil {
				return err
			}
			rep.ShiftSamples = d.Evals[1].Len()
		}
		rep.Seconds["load_data"] = time.Since(t1).Seconds()
		fmt.Fprintf(w, "model: %s: %s ReduNet, %d layers, η = %g, ε² = %g, λ = %g, %d classes, %d training samples\n",
			modelPath, m.Arch(), p.Layers, p.Eta, p.EpsSq, p.Lambda, k, trainN)
		for _, s := range d.Evals {
			fmt.Fprintf(w, "%s: %d samples\n", s.Name, s.Len())
		}
		fmt.Fprintln(w)

		t2 := time.Now()
		train, splits, err := experiment.Apply(ctx, m, d.Evals, workers)
		if err != nil {
			return err
		}
		rep.Seconds["transform"] = time.Since(t2).Seconds()
		t3 := time.Now()
		opt := eval.Options{Rank: rank, K: knnK}
		acc, err := experiment.Evaluate(ctx, k, train, splits, opt)
		if err != nil {
			return err
		}
		for _, sp := range splits {
			if !shiftedTrain || sp.Name != experiment.ShiftsSet {
				continue
			}
			_, signal := layout.Signal(m.InputShape)
			more, err := experiment.ShiftedTrain(ctx, k, train, sp, signal, opt)
			if err != nil {
				return err
			}
			acc = append(acc, more...)
		}
		rep.Accuracy = acc
		rep.Seconds["evaluate"] = time.Since(t3).Seconds()
		shifts := 0
		for _, sp := range splits {
			if sp.Name == experiment.ShiftsSet {
				shifts = len(sp.Labels)
			}
		}
		printAccuracy(w, acc, shifts)
		rep.Seconds["total"] = time.Since(t0).Seconds()
		fmt.Fprintf(w, "\ntotal %.1f s\n", rep.Seconds["total"])
		if jsonOut {
			return writeJSON(e.stdout, rep)
		}
		return nil
	}
}
