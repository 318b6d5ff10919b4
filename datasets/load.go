package datasets

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// An Option changes how a loader reads a data set.
type Option func(*options)

// options is the configuration that Options set.
type options struct {
	limit    int           // keep only the first limit samples; 0 keeps all
	perClass int           // samples of each class (LoadFolder, synthetic sources); 0: all or the default
	folder   folderOptions // options that only LoadFolder reads (folder.go)
	synth    synthOptions  // options that only the synthetic sources read (synthetic.go)
}

// newOptions applies opts to the default configuration.
func newOptions(opts []Option) options {
	o := options{synth: defaultSynthOptions}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Limit makes a loader keep only the first n samples of the split, in
// file order, and stop reading there (n <= 0 keeps all, the default). It
// saves time and memory when only a prefix is wanted; the part of a file
// after those samples, including a gzip checksum, is then not checked.
// The synthetic sources of Load, whose samples are grouped by class, keep
// the first n too.
func Limit(n int) Option {
	return func(o *options) { o.limit = max(n, 0) }
}

// SourceInfo describes a data source that Load knows, for help texts.
type SourceInfo struct {
	Name    string // the part of a source string before any colon, such as "mnist"
	Usage   string // how a source string is written, such as "mnist[:DIR]"
	Summary string // what the source is, in one line
}

// source is one kind of data set that Load knows.
type source struct {
	SourceInfo
	// arg names what may follow the colon, such as "directory"; "" if
	// nothing may.
	arg string
	// needArg is true if the colon and arg are required.
	needArg bool
	// load loads split ("train" or "test"); arg is the part after the
	// colon, "" if there is none.
	load func(ctx context.Context, arg, split string, opts []Option) (*Set, error)
}

// sources lists the data sets Load knows, each once, in the order in which
// Sources and Load's errors list them.
var sources = []source{
	{
		SourceInfo{"mnist", "mnist[:DIR]", "MNIST handwritten digits, 60,000 train and 10,000 test 1×28×28 images; " +
			"without DIR fetched through the Go module proxy"},
		"directory", false,
		func(ctx context.Context, dir, split string, opts []Option) (*Set, error) {
			if dir == "" {
				var err error
				if dir, err = MNISTDir(ctx); err != nil {
					return nil, err
				}
			}
			return LoadMNIST(dir, split, opts...)
		},
	},
	{
		SourceInfo{"fashion-mnist", "fashion-mnist[:DIR]", "Fashion-MNIST, 10 kinds of clothing, 60,000 train and " +
			"10,000 test 1×28×28 images; without DIR read from " + DefaultFashionMNISTDir},
		"directory", false,
		func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
			if dir == "" {
				dir = DefaultFashionMNISTDir
				if _, err := os.Stat(dir); err != nil {
					return nil, fmt.Errorf("datasets: fashion-mnist: %w (install Debian's dataset-fashion-mnist, or name a directory: fashion-mnist:DIR)", err)
				}
			}
			return LoadFashionMNIST(dir, split, opts...)
		},
	},
	{
		SourceInfo{"cifar10", "cifar10:DIR", "CIFAR-10, binary version: 10 classes, 50,000 train and 10,000 test 3×32×32 images"},
		"directory", true,
		func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
			return LoadCIFAR10(dir, split, opts...)
		},
	},
	{
		SourceInfo{"cifar100", "cifar100:DIR", "CIFAR-100, binary version, with its 100 fine classes: 50,000 train and 10,000 test 3×32×32 images"},
		"directory", true,
		func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
			return LoadCIFAR100(dir, split, true, opts...)
		},
	},
	{
		SourceInfo{"cifar100-coarse", "cifar100-coarse:DIR", "CIFAR-100, binary version, with its 20 coarse classes"},
		"directory", true,
		func(_ context.Context, dir, split string, opts []Option) (*Set, error) {
			return LoadCIFAR100(dir, split, false, opts...)
		},
	},
	{
		SourceInfo{"folder", "folder:DIR", "image files, one sub-folder of DIR per class; " +
			"no splits: train and test both load the whole folder"},
		"directory", true,
		func(ctx context.Context, dir, _ string, opts []Option) (*Set, error) {
			s, _, err := LoadFolder(ctx, dir, opts...) // s.Skipped lists the files left out
			return s, err
		},
	},
	{
		SourceInfo{"npy", "npy:DATA.npy,LABELS.npy", "NumPy arrays of m samples (m×d, m×C×T, m×C×H×W or m×C×D×H×W) " +
			"and m integer labels; no splits: train and test both load all of it"},
		"file list", true,
		func(_ context.Context, spec, _ string, opts []Option) (*Set, error) {
			data, labels, ok := strings.Cut(spec, ",")
			if !ok || data == "" || labels == "" {
				return nil, fmt.Errorf("datasets: npy source %q: want npy:DATA.npy,LABELS.npy", spec)
			}
			return LoadNPY(data, labels, opts...)
		},
	},
	{
		SourceInfo{"gaussian2d", "gaussian2d", "synthetic: 2 classes of points on the unit circle around (1,0) and (0,1), " +
			"noise 0.1, 500 per class (GaussianCircle)"},
		"", false,
		func(_ context.Context, _, split string, opts []Option) (*Set, error) {
			return loadSynthetic("gaussian2d", split, 500, opts, func(n int, o synthOptions, seed uint64) *Set {
				return GaussianCircle(n, o.noise, seed)
			})
		},
	},
	{
		SourceInfo{"gaussian3d", "gaussian3d", "synthetic: 3 classes of points on the unit sphere around e1, e2 and e3, " +
			"noise 0.1, 500 per class (GaussianSphere)"},
		"", false,
		func(_ context.Context, _, split string, opts []Option) (*Set, error) {
			return loadSynthetic("gaussian3d", split, 500, opts, func(n int, o synthOptions, seed uint64) *Set {
				return GaussianSphere(n, o.noise, seed)
			})
		},
	},
	{
		SourceInfo{"sinusoid", "sinusoid", "synthetic: sine and square waves of random phase, 150 samples long, " +
			"noise 0.1, 400 per class (Sinusoids)"},
		"", false,
		func(_ context.Context, _, split string, opts []Option) (*Set, error) {
			return loadSynthetic("sinusoid", split, 400, opts, func(n int, o synthOptions, seed uint64) *Set {
				return Sinusoids(n, o.length, o.noise, seed)
			})
		},
	},
}

// Sources returns the data sources that Load knows, each once, in the order
// in which Load's errors list them, so that a command can print them.
// Changing the result does not change the sources.
func Sources() []SourceInfo {
	info := make([]SourceInfo, len(sources))
	for i, src := range sources {
		info[i] = src.SourceInfo
	}
	return info
}

// Load loads the split ("train" or "test") of the data set named by
// source, the form a command line takes (Sources lists them):
//
//	mnist                    MNIST, located by MNISTDir
//	mnist:DIR                MNIST from the files in DIR (LoadMNIST)
//	fashion-mnist            Fashion-MNIST from DefaultFashionMNISTDir
//	fashion-mnist:DIR        Fashion-MNIST from the files in DIR (LoadFashionMNIST)
//	cifar10:DIR              CIFAR-10, binary version (LoadCIFAR10)
//	cifar100:DIR             CIFAR-100, binary version, fine labels (LoadCIFAR100)
//	cifar100-coarse:DIR      CIFAR-100 with its 20 coarse labels
//	folder:DIR               one sub-folder of images per class (LoadFolder)
//	npy:DATA.npy,LABELS.npy  samples and labels in two NumPy files (LoadNPY)
//	gaussian2d               two classes on the unit circle (GaussianCircle)
//	gaussian3d               three classes on the unit sphere (GaussianSphere)
//	sinusoid                 sine against square waves (Sinusoids)
//
// The options are passed on to the loader; each ignores those that are not
// its own. A folder and a pair of NumPy files have no splits: "train" and
// "test" both load all of it (select disjoint parts with Set.Subset). The
// files a folder loader leaves out are listed in the set's Skipped field.
//
// The synthetic sources take the options PerClass (default 500 for the
// Gaussians, 400 for the sinusoids), Noise (default 0.1), SignalLength
// (sinusoid only, default 150), Seed (default 1) and Limit. The "train"
// split is drawn with the seed and "test" with the seed plus one, so the
// two are independent; the set is named after the constructor and the
// split, such as "gaussian-circle/train".
//
// Load returns an error that lists the known sources if source is unknown,
// an error if the part after the colon is missing, empty or not wanted, or
// if split is neither "train" nor "test", and the errors of the loader.
// Only MNIST without a directory (which may download) and folders (which
// decode images) watch ctx.
func Load(ctx context.Context, source, split string, opts ...Option) (*Set, error) {
	name, arg, hasArg := strings.Cut(source, ":")
	i := lookupSource(name)
	if i < 0 {
		known := make([]string, len(sources))
		for i, src := range sources {
			known[i] = src.Usage
		}
		return nil, fmt.Errorf("datasets: unknown source %q (known: %s)", source, strings.Join(known, ", "))
	}
	src := &sources[i]
	switch {
	case hasArg && src.arg == "":
		return nil, fmt.Errorf("datasets: source %q: %s takes nothing after a colon", source, name)
	case hasArg && arg == "":
		return nil, fmt.Errorf("datasets: source %q: empty %s after the colon", source, src.arg)
	case !hasArg && src.needArg:
		return nil, fmt.Errorf("datasets: %s needs a %s: %s", name, src.arg, src.Usage)
	}
	if split != "train" && split != "test" {
		return nil, fmt.Errorf("datasets: %s: unknown split %q (want train or test)", name, split)
	}
	return src.load(ctx, arg, split, opts)
}

// lookupSource returns the index in sources of the source called name, or
// -1.
func lookupSource(name string) int {
	for i, src := range sources {
		if src.Name == name {
			return i
		}
	}
	return -1
}
