package datasets

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
)

// An Option changes how a loader reads a data set.
type Option func(*options)

// options is the configuration that Options set.
type options struct {
	limit     int           // keep only the first limit samples; 0 keeps all
	perClass  int           // samples of each class; 0: all (or the default of a synthetic source)
	classes   []int         // the classes to keep, sorted and deduplicated; nil keeps all
	maxPixels int           // the largest image, in pixels, that is decoded
	shard     int           // keep the selected samples of ordinal ≡ shard (mod shards)
	shards    int           // 0 or 1: no sharding
	folder    folderOptions // options that only LoadFolder and ReadImage read (folder.go)
	synth     synthOptions  // options that only the synthetic sources read (synthetic.go)
}

// newOptions applies opts to the default configuration.
func newOptions(opts []Option) options {
	o := options{synth: defaultSynthOptions, maxPixels: DefaultMaxPixels}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Limit makes a loader keep only the first n samples of the split, in
// file order, and stop reading there (n <= 0 keeps all, the default). It
// saves time and memory when only a prefix is wanted; the part of a file
// after those samples, including a gzip checksum, is then not read (a
// plain IDX or NPY file must still be as long as its header says: that
// costs nothing to check). With PerClass or Classes it counts the samples
// those keep. The synthetic
// sources of Load, whose samples are grouped by class, keep the first n
// too.
func Limit(n int) Option {
	return func(o *options) { o.limit = max(n, 0) }
}

// PerClass makes every loader keep only the first n samples of each class
// in file order and stop reading as soon as every class (or every class
// that Classes selects) has n (n <= 0 keeps all, the default). A class
// with fewer samples keeps them all, and the loader then reads to the end.
// LoadFolder takes the first n images of each class folder that decode,
// in file name order; files that are skipped do not count. The part of a
// file after the last sample read, including a gzip checksum, is not
// checked.
//
// The synthetic sources of Load (gaussian2d, gaussian3d, sinusoid) draw n
// samples of each class instead (n <= 0 draws their default number).
//
// Labels and class names are those of the whole data set, as without the
// option, so that Set.Subset can then select and renumber classes as it
// would on the whole set: loading with PerClass(n) and then calling
// Subset(ids, n, 0) gives the same set as loading everything and calling
// Subset(ids, n, 0), at the cost of n samples per class.
func PerClass(n int) Option {
	return func(o *options) { o.perClass = max(n, 0) }
}

// Classes makes every loader keep only the samples whose label is one of
// ids, and read no further once each of those classes has the number of
// samples that PerClass sets (nil or empty keeps every class, the default;
// the caller's slice is not changed). The labels are not renumbered: a
// kept sample has the label it has in the data set, and Set.Classes still
// names every class, so that Set.Subset(ids, …) on the result selects,
// and renumbers to 0..K−1, exactly as on the whole set. A class id is a
// label: for LoadFolder the index of the class folder in sorted order,
// for LoadNPY the index of the label value among the sorted distinct
// values of the labels file. A loader returns an error if an id is out of
// range.
func Classes(ids []int) Option {
	return func(o *options) {
		if len(ids) == 0 {
			o.classes = nil
			return
		}
		o.classes = slices.Compact(slices.Sorted(slices.Values(ids)))
	}
}

// Shard makes every loader keep only shard i of n of the samples that the
// other options select: the ones whose ordinal among them, in file order
// and counting from 0, is i modulo n. The n shards of a split are
// disjoint, and together they are the split as it loads without Shard;
// interleaving them (sample t of shard i is sample i + t·n) gives its file
// order back. Every shard reads the files as far as the whole selection
// does, but holds only its own samples: it is what a distributed run uses
// to read a split on many workers at once. n < 1 is taken as 1 (no
// sharding); Load reports an i outside 0..n−1.
func Shard(i, n int) Option {
	return func(o *options) { o.shard, o.shards = i, max(n, 1) }
}

// checkShard reports a Shard option whose index is out of range.
func (o *options) checkShard(name string) error {
	if o.shards > 1 && (o.shard < 0 || o.shard >= o.shards) || o.shards <= 1 && o.shard != 0 {
		return fmt.Errorf("datasets: %s: shard %d of %d is out of range", name, o.shard, max(o.shards, 1))
	}
	return nil
}

// mine reports whether the selected sample of ordinal t belongs to the
// shard of o.
func (o *options) mine(t int) bool { return o.shards <= 1 || t%o.shards == o.shard }

// selector decides, sample by sample in file order, which samples a loader
// keeps under the options Limit, PerClass and Classes, and when it can
// stop reading.
type selector struct {
	want     []bool // want[label]: the class is selected
	perClass int    // 0: no bound per class
	limit    int    // 0: no bound in all
	counts   []int  // samples kept of each class
	open     int    // selected classes that have fewer than perClass samples
	kept     int    // samples kept in all
	shard    int    // with shards > 1, take keeps the selected samples of ordinal ≡ shard (mod shards)
	shards   int
}

// newSelector returns the selector of o for a data set of k classes. It
// returns an error naming name if a class id of o is out of range.
func (o *options) newSelector(name string, k int) (*selector, error) {
	if err := o.checkShard(name); err != nil {
		return nil, err
	}
	s := &selector{want: make([]bool, k), perClass: o.perClass, limit: o.limit, counts: make([]int, k), shard: o.shard, shards: max(o.shards, 1)}
	if o.classes == nil {
		for i := range s.want {
			s.want[i] = true
		}
		s.open = k
	} else {
		for _, c := range o.classes {
			if c < 0 || c >= k {
				return nil, fmt.Errorf("datasets: %s: class %d out of range [0,%d)", name, c, k)
			}
			s.want[c] = true
		}
		s.open = len(o.classes)
	}
	return s, nil
}

// take reports whether the next sample, of class label (in 0..k−1), is
// kept: selected, and of the selector's shard. It counts every selected
// sample.
func (s *selector) take(label int) bool {
	if s.done() || !s.want[label] || (s.perClass > 0 && s.counts[label] >= s.perClass) {
		return false
	}
	t := s.kept
	s.counts[label]++
	s.kept++
	if s.perClass > 0 && s.counts[label] == s.perClass {
		s.open--
	}
	return s.shards <= 1 || t%s.shards == s.shard
}

// done reports whether no further sample can be kept.
func (s *selector) done() bool {
	return (s.limit > 0 && s.kept >= s.limit) || (s.perClass > 0 && s.open == 0)
}

// most returns the most samples that can be kept from n.
func (s *selector) most(n int) int {
	if s.limit > 0 {
		n = min(n, s.limit)
	}
	if s.perClass > 0 {
		sel := 0
		for _, w := range s.want {
			if w {
				sel++
			}
		}
		if sel <= n/s.perClass {
			n = min(n, sel*s.perClass)
		}
	}
	if s.shards > 1 {
		n = (n + s.shards - 1) / s.shards
	}
	return n
}

// all reports whether the selector keeps every sample: no option bounds
// or selects them.
func (s *selector) all() bool {
	return s.limit == 0 && s.perClass == 0 && s.shards <= 1 && !slices.Contains(s.want, false)
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
			return LoadMNIST(ctx, dir, split, opts...)
		},
	},
	{
		SourceInfo{"fashion-mnist", "fashion-mnist[:DIR]", "Fashion-MNIST, 10 kinds of clothing, 60,000 train and " +
			"10,000 test 1×28×28 images; without DIR read from " + DefaultFashionMNISTDir},
		"directory", false,
		func(ctx context.Context, dir, split string, opts []Option) (*Set, error) {
			if dir == "" {
				dir = DefaultFashionMNISTDir
				if _, err := os.Stat(dir); err != nil {
					return nil, fmt.Errorf("datasets: fashion-mnist: %w (install Debian's dataset-fashion-mnist, or name a directory: fashion-mnist:DIR)", err)
				}
			}
			return LoadFashionMNIST(ctx, dir, split, opts...)
		},
	},
	{
		SourceInfo{"cifar10", "cifar10:DIR", "CIFAR-10, binary version: 10 classes, 50,000 train and 10,000 test 3×32×32 images"},
		"directory", true,
		func(ctx context.Context, dir, split string, opts []Option) (*Set, error) {
			return LoadCIFAR10(ctx, dir, split, opts...)
		},
	},
	{
		SourceInfo{"cifar100", "cifar100:DIR", "CIFAR-100, binary version, with its 100 fine classes: 50,000 train and 10,000 test 3×32×32 images"},
		"directory", true,
		func(ctx context.Context, dir, split string, opts []Option) (*Set, error) {
			return LoadCIFAR100(ctx, dir, split, true, opts...)
		},
	},
	{
		SourceInfo{"cifar100-coarse", "cifar100-coarse:DIR", "CIFAR-100, binary version, with its 20 coarse classes"},
		"directory", true,
		func(ctx context.Context, dir, split string, opts []Option) (*Set, error) {
			return LoadCIFAR100(ctx, dir, split, false, opts...)
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
		func(ctx context.Context, spec, _ string, opts []Option) (*Set, error) {
			data, labels, err := splitNPYSource(spec)
			if err != nil {
				return nil, err
			}
			return LoadNPY(ctx, data, labels, opts...)
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
// (sinusoid only, default 150), Seed (default 1), Classes and Limit. The "train"
// split is drawn with the seed and "test" with the seed plus one, so the
// two are independent; the set is named after the constructor and the
// split, such as "gaussian-circle/train".
//
// The two paths of an npy source are separated by a comma. A path may
// hold commas itself: the separator is then the comma that follows the
// first ".npy" followed by a comma, so DATA must end in ".npy" (as in
// npy:runs/a,b/x.npy,runs/a,b/y.npy); with a single comma, the names may
// end in anything. A source with several commas but no ".npy," is an
// error, as is one whose DATA holds ".npy," itself (use a symbolic link).
//
// Load returns an error that lists the known sources if source is unknown,
// an error if the part after the colon is missing, empty or not wanted, or
// if split is neither "train" nor "test", and the errors of the loader.
// Every loader that reads files watches ctx and stops soon after it is
// done, with an error wrapping ctx.Err(); so does MNIST without a
// directory, which may download.
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

// splitNPYSource splits the part after "npy:" of a source into the paths
// of the data and the labels, as the doc of Load says.
func splitNPYSource(spec string) (data, labels string, err error) {
	if i := strings.Index(spec, ".npy,"); i >= 0 {
		data, labels = spec[:i+len(".npy")], spec[i+len(".npy,"):]
	} else if strings.Count(spec, ",") == 1 {
		data, labels, _ = strings.Cut(spec, ",")
	} else if strings.Contains(spec, ",") {
		return "", "", fmt.Errorf("datasets: npy source %q: cannot tell where DATA ends; "+
			"with commas in the paths, want npy:DATA.npy,LABELS.npy with DATA ending in .npy", spec)
	}
	if data == "" || labels == "" {
		return "", "", fmt.Errorf("datasets: npy source %q: want npy:DATA.npy,LABELS.npy", spec)
	}
	return data, labels, nil
}
