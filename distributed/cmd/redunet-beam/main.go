// Command redunet-beam builds a ReduNet as an Apache Beam pipeline: on
// prism, in this process, by default; on Flink, Spark or Dataflow with
// Beam's --runner and its options. It takes the flags of redunet train that
// matter for the net, writes the same model file, and can write the
// features of every shard as .npy.
//
// Usage:
//
//	redunet-beam train [flags] [beam flags]
//
// Examples:
//
//	redunet-beam train -arch conv2d -channels 16 -kernel 9 -train-per-class 1000 -layers 10 -test-per-class -1 -shards 20 -o model.rdn
//	redunet-beam train ... --runner=flink --endpoint=localhost:8099 --environment_type=LOOPBACK
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/redunet-go/redunet/distributed/pipeline"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

const usage = `Usage: redunet-beam train [flags] [Beam flags]

Builds a ReduNet as an Apache Beam pipeline: the training split of -data is
read in -shards shards by the workers (never whole by this program), every
layer's statistics are reduced keyed by -bin-groups groups of frequency bins
and factorised per group, and the layer is broadcast to the workers, which
apply it to their shards. It prints the rates at every depth and the
accuracy of ReduNet's own classifier, and saves the model to -o (the file
redunet train writes: 'redunet eval -model' takes it).

The runner is prism, in this process, unless Beam's flags choose another:
  --runner=flink --endpoint=HOST:8099 --environment_type=LOOPBACK
  --runner=dataflow --project=P --region=R --staging_location=gs://B/staging
(on a cluster, -o and -summary may be gs:// paths; -features is a local or
shared directory).

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func run(args []string, stdout, stderr io.Writer) int {
	worker := len(args) == 0 || args[0] != "train"
	if !worker {
		args = args[1:]
	}
	fs := flag.CommandLine // Beam's flags are registered on it
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	o := registerFlags(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	// A worker that a runner starts (--worker) never returns from Init.
	beam.Init()
	if worker {
		fs.Usage()
		return 2
	}
	if !o.verbose {
		// Prism logs every step of a job at INFO level.
		slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := o.train(ctx, stdout, fs)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "redunet-beam train: %v\n(redunet-beam train -h lists the flags)\n", err)
		return 2
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "redunet-beam train: interrupted; nothing was written to -o")
		return 1
	}
	fmt.Fprintf(stderr, "redunet-beam train: %v\n", err)
	return 1
}

type options struct {
	data, classes      string
	trainPer, testPer  int
	arch, lift         string
	channels, kernel   int
	seed               uint64
	radii, angles      int
	p                  redunet.Params
	shards, binGroups  int
	workers            int
	out, summary, feat string
	scratch            string
	memprofile         string
	evaluate, force    bool
	rank, knn          int
	jsonOut, quiet     bool
	verbose            bool
}

func registerFlags(fs *flag.FlagSet) *options {
	o := &options{}
	fs.StringVar(&o.data, "data", "mnist", "data source: mnist, mnist:DIR, fashion-mnist:DIR, cifar10:DIR, cifar100:DIR, folder:DIR or npy:X.npy,Y.npy")
	fs.StringVar(&o.classes, "classes", "", "classes to keep, e.g. 0-9 or 0,1 (default: all)")
	fs.IntVar(&o.trainPer, "train-per-class", 100, "training samples per class: the first N of each class in file order (0: all)")
	fs.IntVar(&o.testPer, "test-per-class", 0, "also apply the net to the first N test samples per class (0: none; -1: all)")
	fs.StringVar(&o.arch, "arch", "conv2d", "architecture: conv2d, conv1d, conv3d or vector")
	fs.StringVar(&o.lift, "lift", "gaussian", "lifting by fixed random N(0,1) kernels and ReLU (gaussian), or none")
	fs.IntVar(&o.channels, "channels", 16, "channels after the lift, 1 to 4096")
	fs.IntVar(&o.kernel, "kernel", 9, "lift kernel size k (k×k in 2-D)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the lift kernels")
	fs.IntVar(&o.radii, "radii", experiment.DefaultRadii, "conv1d on images: radii of the polar transform")
	fs.IntVar(&o.angles, "angles", experiment.DefaultAngles, "conv1d on images: angles of the polar transform")
	fs.Float64Var(&o.p.Eta, "eta", 0.5, "step size η of every layer")
	fs.Float64Var(&o.p.EpsSq, "eps2", 0.1, "ε², the SQUARED distortion (the reference code's \"eps\")")
	fs.Float64Var(&o.p.Lambda, "lambda", 500, "λ, sharpness of the soft class assignment")
	fs.IntVar(&o.p.Layers, "layers", 10, "number of layers L, 0 to 1000")
	fs.StringVar(&o.p.Precision, "precision", redunet.Float64, "arithmetic of the layers' application: float64 or float32")
	fs.IntVar(&o.shards, "shards", 8, "shards each split is read and moved in, 1 to 100000")
	fs.IntVar(&o.binGroups, "bin-groups", 4, "groups of frequency bins that each layer's statistics are reduced and factorised in, 1 to 100000")
	fs.IntVar(&o.workers, "workers", 0, "goroutines of each DoFn (0: all cores)")
	fs.StringVar(&o.out, "o", "", "save the model to this file (written atomically; an existing file is replaced only with -force)")
	fs.StringVar(&o.summary, "summary", "", "write the run's JSON summary here (default: -o with .json appended, or redunet-beam-summary.json)")
	fs.StringVar(&o.feat, "features", "", "write every shard's features, labels, ŷ and π̂ as .npy into this directory (local or shared)")
	fs.StringVar(&o.scratch, "scratch", "", "directory that every worker reaches where the shards' spectra are kept between stages (gs://… on a cluster; default: a temporary directory, removed at the end)")
	fs.StringVar(&o.memprofile, "memprofile", "", "write a heap profile (go tool pprof) to this file when the pipeline's peak heap is reached, sampled every second")
	fs.BoolVar(&o.evaluate, "evaluate", false, "with -features and -test-per-class: also fit the classifiers (SVM, k-NN, nearest subspace) on the training features and input, here, on one machine, and print the accuracy table")
	fs.IntVar(&o.rank, "rank", 10, "-evaluate: subspace rank of the nearest-subspace classifier")
	fs.IntVar(&o.knn, "k", 5, "-evaluate: neighbours of the k-NN classifier")
	fs.BoolVar(&o.force, "force", false, "replace existing -o, -summary or -features files")
	fs.BoolVar(&o.jsonOut, "json", false, "print the summary as JSON instead of tables")
	fs.BoolVar(&o.quiet, "q", false, "print no progress lines on stderr")
	fs.BoolVar(&o.verbose, "v", false, "also print the runner's own log (prism: every step of the job)")
	return o
}

// check validates the flags as usage errors.
func (o *options) check() error {
	if o.p.Precision == redunet.Float64 {
		o.p.Precision = ""
	}
	if err := o.p.Validate(); err != nil {
		return usageError{err}
	}
	switch {
	case o.p.Layers > 1000:
		return usagef("-layers %d: want 0 to 1000", o.p.Layers)
	case o.trainPer < 0:
		return usagef("-train-per-class %d: want ≥ 0", o.trainPer)
	case o.testPer < -1:
		return usagef("-test-per-class %d: want ≥ 0, or -1 for all", o.testPer)
	case o.shards < 1 || o.shards > 100000:
		return usagef("-shards %d: want 1 to 100000", o.shards)
	case o.binGroups < 1 || o.binGroups > 100000:
		return usagef("-bin-groups %d: want 1 to 100000", o.binGroups)
	case o.channels < 1 || o.channels > 4096:
		return usagef("-channels %d: want 1 to 4096", o.channels)
	case o.kernel < 1 || o.kernel > 1024:
		return usagef("-kernel %d: want 1 to 1024", o.kernel)
	case o.workers < 0 || o.workers > 4096:
		return usagef("-workers %d: want 0 to 4096", o.workers)
	case o.evaluate && (o.feat == "" || o.testPer == 0):
		return usagef("-evaluate needs -features and -test-per-class")
	case o.rank < 1 || o.knn < 1:
		return usagef("-rank and -k must be ≥ 1")
	}
	switch experiment.Arch(o.arch) {
	case experiment.Conv1D, experiment.Conv2D, experiment.Conv3D, experiment.Vector:
	default:
		return usagef("-arch %q: want conv2d, conv1d, conv3d or vector", o.arch)
	}
	if o.lift != "gaussian" && o.lift != "none" {
		return usagef("-lift %q: want gaussian or none", o.lift)
	}
	if o.summary == "" {
		o.summary = "redunet-beam-summary.json"
		if o.out != "" {
			o.summary = o.out + ".json"
		}
	}
	return nil
}

// checkOutputs refuses to replace a file that is not one this command
// writes (a ReduNet model for -o, a summary for -summary) or a non-empty
// -features directory, unless -force. Only local paths are checked: a
// runner's file system (gs://…) is written as it is.
func (o *options) checkOutputs() error {
	if o.force {
		return nil
	}
	for _, c := range []struct {
		flag, path string
		ours       func([]byte) bool
	}{
		{"-o", o.out, func(b []byte) bool { return bytes.HasPrefix(b, []byte("REDUNET\n")) }},
		{"-summary", o.summary, isSummary},
	} {
		if c.path == "" || strings.Contains(c.path, "://") {
			continue
		}
		fi, err := os.Stat(c.path)
		if err != nil {
			continue
		}
		if !fi.Mode().IsRegular() {
			return usagef("%s %s exists and is not a file", c.flag, c.path)
		}
		head, err := readHead(c.path, 1<<20)
		if err != nil || !c.ours(head) {
			return usagef("%s %s exists and is not what redunet-beam writes: give -force to replace it", c.flag, c.path)
		}
	}
	if o.feat != "" {
		if ents, err := os.ReadDir(o.feat); err == nil && len(ents) > 0 {
			return usagef("-features %s is not empty: give -force to write into it", o.feat)
		}
	}
	return nil
}

// readHead reads at most n bytes from the start of a file.
func readHead(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// isSummary reports whether b starts a summary that redunet-beam wrote.
func isSummary(b []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) && bytes.Contains(b, []byte(`"depths"`)) && bytes.Contains(b, []byte(`"spec"`))
}

func (o *options) train(ctx context.Context, w io.Writer, fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if err := o.check(); err != nil {
		return err
	}
	if err := o.checkOutputs(); err != nil {
		return err
	}
	cfg := experiment.Config{Name: "redunet-beam", Arch: experiment.Arch(o.arch), Data: o.data, Classes: o.classes,
		TrainPer: o.trainPer, TestPer: o.testPer, Layers: o.p.Layers, Eta: o.p.Eta, EpsSq: o.p.EpsSq, Lambda: o.p.Lambda, Precision: o.p.Precision}
	if o.arch != string(experiment.Vector) {
		cfg.Lift, cfg.Channels, cfg.Kernel = o.lift, o.channels, o.kernel
		cfg.Radii, cfg.Angles = o.radii, o.angles
	}
	t0 := time.Now()
	spec, err := pipeline.NewSpec(ctx, cfg, o.seed, o.shards, o.binGroups)
	if err != nil {
		return err
	}
	spec.Workers, spec.Model, spec.Summary, spec.Features, spec.Scratch = o.workers, o.out, o.summary, o.feat, o.scratch
	spec.InputFeatures, spec.Progress = o.evaluate, !o.quiet
	spec.Meta = map[string]string{"arch": o.arch, "data": o.data, "classes": o.classes, "train_per_class": fmt.Sprint(o.trainPer),
		"created": time.Now().UTC().Format(time.RFC3339), "built_by": "redunet-beam", "shards": fmt.Sprint(o.shards)}
	if a, err := filepath.Abs(strings.TrimPrefix(o.data, "mnist:")); err == nil && strings.HasPrefix(o.data, "mnist:") {
		spec.Meta["data_abs"] = "mnist:" + a
	}
	net, err := spec.Net()
	if err != nil {
		return err
	}
	if !o.jsonOut {
		fmt.Fprintf(w, "data: %s, %d classes, samples of shape %v, %d shards, %d bin groups of %d bins\n", o.data, len(spec.ClassNames), spec.InputShape,
			o.shards, o.binGroups, binCount(net))
		fmt.Fprintf(w, "net:  %s ReduNet, %d layers, η = %g, ε² = %g, λ = %g, C = %d\n\n", o.arch, o.p.Layers, o.p.Eta, o.p.EpsSq, o.p.Lambda, net.C)
	}
	if o.memprofile != "" {
		stop := watchHeap(o.memprofile)
		defer stop()
	}
	sum, err := pipeline.Run(ctx, spec)
	if err != nil {
		return err
	}
	elapsed := time.Since(t0)
	var acc []experiment.Accuracy
	if o.evaluate {
		if acc, err = evaluate(ctx, spec, sum, o); err != nil {
			return err
		}
	}
	if o.jsonOut {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(struct {
			*pipeline.Summary
			Evaluation []experiment.Accuracy `json:"evaluation,omitempty"`
			Seconds    float64               `json:"seconds"`
		}{sum, acc, elapsed.Seconds()})
	}
	printSummary(w, sum, acc, t0, elapsed)
	if o.out != "" {
		fmt.Fprintf(w, "saved %s\n", o.out)
	}
	return nil
}

func binCount(n *redunet.Net) int {
	if len(n.Shape) == 0 {
		return 1
	}
	return n.Shape.Bins()
}

// evaluate runs the evaluation protocol on the features the run wrote.
func evaluate(ctx context.Context, spec *pipeline.Spec, sum *pipeline.Summary, o *options) ([]experiment.Accuracy, error) {
	split := func(name string) (experiment.Split, error) {
		feat, _, err := pipeline.ReadFeatures(spec.Features, name, spec.Shards)
		if err != nil {
			return experiment.Split{}, err
		}
		raw, _, err := pipeline.ReadFeatures(spec.Features, "input-"+name, spec.Shards)
		if err != nil {
			return experiment.Split{}, err
		}
		s := experiment.Split{Name: experiment.TrainSet, Raw: raw, Features: feat, Labels: sum.Labels[name], Predicted: sum.Predicted[name]}
		if name == pipeline.Test {
			s.Name = experiment.TestSet
		}
		return s, nil
	}
	tr, err := split(pipeline.Train)
	if err != nil {
		return nil, err
	}
	te, err := split(pipeline.Test)
	if err != nil {
		return nil, err
	}
	return experiment.Evaluate(ctx, len(spec.ClassNames), tr, []experiment.Split{te}, eval.Options{Rank: o.rank, K: o.knn})
}

func printSummary(w io.Writer, sum *pipeline.Summary, acc []experiment.Accuracy, t0 time.Time, elapsed time.Duration) {
	fmt.Fprintf(w, "%-6s %12s %12s %12s %10s\n", "depth", "ΔR", "R", "Rc", "joined at")
	for _, d := range sum.Depths {
		fmt.Fprintf(w, "%-6d %12.6f %12.6f %12.6f %9.1fs\n", d.Depth, d.DeltaR, d.R, d.Rc, time.Unix(0, d.Joined).Sub(t0).Seconds())
	}
	fmt.Fprintln(w)
	for _, s := range []string{pipeline.Train, pipeline.Test} {
		if a, ok := sum.Accuracy[s]; ok {
			fmt.Fprintf(w, "ReduNet's own classifier (argmax π̂ of the last layer), %s: %.4f of %d samples\n", s, a, sum.Samples[s])
		}
	}
	if len(acc) > 0 {
		fmt.Fprintf(w, "\n%-18s %-10s %-8s %s\n", "classifier", "input", "set", "accuracy")
		for _, a := range acc {
			fmt.Fprintf(w, "%-18s %-10s %-8s %.4f\n", a.Classifier, a.Input, a.Set, a.Accuracy)
		}
	}
	fmt.Fprintf(w, "\ncounters:")
	for _, k := range []string{"samples_train", "samples_test", "stats_bytes", "batch_bytes"} {
		if v, ok := sum.Counters[k]; ok {
			fmt.Fprintf(w, " %s %d", k, v)
		}
	}
	if len(sum.Depths) > 0 {
		fmt.Fprintf(w, "; layer %.1f MB in wire form", float64(sum.Depths[0].LayerBytes)/1e6)
	}
	fmt.Fprintf(w, "\ntotal %.1f s\n", elapsed.Seconds())
}

// watchHeap samples the live heap every second and writes a heap profile
// to path whenever it is the largest seen so far.
func watchHeap(path string) (stop func()) {
	done := make(chan struct{})
	go func() {
		var peak uint64
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak+peak/10 {
				peak = ms.HeapAlloc
				runtime.GC()
				if f, err := os.Create(path); err == nil {
					pprof.WriteHeapProfile(f)
					f.Close()
				}
			}
		}
	}()
	return func() { close(done) }
}
