package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

// Spec is a distributed run: the data, the net, how the work is split and
// where the results go. The driver makes it (NewSpec) and every worker gets
// a copy inside the DoFns (as JSON), from which it remakes the net and
// reads its own shards; so its fields are exported, and nothing in it is
// large.
type Spec struct {
	// Source is the data source as datasets.Load names it ("mnist",
	// "fashion-mnist:DIR", "cifar10:DIR", "folder:DIR", "npy:X,Y", …).
	Source string
	// Classes are the ids of the classes kept, sorted (nil: all); they are
	// renumbered 0…K−1 in that order, and ClassNames names them.
	Classes    []int
	ClassNames []string
	// TrainPer and TestPer are the samples per class of the two splits, the
	// first ones of each class in file order (TrainPer 0: all; TestPer 0:
	// no test split, −1: all of it).
	TrainPer, TestPer int
	// Shards is the number of shards each split is read in: shard i holds
	// the selected samples of ordinal ≡ i (mod Shards) (datasets.Shard).
	Shards int
	// BinGroups is the number of parts, by frequency bin, that the
	// statistics of a layer are reduced and factorised in (the keys of the
	// reduction: Stats.Split).
	BinGroups int
	// Arch, Radii and Angles are the layout of the samples
	// (experiment.Layout); InputShape is the shape of one laid-out sample
	// and Preprocess how raw inputs become such samples (for the model).
	Arch          string
	Radii, Angles int
	InputShape    []int
	Preprocess    redunet.Preprocess
	// Lift is "gaussian" or "none", with Channels output channels,
	// Kernel-wide kernels and the kernels' Seed, as in redunet train.
	Lift             string
	Channels, Kernel int
	Seed             uint64
	// Params are the net's parameters.
	Params redunet.Params
	// Workers is the goroutines each DoFn uses (0: all cores).
	Workers int
	// Model is where the model file is written ("": nowhere), Summary the
	// JSON summary of the run, Features a directory for the features of
	// every shard as .npy ("": none). Model and Summary are paths of a
	// Beam file system (a local path, gs://…); Features is local (or a
	// shared mount).
	Model, Summary, Features string
	// Scratch is where the shards' spectra are kept between stages, a
	// directory of a Beam file system that every worker reaches (a local
	// directory for prism, gs://… on Dataflow; "": Run makes a temporary
	// one). At most three depths of every shard are there at a time.
	Scratch string
	// InputFeatures also writes the prepared (lifted, normalised) input of
	// every shard to Features (input-<split>-<shard>.npy): what the
	// evaluation protocol compares the features with.
	InputFeatures bool
	// Progress prints a line to stderr as each depth's rates are known.
	Progress bool
	// Meta is the model's provenance (data source, command line, …).
	Meta map[string]string
}

// scratchPath is where the batch of a shard of a split at a depth is kept.
func (s *Spec) scratchPath(depth int, split string, shard int) string {
	return s.scratchJoin(fmt.Sprintf("d%03d", depth), fmt.Sprintf("%s-%05d.rdnb", split, shard))
}

// layerPath is where layer l is kept.
func (s *Spec) layerPath(l int) string {
	return s.scratchJoin("layers", fmt.Sprintf("layer-%03d.rdnl", l))
}

// scratchJoin joins a directory and a file name to Scratch ("/" for a URL
// such as gs://…, the OS's separator for a local path).
func (s *Spec) scratchJoin(dir, file string) string {
	sep := string(filepath.Separator)
	if strings.Contains(s.Scratch, "://") {
		sep = "/"
	}
	return strings.TrimSuffix(s.Scratch, sep) + sep + dir + sep + file
}

// Splits of the data.
const (
	Train = "train"
	Test  = "test"
)

// NewSpec returns the spec of a run of the net described by cfg (its data,
// layout, lift and parameters, as experiment.Config holds them for redunet
// train) with seed for the lift's kernels, in the given number of shards
// and bin groups. It reads one sample of each class of the training split,
// for the shape and the class names, and checks that the net can be made.
func NewSpec(ctx context.Context, cfg experiment.Config, seed uint64, shards, binGroups int) (*Spec, error) {
	if shards < 1 || binGroups < 1 {
		return nil, fmt.Errorf("pipeline: %d shards and %d bin groups: want at least one of each", shards, binGroups)
	}
	if cfg.TestPer != 0 && experiment.SingleSplit(cfg.Data) {
		return nil, fmt.Errorf("pipeline: %s has no test split: a distributed run evaluates on a test split only", cfg.Data)
	}
	// One sample of each class: with Limit alone an npy source would name
	// only the classes of the samples it reads.
	probe, err := datasets.Load(ctx, cfg.Data, Train, datasets.PerClass(1))
	if err != nil {
		return nil, err
	}
	ids, err := experiment.ClassIDs(probe, cfg.Classes)
	if err != nil {
		return nil, err
	}
	s := &Spec{Source: cfg.Data, TrainPer: cfg.TrainPer, TestPer: cfg.TestPer, Shards: shards, BinGroups: binGroups,
		Arch: string(cfg.Arch), Radii: cfg.Radii, Angles: cfg.Angles, Lift: cfg.Lift, Channels: cfg.Channels, Kernel: cfg.Kernel, Seed: seed,
		Params: redunet.Params{Eta: cfg.Eta, EpsSq: cfg.EpsSq, Lambda: cfg.Lambda, Layers: cfg.Layers, Precision: cfg.Precision, Hard: cfg.Hard, Oracle: cfg.Oracle}}
	if len(ids) > 0 && len(ids) < len(probe.Classes) {
		s.Classes = slices.Sorted(slices.Values(ids))
		for _, id := range s.Classes {
			s.ClassNames = append(s.ClassNames, probe.Classes[id])
		}
	} else {
		s.ClassNames = slices.Clone(probe.Classes)
	}
	probe.X, probe.Classes, probe.Labels = probe.X[:probe.Dim()], s.ClassNames, []int{0}
	d, err := experiment.Prepare(s.layout(), probe)
	if err != nil {
		return nil, err
	}
	s.InputShape, s.Preprocess = d.Train.Shape, d.Preprocess
	if _, err := s.Net(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Spec) layout() experiment.Layout {
	return experiment.Layout{Arch: experiment.Arch(s.Arch), Radii: s.Radii, Angles: s.Angles}
}

// Net returns a new, unbuilt net of the spec: the one redunet train makes
// of the same configuration and seed (experiment.NewNet).
func (s *Spec) Net() (*redunet.Net, error) {
	cfg := experiment.Config{Arch: experiment.Arch(s.Arch), Radii: s.Radii, Angles: s.Angles, Lift: s.Lift, Channels: s.Channels, Kernel: s.Kernel,
		Layers: s.Params.Layers, Eta: s.Params.Eta, EpsSq: s.Params.EpsSq, Lambda: s.Params.Lambda, Precision: s.Params.Precision,
		Hard: s.Params.Hard, Oracle: s.Params.Oracle}
	data := &experiment.Data{Layout: s.layout(), Train: &datasets.Set{Shape: s.InputShape, Classes: s.ClassNames}}
	n, err := experiment.NewNet(cfg, data, s.Seed)
	if err != nil {
		return nil, err
	}
	n.Workers = s.Workers
	return n, nil
}

// Load reads shard i of n of a split (n = 1: all of it), laid out for the
// net, with labels 0…K−1. A shard may be empty.
func (s *Spec) Load(ctx context.Context, split string, i, n int) (*datasets.Set, error) {
	per := s.TrainPer
	if split == Test {
		per = max(s.TestPer, 0)
	}
	set, err := datasets.Load(ctx, s.Source, split, datasets.PerClass(per), datasets.Classes(s.Classes), datasets.Shard(i, n))
	if err != nil {
		return nil, err
	}
	if s.Classes != nil {
		renumber := make([]int, len(set.Classes))
		for k, id := range s.Classes {
			renumber[id] = k
		}
		for j, y := range set.Labels {
			set.Labels[j] = renumber[y]
		}
	}
	set.Classes = s.ClassNames
	if set.Len() == 0 {
		return set, nil
	}
	return s.layout().Apply(set)
}
