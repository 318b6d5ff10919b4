package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/internal/atomicfile"
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

// trainReport is what train prints with -json.
type trainReport struct {
	Data         string                `json:"data"`
	Classes      []string              `json:"classes"`
	Arch         string                `json:"arch"`
	InputShape   []int                 `json:"input_shape"`
	Dim          int                   `json:"dim"`
	TrainSamples int                   `json:"train_samples"`
	TestSamples  int                   `json:"test_samples,omitempty"`
	ShiftSamples int                   `json:"shift_samples,omitempty"`
	Params       redunet.Params        `json:"params"`
	Input        redunet.Rates         `json:"input_rates"`
	Layers       []experiment.Layer    `json:"layers"`
	Accuracy     []experiment.Accuracy `json:"accuracy,omitempty"`
	Model        string                `json:"model,omitempty"`
	// SelectedDepth and DepthCurve are the outcome of -select-depth: the
	// depth chosen, of at most MaxDepth layers, and the held-out accuracy
	// at every depth it was chosen from.
	SelectedDepth *int               `json:"selected_depth,omitempty"`
	MaxDepth      int                `json:"max_depth,omitempty"`
	DepthCurve    []experiment.Depth `json:"depth_curve,omitempty"`
	Seconds       map[string]float64 `json:"seconds"`
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
		force        bool
		reportDir    string
		float32      bool
		jsonOut      bool
		quiet        bool
		rank, knnK   int
		selectDepth  float64
		lim          memLimit
	)
	data.register(fs, "mnist")
	fs.IntVar(&trainPer, "train-per-class", 100, "training samples per class: the first N of each class in file order (0: all)")
	fs.IntVar(&testPer, "test-per-class", 0, "also evaluate on the first N test samples per class (0: no evaluation; -1: all); for a folder or .npy, which have no test split, the N after the training ones")
	fs.StringVar(&shifts, "shifts", "none", "with -test-per-class: also evaluate on the all-shifts test set (all) or not (none)")
	fs.IntVar(&shiftPer, "shift-per-class", 10, "test samples per class that the all-shifts set shifts (-1: all)")
	fs.BoolVar(&shiftedTrain, "shifted-train", false, "with -shifts all and a conv architecture: also fit the classifiers on every training sample at every shift (16× or 20× the training set; slow for large sets) and report the all-shifts set against them as shifts*")
	af.register(fs)
	paramFlags(fs, &p)
	fs.StringVar(&out, "o", "", "save the model to this file (written atomically; an existing file is replaced only if it is a ReduNet model, or with -force)")
	fs.BoolVar(&force, "force", false, "replace an existing -o file that is not a ReduNet model, or -report files that are not a report's")
	fs.StringVar(&reportDir, "report", "", "also write report.md, results.json and PNG figures (rates per layer, similarity heatmaps and histograms, accuracy) into this directory")
	fs.BoolVar(&float32, "float32", false, "store the model in single precision (half the size)")
	fs.BoolVar(&jsonOut, "json", false, "print a JSON report instead of tables")
	fs.BoolVar(&quiet, "q", false, "print nothing but errors (and the -json report)")
	fs.IntVar(&rank, "rank", 10, "subspace rank r of the nearest-subspace classifier")
	fs.IntVar(&knnK, "k", 5, "neighbours of the k-NN classifier")
	fs.Float64Var(&selectDepth, "select-depth", 0, "choose the depth (at most -layers) on this fraction of each class's training samples, held out (e.g. 0.2): the depth whose features the nearest-subspace classifier labels best; the net is then built on all the training samples with that many layers (0: the fixed depth -layers)")
	registerMemLimit(fs, &lim)
	return func(ctx context.Context, e *env) error {
		if p.Precision == redunet.Float64 {
			p.Precision = "" // the default: a model names no precision
		}
		if err := checkParams(p); err != nil {
			return err
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
		if testPer < -1 {
			return usagef("-test-per-class %d: want ≥ 0, or -1 for all", testPer)
		}
		if shiftPer < -1 || shiftPer == 0 {
			return usagef("-shift-per-class %d: want ≥ 1, or -1 for all", shiftPer)
		}
		if shifts != "none" && shifts != "all" {
			return usagef("-shifts %q: want all or none", shifts)
		}
		if shifts == "all" && testPer == 0 {
			return usagef("-shifts all needs -test-per-class")
		}
		if !(selectDepth >= 0 && selectDepth < 1) {
			return usagef("-select-depth %v: want a fraction in [0, 1)", selectDepth)
		}
		if shiftedTrain && shifts != "all" {
			return usagef("-shifted-train needs -shifts all")
		}
		if shiftedTrain && af.arch == "vector" {
			return usagef("-shifted-train: the shifts* protocol needs a convolutional architecture (-arch conv1d, conv2d or conv3d); a vector ReduNet is not shift-equivariant")
		}
		if err := checkSource("-data", data.source); err != nil {
			return err
		}
		if err := checkClassSyntax(data.classes); err != nil {
			return err
		}
		img, err := data.img.options(data.source, set)
		if err != nil {
			return err
		}
		skip := 0
		if testPer != 0 {
			if skip, err = experiment.TestOffset(data.source, trainPer); errors.Is(err, experiment.ErrNoTestSamples) {
				return usagef("-train-per-class 0 takes every sample of %s, which has no separate test split: no test samples are left for -test-per-class "+
					"(give -train-per-class N: the test samples are the ones after the first N of each class)", data.source)
			} else if err != nil {
				return err
			}
		}
		// Where the results go is checked before any work.
		var in inputs
		in.addSource(data.source)
		if out != "" {
			if err := checkOutput(out, "-o", force, modelFile, &in); err != nil {
				return err
			}
		}
		if reportDir != "" {
			if err := checkReportDir(reportDir, "-report", force, &in); err != nil {
				return err
			}
		}

		var w io.Writer = e.stdout
		if jsonOut || quiet {
			w = io.Discard
		}
		cfg := experiment.Config{Name: "train", Description: "redunet train on " + data.source, Arch: experiment.Arch(af.arch), Data: data.source,
			Classes: data.classes, TrainPer: trainPer, TestPer: testPer, Shifts: shifts == "all", Layers: p.Layers,
			Eta: p.Eta, EpsSq: p.EpsSq, Lambda: p.Lambda, Precision: p.Precision, Rank: rank}
		if af.arch != "vector" {
			cfg.Lift, cfg.Channels, cfg.Kernel = af.lift, af.channels, af.kernel
			if af.arch == "conv1d" {
				cfg.Radii, cfg.Angles = af.radii, af.angles
			}
		}
		rep := trainReport{Data: data.source, Arch: af.arch, Params: p, Seconds: map[string]float64{}}
		t0 := time.Now()
		spin := newProgress(e, quiet || jsonOut, -1, "loading data")
		defer spin.Done()
		train, err := data.load(ctx, e, "train", trainPer, 0, "-train-per-class", img)
		if err != nil {
			return err
		}
		loaded := train
		d, err := experiment.Prepare(af.layout(), train)
		if err != nil {
			return err
		}
		train = d.Train
		if err := af.checkKernel(d.Layout, train.Shape); err != nil {
			return err
		}
		rep.Classes, rep.InputShape, rep.TrainSamples = train.Classes, train.Shape, train.Len()
		nShifts := 0
		if testPer != 0 {
			ts, err := data.load(ctx, e, "test", max(testPer, 0), skip, "-test-per-class", img)
			if err != nil {
				return err
			}
			if err := d.AddTest(ts); err != nil {
				return err
			}
			rep.TestSamples = d.Evals[0].Len()
			if shifts == "all" {
				nShifts = shiftSetLen(d, shiftPer)
			}
		}
		// The run's peak memory, before it is spent (the all-shifts set
		// included).
		net, err := experiment.NewNet(cfg, d, af.seed)
		if err != nil {
			return err
		}
		net.Workers = af.workers
		if err := checkMemory(runMemory(net, d, nShifts, shiftedTrain), lim, "this run"); err != nil {
			return err
		}
		if shifts == "all" {
			if err := addShifts(d, shiftPer); err != nil {
				return err
			}
			rep.ShiftSamples = d.Evals[1].Len()
		}
		spin.Done()
		rep.Seconds["load"] = time.Since(t0).Seconds()
		k := len(train.Classes)
		fmt.Fprintf(w, "data: %s, %d classes, %d training samples of shape %v", data.source, k, train.Len(), train.Shape)
		for _, s := range d.Evals {
			fmt.Fprintf(w, ", %d %s samples", s.Len(), s.Name)
		}
		fmt.Fprintf(w, "\nnet:  %s ReduNet, %d layers, η = %g, ε² = %g, λ = %g", af.arch, p.Layers, p.Eta, p.EpsSq, p.Lambda)
		if p.Precision == redunet.Float32 {
			fmt.Fprint(w, ", float32")
		}
		if af.arch != "vector" && af.lift != "none" {
			fmt.Fprintf(w, ", lift %d→%d channels, kernel %d, seed %d", d.Channels(), af.channels, af.kernel, af.seed)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w)
		if selectDepth > 0 {
			depth, curve, err := experiment.SelectDepth(ctx, cfg, loaded, selectDepth,
				experiment.Options{Seed: af.seed, Workers: af.workers, Neighbours: knnK})
			if errors.Is(err, experiment.ErrHoldOut) {
				return usagef("-select-depth %v: %v", selectDepth, err)
			} else if err != nil {
				return err
			}
			printDepthCurve(w, curve, experiment.HeldOut, fmt.Sprintf("held-out accuracy (the last %.0f %% of each class's training samples), by depth", 100*selectDepth))
			fmt.Fprintf(w, "selected depth: %d of at most %d layers; building it on all the training samples\n\n", depth, p.Layers)
			rep.SelectedDepth, rep.MaxDepth, rep.DepthCurve = &depth, p.Layers, curve
			p.Layers, cfg.Layers = depth, depth
			rep.Params.Layers = depth
		}

		meta := map[string]string{"arch": af.arch, "data": data.source, "classes": data.classes, "train_per_class": fmt.Sprint(trainPer),
			"created": time.Now().UTC().Format(time.RFC3339)}
		if a := absSource(data.source); a != data.source {
			meta["data_abs"] = a
		}
		opt := experiment.Options{Seed: af.seed, Workers: af.workers, EvalRates: reportDir != "",
			ShiftedTrain: shiftedTrain, Neighbours: knnK, Meta: meta}
		done := watchRun(e, quiet || jsonOut, w, p.Layers, &opt)
		res, err := experiment.Run(ctx, cfg, d, opt)
		done()
		if err != nil {
			return err
		}
		rep.Input, rep.Layers, rep.Dim, rep.Accuracy = res.Input, res.Layers, res.Dim, res.Accuracy
		for k, v := range res.Seconds {
			rep.Seconds[k] = v
		}
		if out != "" {
			t2 := time.Now()
			if err := saveModel(ctx, res.Model, out, redunet.SaveOptions{Float32: float32}); err != nil {
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
			printAccuracy(w, rep.Accuracy, res.Samples()[experiment.ShiftsSet])
		}
		if reportDir != "" {
			// The report shares the timings, which saving it completes.
			rr := &experiment.Report{Config: cfg, Scale: "custom", Data: data.source, Input: res.Input, Layers: res.Layers,
				Accuracy: res.Accuracy, Seconds: rep.Seconds, Samples: res.Samples(), Workers: af.workers}
			if err := experiment.SaveReport(ctx, reportDir, rr, res, t0); err != nil {
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

// saveModel writes a model to path atomically (internal/atomicfile: through
// a link to its target, keeping a replaced file's permission bits), giving
// up, with nothing written, when ctx is done.
func saveModel(ctx context.Context, m *redunet.Model, path string, opt redunet.SaveOptions) error {
	return atomicfile.WriteContext(ctx, path, func(w io.Writer) error { return m.Write(w, opt) })
}

// checkClassSyntax refuses, before the data are read, a -classes list that
// no data could take (a reversed range, an empty item).
func checkClassSyntax(spec string) error {
	if strings.TrimSpace(spec) == "" {
		return nil
	}
	if _, err := experiment.ClassIDs(&datasets.Set{Name: "-classes"}, spec); err != nil && !errors.Is(err, experiment.ErrClasses) {
		return usagef("-classes %s: %s", spec, strings.TrimPrefix(err.Error(), "datasets: "))
	}
	return nil
}
