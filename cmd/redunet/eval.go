package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
)

var evalCmd = &command{
	name:    "eval",
	summary: "evaluate a saved model's features on a test split",
	usage: `Usage: redunet eval -model FILE [flags]

Loads a model saved by 'redunet train', transforms the first -test-per-class
test samples of each of the model's classes, fits every classifier on the
model's training features (and, for comparison, on its raw training input),
and prints the accuracy table.

Example:
  redunet eval -model model.rdn -test-per-class 100

Flags:
`,
	flags: evalFlags,
}

// evalReport is what eval prints with -json.
type evalReport struct {
	Model       string             `json:"model"`
	Data        string             `json:"data"`
	Classes     []string           `json:"classes"`
	Arch        string             `json:"arch"`
	Params      redunet.Params     `json:"params"`
	TestSamples int                `json:"test_samples"`
	Accuracy    []accuracy         `json:"accuracy"`
	Seconds     map[string]float64 `json:"seconds"`
}

func evalFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var (
		modelPath  string
		source     string
		testPer    int
		jsonOut    bool
		quiet      bool
		rank, knnK int
	)
	fs.StringVar(&modelPath, "model", "", "model file written by 'redunet train' (required)")
	fs.StringVar(&source, "data", "", "data source of the test split (default: the one the model was trained on)")
	fs.IntVar(&testPer, "test-per-class", 100, "test samples per class: the first N of each class (-1 or 0: all)")
	fs.BoolVar(&jsonOut, "json", false, "print a JSON report instead of tables")
	fs.BoolVar(&quiet, "q", false, "print nothing but errors (and the -json report)")
	fs.IntVar(&rank, "rank", 10, "subspace rank r of the nearest-subspace classifier")
	fs.IntVar(&knnK, "k", 5, "neighbours of the k-NN classifier")
	return func(ctx context.Context, e *env) error {
		if modelPath == "" {
			return usagef("-model is required")
		}
		if rank < 1 || knnK < 1 {
			return usagef("-rank and -k must be ≥ 1")
		}
		var w io.Writer = e.stdout
		if jsonOut || quiet {
			w = io.Discard
		}
		t0 := time.Now()
		m, err := redunet.LoadModel(modelPath)
		if err != nil {
			return err
		}
		net := m.Vector
		if source == "" {
			source = m.Meta["data"]
		}
		if source == "" {
			return usagef("the model does not say what data it was trained on: give -data")
		}
		rep := evalReport{Model: modelPath, Data: source, Classes: m.Classes, Arch: m.Arch, Params: net.Params, Seconds: map[string]float64{}}
		rep.Seconds["load_model"] = time.Since(t0).Seconds()
		t1 := time.Now()
		all, err := datasets.Load(ctx, source, "test")
		if err != nil {
			return err
		}
		test, err := selectClasses(all, m.Classes, max(testPer, 0))
		if err != nil {
			return err
		}
		if test.Dim() != net.D {
			return fmt.Errorf("%s has samples of dimension %d (shape %v); the model takes %d (shape %v)", test.Name, test.Dim(), test.Shape, net.D, m.InputShape)
		}
		rep.TestSamples = test.Len()
		rep.Seconds["load_data"] = time.Since(t1).Seconds()
		t2 := time.Now()
		feat, yhat := net.Transform(nil, test.X)
		rep.Seconds["transform"] = time.Since(t2).Seconds()
		fmt.Fprintf(w, "model: %s: %s ReduNet, %d layers, η = %g, ε² = %g, λ = %g, %d classes, %d training samples, d = %d\n",
			modelPath, m.Arch, net.Params.Layers, net.Params.Eta, net.Params.EpsSq, net.Params.Lambda, net.K, len(net.Labels), net.D)
		fmt.Fprintf(w, "test:  %s, %d samples\n\n", test.Name, test.Len())
		t3 := time.Now()
		trainSplit := split{name: "train", raw: net.TrainInput(), feat: net.Final, labels: net.Labels, redunet: net.TrainPredicted()}
		testSplit := split{name: "test", raw: test.X, feat: feat, labels: test.Labels, redunet: yhat}
		acc, err := evaluate(net.D, net.K, trainSplit, []split{testSplit}, rank, knnK)
		if err != nil {
			return err
		}
		rep.Accuracy = acc
		rep.Seconds["evaluate"] = time.Since(t3).Seconds()
		printAccuracy(w, acc)
		rep.Seconds["total"] = time.Since(t0).Seconds()
		fmt.Fprintf(w, "\ntotal %.1f s\n", rep.Seconds["total"])
		if jsonOut {
			return writeJSON(e.stdout, rep)
		}
		return nil
	}
}
