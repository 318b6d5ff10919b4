package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

var reproCmd = &command{
	name:    "repro",
	args:    true,
	summary: "reproduce one of the paper's experiments, with a report and figures",
	usage: `Usage: redunet repro [flags] NAME

Runs one of the paper's experiments and writes report.md, results.json and
PNG figures into -out. -scale paper runs the paper's configuration; the
default -scale small finishes in about two minutes on a 2-core machine and
shows the same effect. If the run fails or is interrupted, what it made in
-out is removed.

Experiments:
` + reproList() + `
Example:
  redunet repro -scale small -out repro-translation mnist-translation

Flags:
`,
	flags: reproFlags,
}

func reproList() string {
	var b strings.Builder
	for _, e := range experiment.Catalogue() {
		fmt.Fprintf(&b, "  %-18s %s\n", e.Name, e.Description)
	}
	fmt.Fprintf(&b, "  %-18s %s\n", experiment.AssignStudyName, "ablation: why the soft assignment π̂? λ from 5 to 5000, hard π̂, and the oracle (vector and translation-invariant MNIST)")
	fmt.Fprintf(&b, "  %-18s %s\n", experiment.TiedStudyName, "ablation: a new layer each time (ReduNet) vs layer 1 applied L times, one layer with step L·η, and a wider layer repeated")
	fmt.Fprintf(&b, "  %-18s %s\n", experiment.ParamsStudyName, "ablation: ε² ∈ {0.01, 0.1, 0.5, 1} and η ∈ {0.1, 0.5, 1} on the nets of ablation-assignment")
	fmt.Fprintf(&b, "  %-18s %s\n", experiment.DepthStudyName, "ablation: accuracy at every depth, and the depth chosen on held-out training samples (vector and translation-invariant MNIST)")
	fmt.Fprintf(&b, "  %-18s %s\n", "ablations", "every ablation, each into -out/NAME (default repro-ablations/NAME)")
	return b.String()
}

func reproFlags(fs *flag.FlagSet) func(context.Context, *env) error {
	var (
		scale, out, source string
		workers            int
		quiet, force       bool
		precision          string
		seed               uint64
		lim                memLimit
	)
	fs.StringVar(&scale, "scale", "small", "small (about two minutes on 2 cores) or paper (the paper's configuration)")
	fs.StringVar(&out, "out", "", "directory for report.md, results.json and the figures (default repro-NAME); made if needed, and removed again if the run fails")
	fs.StringVar(&precision, "precision", redunet.Float64, "arithmetic of the layers' application: float64 (the paper's numbers), or float32")
	fs.StringVar(&source, "data", "", "data source for the MNIST and CIFAR experiments (default mnist; cifar10 needs cifar10:DIR or folder:DIR)")
	registerWorkers(fs, &workers)
	fs.Uint64Var(&seed, "seed", 1, "seed of the lift kernels and the synthetic data")
	fs.BoolVar(&quiet, "q", false, "print nothing but errors")
	fs.BoolVar(&force, "force", false, "replace files in -out that are not a report's (report.md, results.json, the figures)")
	registerMemLimit(fs, &lim)
	return func(ctx context.Context, e *env) error {
		args := e.args
		if len(args) != 1 {
			return usagef("want one experiment name; the experiments are:\n%s", reproList())
		}
		if scale != experiment.Small && scale != experiment.Paper {
			return usagef("-scale %q: want small or paper", scale)
		}
		if err := checkWorkers(workers); err != nil {
			return err
		}
		if args[0] == "ablations" || experiment.IsAblation(args[0]) {
			if source != "" || precision != redunet.Float64 {
				return usagef("the ablations run on MNIST in float64: -data and -precision do not apply")
			}
			names, base := []string{args[0]}, out
			if args[0] == "ablations" {
				names = experiment.AblationNames()
				if base == "" {
					base = "repro-ablations"
				}
			}
			for _, name := range names {
				dir := out
				switch {
				case args[0] == "ablations":
					dir = filepath.Join(base, name)
				case dir == "":
					dir = "repro-" + name
				}
				if err := runAblation(ctx, e, name, scale, dir, seed, workers, quiet, force, lim); err != nil {
					return err
				}
			}
			return nil
		}
		cfg, err := experiment.Lookup(args[0], scale)
		if errors.Is(err, experiment.ErrUnknown) {
			return usagef("unknown experiment %q; the experiments are:\n%s", args[0], reproList())
		} else if err != nil {
			return err
		}
		if out == "" {
			out = "repro-" + cfg.Name
		}
		var w io.Writer = e.stdout
		if quiet {
			w = io.Discard
		}
		if source != "" {
			cfg.Data = source
		}
		switch precision {
		case redunet.Float64:
		case redunet.Float32:
			cfg.Precision = precision
		default:
			return usagef("-precision %q: want float64 or float32", precision)
		}
		if cfg.Data == "" {
			return usagef("%s needs -data: cifar10:DIR (the CIFAR-10 binary version) or folder:DIR (one sub-folder per class)", cfg.Name)
		}
		if err := checkSource("-data", cfg.Data); err != nil {
			return err
		}
		var in inputs
		in.addSource(cfg.Data)
		if err := checkReportDir(out, "-out", force, &in); err != nil {
			return err
		}
		t0 := time.Now()
		d, _, err := loadExperiment(ctx, cfg, seed, workers, true, lim, cfg.Name+" at the "+scale+" scale")
		if err != nil {
			return err
		}
		train := d.Train
		rep := experiment.Report{Config: cfg, Scale: scale, Data: cfg.Data, Seconds: map[string]float64{"load": time.Since(t0).Seconds()},
			Workers: workers}
		fmt.Fprintf(w, "%s (%s scale): %s\n", cfg.Name, scale, cfg.Description)
		fmt.Fprintf(w, "data: %s, %d classes, %d training samples of shape %v", cfg.Data, len(train.Classes), train.Len(), train.Shape)
		for _, s := range d.Evals {
			fmt.Fprintf(w, ", %d %s", s.Len(), s.Name)
		}
		fmt.Fprintf(w, "\nnet: %s, %d layers, η = %g, ε² = %g, λ = %g", cfg.Arch, cfg.Layers, cfg.Eta, cfg.EpsSq, cfg.Lambda)
		if cfg.Precision != "" {
			fmt.Fprintf(w, ", %s", cfg.Precision)
		}
		fmt.Fprint(w, "\n\n")
		opt := experiment.Options{Seed: seed, Workers: workers, EvalRates: true, ShiftedTrain: true, Neighbours: 5}
		table := w
		if cfg.Layers > 200 {
			table = &everyNth{w: w, n: cfg.Layers / 20}
		}
		done := watchRun(e, quiet, table, cfg.Layers, &opt)
		res, err := experiment.Run(ctx, cfg, d, opt)
		done()
		if err != nil {
			return err
		}
		for k, v := range res.Seconds {
			rep.Seconds[k] = v
		}
		rep.Input, rep.Layers, rep.Accuracy, rep.Samples = res.Input, res.Layers, res.Accuracy, res.Samples()
		fmt.Fprintln(w)
		printAccuracy(w, res.Accuracy, res.Samples()[experiment.ShiftsSet])
		if err := experiment.SaveReport(ctx, out, &rep, res, t0); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nwrote %s/report.md, results.json and %d figures in %.1f s\n", out, len(rep.Figures), rep.Seconds["total"])
		return nil
	}
}

// loadExperiment loads the data of cfg (seeded by seed) and lays it out,
// with its test set and, if cfg has them, the all-shifts set of 10 test
// samples per class; before the all-shifts set is made it refuses a run
// whose estimated memory (with shifts* if shiftedTrain) is over lim. It
// returns the data and the training set as loaded.
func loadExperiment(ctx context.Context, cfg experiment.Config, seed uint64, workers int, shiftedTrain bool, lim memLimit, what string) (*experiment.Data, *datasets.Set, error) {
	train, test, err := withContext2(ctx, func() (*datasets.Set, *datasets.Set, error) { return experiment.Load(ctx, cfg, seed) })
	if errors.Is(err, experiment.ErrClasses) || errors.Is(err, experiment.ErrNoTestSamples) {
		return nil, nil, usageError{err}
	} else if err != nil {
		return nil, nil, err
	}
	d, err := experiment.Prepare(cfg.Layout(), train)
	if err != nil {
		return nil, nil, err
	}
	if err := d.AddTest(test); err != nil {
		return nil, nil, err
	}
	nShifts := 0
	if cfg.Shifts {
		nShifts = shiftSetLen(d, 10)
	}
	net, err := experiment.NewNet(cfg, d, seed)
	if err != nil {
		return nil, nil, err
	}
	net.Workers = workers
	if err := checkMemory(runMemory(net, d, nShifts, shiftedTrain), lim, what); err != nil {
		return nil, nil, err
	}
	if cfg.Shifts {
		if err := addShifts(d, 10); err != nil {
			return nil, nil, err
		}
	}
	return d, train, nil
}

// withContext2 is withContext for a function of two results.
func withContext2[T, U any](ctx context.Context, f func() (T, U, error)) (T, U, error) {
	type pair struct {
		t T
		u U
	}
	p, err := withContext(ctx, func() (pair, error) {
		t, u, err := f()
		return pair{t, u}, err
	})
	return p.t, p.u, err
}
