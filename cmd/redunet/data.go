package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/redunet-go/redunet/datasets"
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

// singleSplit reports whether a source has no separate test split (a folder
// of images, a NumPy array): its test samples are then the ones after the
// training samples of each class.
func singleSplit(source string) bool {
	return strings.HasPrefix(source, "folder:") || strings.HasPrefix(source, "npy:")
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
