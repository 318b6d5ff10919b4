package datasets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// An Option changes how a loader reads a data set.
type Option func(*options)

// options is the configuration that Options set.
type options struct {
	limit  int           // keep only the first limit samples; 0 keeps all
	folder folderOptions // options that only LoadFolder reads (folder.go)
}

// newOptions applies opts to the default configuration.
func newOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Limit makes a loader keep only the first n samples of the split, in
// file order, and stop reading there (n <= 0 keeps all, the default). It
// saves time and memory when only a prefix is wanted; the part of a file
// after those samples, including a gzip checksum, is then not checked.
func Limit(n int) Option {
	return func(o *options) { o.limit = max(n, 0) }
}

// source is one kind of data set that Load knows.
type source struct {
	name  string // the part of the source string before any colon
	usage string // how it is written, for error messages
	// load loads split; dir is the part after the colon, "" if none.
	load func(ctx context.Context, dir, split string, opts []Option) (*Set, error)
}

// sources lists the data sets Load knows, in the order errors list them.
var sources = []source{
	{"mnist", "mnist[:DIR]", func(ctx context.Context, dir, split string, opts []Option) (*Set, error) {
		if dir == "" {
			var err error
			if dir, err = MNISTDir(ctx); err != nil {
				return nil, err
			}
		}
		return LoadMNIST(dir, split, opts...)
	}},
	{"fashion-mnist", "fashion-mnist[:DIR]", func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
		if dir == "" {
			dir = DefaultFashionMNISTDir
			if _, err := os.Stat(dir); err != nil {
				return nil, fmt.Errorf("datasets: fashion-mnist: %w (install Debian's dataset-fashion-mnist, or name a directory: fashion-mnist:DIR)", err)
			}
		}
		return LoadFashionMNIST(dir, split, opts...)
	}},
	{"cifar10", "cifar10:DIR", func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
		if dir == "" {
			return nil, errors.New("datasets: cifar10 needs a directory: cifar10:DIR")
		}
		return LoadCIFAR10(dir, split, opts...)
	}},
	{"cifar100", "cifar100:DIR", func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
		if dir == "" {
			return nil, errors.New("datasets: cifar100 needs a directory: cifar100:DIR")
		}
		return LoadCIFAR100(dir, split, true, opts...)
	}},
	{"cifar100-coarse", "cifar100-coarse:DIR", func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
		if dir == "" {
			return nil, errors.New("datasets: cifar100-coarse needs a directory: cifar100-coarse:DIR")
		}
		return LoadCIFAR100(dir, split, false, opts...)
	}},
	{"folder", "folder:DIR", func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
		if dir == "" {
			return nil, errors.New("datasets: folder needs a directory: folder:DIR")
		}
		if split != "train" && split != "test" {
			return nil, fmt.Errorf("datasets: folder: unknown split %q (want train or test)", split)
		}
		s, skipped, err := LoadFolder(dir, opts...) // both splits read the whole folder
		if s != nil {
			s.Skipped = skipped
		}
		return s, err
	}},
	{"npy", "npy:DATA.npy,LABELS.npy", func(_ context.Context, spec, split string, opts []Option) (*Set, error) {
		data, labels, ok := strings.Cut(spec, ",")
		if !ok || data == "" || labels == "" {
			return nil, fmt.Errorf("datasets: npy source %q: want npy:DATA.npy,LABELS.npy", spec)
		}
		if split != "train" && split != "test" {
			return nil, fmt.Errorf("datasets: npy: unknown split %q (want train or test)", split)
		}
		return LoadNPY(data, labels, opts...) // both splits read the whole array
	}},
}

// Load loads the split ("train" or "test") of the data set named by
// source, the form a command line takes:
//
//	mnist                 MNIST, located by MNISTDir
//	mnist:DIR             MNIST from the files in DIR
//	fashion-mnist         Fashion-MNIST from DefaultFashionMNISTDir
//	fashion-mnist:DIR     Fashion-MNIST from the files in DIR
//	cifar10:DIR           CIFAR-10, binary version (LoadCIFAR10)
//	cifar100:DIR          CIFAR-100, binary version, fine labels (LoadCIFAR100)
//	cifar100-coarse:DIR   CIFAR-100 with its 20 coarse labels
//	folder:DIR            one sub-folder of images per class (LoadFolder)
//
// A folder has no splits: "train" and "test" both load all of it (select
// disjoint parts with Set.Subset), and the list of skipped files is dropped.
//
// An unknown source is an error that lists the known ones.
func Load(ctx context.Context, source, split string, opts ...Option) (*Set, error) {
	name, dir, hasDir := strings.Cut(source, ":")
	var known []string
	for _, src := range sources {
		if src.name != name {
			known = append(known, src.usage)
			continue
		}
		if hasDir && dir == "" {
			return nil, fmt.Errorf("datasets: source %q: empty directory after the colon", source)
		}
		return src.load(ctx, dir, split, opts)
	}
	return nil, fmt.Errorf("datasets: unknown source %q (known: %s)", source, strings.Join(known, ", "))
}
