package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/report"
)

// Config is one experiment at one scale: the data, the architecture and
// its lift, the parameters of the network and of the protocol. Its JSON
// form is the "config" of results.json.
type Config struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Arch        Arch   `json:"arch"`
	// Data is the data source, as datasets.Load names it (the synthetic
	// sets too: gaussian2d, gaussian3d, sinusoid).
	Data string `json:"data"`
	// Classes selects classes (ClassIDs: "0-9", "0,1", by label value
	// when the class names are numbers, else by position or name); empty
	// means all.
	Classes string `json:"classes,omitempty"`
	// TrainPer and TestPer are the samples per class of the two splits:
	// the first ones of each class in file order.
	TrainPer int `json:"train_per_class"`
	TestPer  int `json:"test_per_class"`
	// Shifts says that the evaluation has the all-shifts test set. Run
	// evaluates the sets it is given: whoever prepares the data adds it
	// (Data.AddShifts).
	Shifts bool `json:"all_shifts"`
	// Lift is "gaussian" (fixed random N(0,1) kernels, then ReLU) or empty
	// or "none" (no lift), with Channels output channels and Kernel-wide
	// kernels (Kernel^r for r spatial axes). Convolutional architectures
	// only.
	Lift     string `json:"lift,omitempty"`
	Channels int    `json:"channels,omitempty"`
	Kernel   int    `json:"kernel,omitempty"`
	// Radii and Angles are the polar transform of Conv1D on images (zero:
	// DefaultRadii, DefaultAngles).
	Radii  int `json:"radii,omitempty"`
	Angles int `json:"angles,omitempty"`
	// Layers, Eta, EpsSq and Lambda are the network's parameters: L, the
	// step size η, ε² (the squared distortion) and λ.
	Layers int     `json:"layers"`
	Eta    float64 `json:"eta"`
	EpsSq  float64 `json:"eps2"`
	Lambda float64 `json:"lambda"`
	// Precision is the arithmetic of the layers' application
	// (redunet.Params.Precision: empty for float64, or "float32").
	Precision string `json:"precision,omitempty"`
	// Hard and Oracle are the assignment ablations (redunet.Params.Hard,
	// redunet.Params.Oracle).
	Hard   bool `json:"hard,omitempty"`
	Oracle bool `json:"oracle,omitempty"`
	// Rank is the subspace rank of the nearest-subspace classifier.
	Rank int `json:"rank"`
	// Standardize standardises the samples with the CIFAR-10 mean and
	// standard deviation (datasets.CIFAR10Mean, datasets.CIFAR10Std).
	Standardize bool `json:"standardize,omitempty"`
	// Limits are closed-form limits of the rates, drawn and reported with
	// them (the Gaussian experiments).
	Limits []report.Ref `json:"limits,omitempty"`
}

// Layout returns the layout of the experiment's data.
func (c Config) Layout() Layout {
	return Layout{Arch: c.Arch, Radii: c.Radii, Angles: c.Angles}
}

// Entry is an experiment of the catalogue at its two scales: the paper's
// configuration, and a small one that shows the same effect in about two
// minutes on two cores.
type Entry struct {
	Name, Description string
	Paper, Small      Config
}

// Scales of the catalogue.
const (
	Paper = "paper"
	Small = "small"
)

// The closed-form limits of the rates of the Gaussian experiments, for
// ε² = 0.1 and classes of 500 samples that the network collapses to
// mutually orthogonal lines: two classes on the circle (m = 1000) give
// R → ln 11 and Rc → ½·ln 21; three on the sphere (m = 1500) give
// R → 1.5·ln 11 and Rc → ½·ln 31.
var (
	circleLimits = []report.Ref{
		{Name: "R limit ln 11", Y: math.Log(11)},
		{Name: "Rc limit ½ln 21", Y: 0.5 * math.Log(21)},
		{Name: "ΔR limit", Y: math.Log(11) - 0.5*math.Log(21)},
	}
	sphereLimits = []report.Ref{
		{Name: "R limit 1.5 ln 11", Y: 1.5 * math.Log(11)},
		{Name: "Rc limit ½ln 31", Y: 0.5 * math.Log(31)},
		{Name: "ΔR limit", Y: 1.5*math.Log(11) - 0.5*math.Log(31)},
	}
)

// catalogue is the list of experiments: the paper's configurations and
// small ones. The parameters left zero are η = 0.5, ε² = 0.1 and λ = 500,
// the paper's (filled in by Catalogue).
var catalogue = []Entry{
	{"gaussian2d", "two classes of Gaussians on the circle (vector ReduNet)",
		Config{Arch: Vector, Data: "gaussian2d", TrainPer: 500, TestPer: 500, Layers: 2000, Rank: 1, Limits: circleLimits},
		Config{Arch: Vector, Data: "gaussian2d", TrainPer: 500, TestPer: 500, Layers: 300, Rank: 1, Limits: circleLimits}},
	{"gaussian3d", "three classes of Gaussians on the sphere (vector ReduNet)",
		Config{Arch: Vector, Data: "gaussian3d", TrainPer: 500, TestPer: 500, Layers: 2000, Rank: 2, Limits: sphereLimits},
		Config{Arch: Vector, Data: "gaussian3d", TrainPer: 500, TestPer: 500, Layers: 300, Rank: 2, Limits: sphereLimits}},
	{"mnist-rotation", "rotation-invariant MNIST: polar images, 1-D shift-invariant ReduNet",
		Config{Arch: Conv1D, Data: "mnist", Classes: "0-9", TrainPer: 10, TestPer: 10, Shifts: true, Lift: "gaussian", Channels: 20, Kernel: 5, Radii: 15, Angles: 200, Layers: 40, Rank: 10},
		Config{Arch: Conv1D, Data: "mnist", Classes: "0-9", TrainPer: 10, TestPer: 10, Shifts: true, Lift: "gaussian", Channels: 20, Kernel: 5, Radii: 15, Angles: 200, Layers: 20, Rank: 10}},
	{"mnist-translation", "translation-invariant MNIST: 2-D shift-invariant ReduNet",
		Config{Arch: Conv2D, Data: "mnist", Classes: "0-9", TrainPer: 10, TestPer: 10, Shifts: true, Lift: "gaussian", Channels: 75, Kernel: 9, Layers: 25, Rank: 10},
		Config{Arch: Conv2D, Data: "mnist", Classes: "0-9", TrainPer: 10, TestPer: 10, Shifts: true, Lift: "gaussian", Channels: 16, Kernel: 9, Layers: 10, Rank: 10}},
	{"mnist2d-binary", "MNIST digits 0 and 1, 2-D shift-invariant ReduNet",
		Config{Arch: Conv2D, Data: "mnist", Classes: "0,1", TrainPer: 500, TestPer: 100, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 9, Layers: 2000, Rank: 10},
		Config{Arch: Conv2D, Data: "mnist", Classes: "0,1", TrainPer: 100, TestPer: 50, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 9, Layers: 100, Rank: 10}},
	{"mnist1d-binary", "MNIST digits 0 and 1, polar images with 5 radii, 1-D shift-invariant ReduNet",
		Config{Arch: Conv1D, Data: "mnist", Classes: "0,1", TrainPer: 2000, TestPer: 100, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 9, Radii: 5, Angles: 200, Layers: 3500, Rank: 10},
		Config{Arch: Conv1D, Data: "mnist", Classes: "0,1", TrainPer: 200, TestPer: 50, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 9, Radii: 5, Angles: 200, Layers: 100, Rank: 10}},
	{"sinusoid", "sinusoids vs square waves with random phase, 1-D shift-invariant ReduNet",
		Config{Arch: Conv1D, Data: "sinusoid", TrainPer: 400, TestPer: 100, Shifts: true, Lift: "gaussian", Channels: 7, Kernel: 3, Layers: 2000, Eta: 0.1, Rank: 1},
		Config{Arch: Conv1D, Data: "sinusoid", TrainPer: 100, TestPer: 50, Shifts: true, Lift: "gaussian", Channels: 7, Kernel: 3, Layers: 200, Eta: 0.1, Rank: 1}},
	{"cifar10", "CIFAR-10, standardised, 2-D shift-invariant ReduNet (needs -data)",
		Config{Arch: Conv2D, Classes: "0-9", TrainPer: 500, TestPer: 100, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 3, Layers: 50, Rank: 10, Standardize: true},
		Config{Arch: Conv2D, Classes: "0-9", TrainPer: 30, TestPer: 20, Shifts: true, Lift: "gaussian", Channels: 5, Kernel: 3, Layers: 15, Rank: 10, Standardize: true}},
}

// Catalogue returns every experiment of the catalogue, in a fixed order,
// each configuration named, described and with its parameters filled in
// (η = 0.5 unless the experiment sets it, ε² = 0.1, λ = 500). The cifar10
// experiment has no data source: its Data is to be set by the caller.
func Catalogue() []Entry {
	out := make([]Entry, len(catalogue))
	for i, e := range catalogue {
		e.Paper, e.Small = e.complete(e.Paper), e.complete(e.Small)
		out[i] = e
	}
	return out
}

// complete names c after the entry and fills in the default parameters.
func (e Entry) complete(c Config) Config {
	c.Name, c.Description = e.Name, e.Description
	if c.Eta == 0 {
		c.Eta = 0.5
	}
	if c.EpsSq == 0 {
		c.EpsSq = 0.1
	}
	if c.Lambda == 0 {
		c.Lambda = 500
	}
	c.Limits = append([]report.Ref(nil), c.Limits...)
	if len(c.Limits) == 0 {
		c.Limits = nil
	}
	return c
}

// ErrUnknown is returned (wrapped) by Lookup for a name that is not in the
// catalogue.
var ErrUnknown = errors.New("experiment: unknown experiment")

// Lookup returns the configuration of the named experiment of the
// catalogue at a scale, Paper or Small. It returns an error wrapping
// ErrUnknown for an unknown name, and an error for an unknown scale.
func Lookup(name, scale string) (Config, error) {
	if scale != Paper && scale != Small {
		return Config{}, fmt.Errorf("experiment: scale %q: want %s or %s", scale, Small, Paper)
	}
	for _, e := range Catalogue() {
		if e.Name == name {
			if scale == Paper {
				return e.Paper, nil
			}
			return e.Small, nil
		}
	}
	return Config{}, fmt.Errorf("%w %q", ErrUnknown, name)
}

// SingleSplit reports whether a data source has no separate test split (a
// folder of images, a NumPy array): its test samples are then the ones
// that follow the training samples of each class.
func SingleSplit(source string) bool {
	return strings.HasPrefix(source, "folder:") || strings.HasPrefix(source, "npy:")
}

// Load loads the training and the test split of an experiment, not yet laid
// out for the architecture: the first TrainPer and TestPer samples of each
// class that Classes selects (ClassIDs), standardised if the experiment
// says so. For a single-split source the test samples are the TestPer after
// the training ones (TestOffset), never training samples: a TrainPer of 0
// (all) leaves none, an error wrapping ErrNoTestSamples. Every source is
// datasets.Load's; the synthetic ones draw TrainPer and TestPer samples per
// class from seed (training) and seed+1 (test).
func Load(ctx context.Context, c Config, seed uint64) (train, test *datasets.Set, err error) {
	if c.Data == "" {
		return nil, nil, fmt.Errorf("experiment: %s has no data source", c.Name)
	}
	skip, err := TestOffset(c.Data, c.TrainPer)
	if err != nil {
		return nil, nil, err
	}
	load := func(split string, perClass, skip int) (*datasets.Set, error) {
		n := 0 // how many per class the loader needs to read: all unless bounded
		if perClass > 0 {
			n = perClass + skip
		}
		s, err := datasets.Load(ctx, c.Data, split, datasets.PerClass(n), datasets.Seed(seed))
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		classes, err := ClassIDs(s, c.Classes)
		if err != nil {
			return nil, err
		}
		return s.Subset(classes, perClass, skip)
	}
	if train, err = load("train", c.TrainPer, 0); err != nil {
		return nil, nil, err
	}
	if test, err = load("test", c.TestPer, skip); err != nil {
		return nil, nil, err
	}
	if c.Standardize {
		datasets.Standardize(train, datasets.CIFAR10Mean, datasets.CIFAR10Std)
		datasets.Standardize(test, datasets.CIFAR10Mean, datasets.CIFAR10Std)
	}
	return train, test, nil
}
