package main

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

// dataFlags select a labelled set: a source, classes, and how many samples
// per class.
type dataFlags struct {
	source  string
	classes string
}

func (f *dataFlags) register(fs *flag.FlagSet, defSource string) {
	fs.StringVar(&f.source, "data", defSource, "data source: mnist (fetched via the Go module proxy), mnist:DIR, fashion-mnist[:DIR], cifar10:DIR, cifar100[-coarse]:DIR, folder:DIR (one sub-folder per class), npy:DATA.npy,LABELS.npy")
	fs.StringVar(&f.classes, "classes", "", "classes to use, e.g. 0-9 or 0,1 (default: all)")
}

// load reads one split of the source and keeps perClass samples of each
// selected class after skipping skip (perClass ≤ 0: all).
func (f *dataFlags) load(ctx context.Context, split string, perClass, skip int) (*datasets.Set, error) {
	var classes []int
	if f.classes != "" {
		var err error
		if classes, err = datasets.ParseClasses(f.classes); err != nil {
			return nil, usageError{err}
		}
	}
	s, err := datasets.Load(ctx, f.source, split)
	if err != nil {
		return nil, err
	}
	return s.Subset(classes, perClass, skip)
}

// reportSkipped tells the user which files a loader left out.
func reportSkipped(e *env, s *datasets.Set) {
	if len(s.Skipped) == 0 {
		return
	}
	fmt.Fprintf(e.stderr, "redunet: skipped %d unreadable file(s) in %s:\n", len(s.Skipped), s.Name)
	for i, f := range s.Skipped {
		if i == 20 {
			fmt.Fprintf(e.stderr, "  ... and %d more\n", len(s.Skipped)-20)
			break
		}
		fmt.Fprintf(e.stderr, "  %s: %v\n", f.Path, f.Err)
	}
}

// selectClasses keeps the samples of s whose class names are in names, with
// labels renumbered to the positions of names, so that a test set matches
// the classes a model was trained on.
func selectClasses(s *datasets.Set, names []string, perClass, skip int) (*datasets.Set, error) {
	var ids []int
	for _, n := range names {
		i := slices.Index(s.Classes, n)
		if i < 0 {
			return nil, fmt.Errorf("%s has no class %q that the model was trained on", s.Name, n)
		}
		ids = append(ids, i)
	}
	sub, err := s.Subset(ids, perClass, skip)
	if err != nil {
		return nil, err
	}
	// Subset numbers classes by sorted id; map them to the model's order.
	order := make([]int, len(sub.Classes))
	for j, n := range sub.Classes {
		order[j] = slices.Index(names, n)
	}
	for i, y := range sub.Labels {
		sub.Labels[i] = order[y]
	}
	sub.Classes = names
	return sub, nil
}

// modelData loads the samples of a split that a saved model is to be
// applied to: from source (default: the one the model was trained on), the
// model's classes, perClass of each after skipping
// skip (for single-split sources of eval, the model's training samples),
// laid out as the model's architecture takes them. It returns the source
// used. ids, if not nil, selects classes by id instead of the model's names.
func modelData(ctx context.Context, e *env, m *redunet.Model, source, split string, ids []int, perClass, skip int) (*datasets.Set, string, error) {
	if source == "" {
		source = m.Meta["data"]
	}
	if source == "" {
		return nil, "", usagef("the model does not say what data it was trained on: give -data")
	}
	all, err := datasets.Load(ctx, source, split)
	if err != nil {
		return nil, "", err
	}
	reportSkipped(e, all)
	names := m.Classes
	if ids != nil {
		names = nil
		for _, id := range ids {
			if id >= len(all.Classes) {
				return nil, "", fmt.Errorf("class %d: %s has %d classes", id, all.Name, len(all.Classes))
			}
			names = append(names, all.Classes[id])
		}
	}
	s, err := selectClasses(all, names, perClass, skip)
	if err != nil {
		return nil, "", err
	}
	l, _ := experiment.ForModel(m)
	if s, err = l.Apply(s); err != nil {
		return nil, "", err
	}
	if !slices.Equal(s.Shape, m.InputShape) {
		return nil, "", fmt.Errorf("%s has samples of shape %v; the model takes %v", s.Name, s.Shape, m.InputShape)
	}
	return s, source, nil
}

// addShifts adds the all-shifts set of the test set to d, refusing in the
// command line's words samples that have no cyclic shifts.
func addShifts(d *experiment.Data, perClass int) error {
	for _, s := range d.Evals {
		if _, ok := d.Layout.ShiftRank(s.Shape); !ok && s.Name == experiment.TestSet {
			return fmt.Errorf("%s: no cyclic shifts for %v samples with -arch %s", s.Name, s.Shape, d.Layout.Arch)
		}
	}
	return d.AddShifts(perClass)
}
