package experiment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/redunet"
)

// Data are the sets of a run, laid out for the architecture.
type Data struct {
	// Layout is the layout the sets are in.
	Layout Layout
	// Train is the training set.
	Train *datasets.Set
	// Evals are the evaluation sets: TestSet, then ShiftsSet when the
	// all-shifts set was added.
	Evals []*datasets.Set
	// Preprocess is what the layout did to the raw training samples, for
	// the model to record.
	Preprocess redunet.Preprocess
}

// Prepare lays out a training set (as loaded) for the architecture of l.
func Prepare(l Layout, train *datasets.Set) (*Data, error) {
	raw := slices.Clone(train.Shape)
	t, err := l.Apply(train)
	if err != nil {
		return nil, err
	}
	return &Data{Layout: l, Train: t, Preprocess: l.Preprocess(raw)}, nil
}

// Channels returns the number of channels of the laid-out training samples
// (d for Vector).
func (d *Data) Channels() int {
	c, _ := d.Layout.Signal(d.Train.Shape)
	return c
}

// AddTest lays out a test set (as loaded) and adds it as TestSet. Its
// classes must be those of the training set.
func (d *Data) AddTest(test *datasets.Set) error {
	if !slices.Equal(test.Classes, d.Train.Classes) {
		return fmt.Errorf("the test split's classes %v differ from the training split's %v", test.Classes, d.Train.Classes)
	}
	t, err := d.Layout.Apply(test)
	if err != nil {
		return err
	}
	t.Name = TestSet
	d.Evals = append(d.Evals, t)
	return nil
}

// AddShifts adds the all-shifts test set, ShiftsSet: the first perClass
// samples of each class of the test set (perClass ≤ 0: all), each at every
// shift of the grid (AllShifts). It returns an error if there is no test
// set or if its samples have no cyclic shifts (Layout.ShiftRank).
func (d *Data) AddShifts(perClass int) error {
	i := slices.IndexFunc(d.Evals, func(s *datasets.Set) bool { return s.Name == TestSet })
	if i < 0 {
		return errors.New("experiment: the all-shifts set needs a test set")
	}
	test := d.Evals[i]
	rank, ok := d.Layout.ShiftRank(test.Shape)
	if !ok {
		return fmt.Errorf("%s: no cyclic shifts for %v samples with the %s architecture", test.Name, test.Shape, d.Layout.Arch)
	}
	sh, err := AllShifts(test, rank, perClass)
	if err != nil {
		return err
	}
	sh.Name = ShiftsSet
	d.Evals = append(d.Evals, sh)
	return nil
}

// Options control a run beyond its configuration.
type Options struct {
	// Seed seeds the lift's kernels.
	Seed uint64
	// Workers is the number of goroutines of the network (0: all cores);
	// the results do not depend on it.
	Workers int
	// EvalRates records, at every layer, the rates of the features of the
	// first evaluation set with its true labels (Layer.Eval).
	EvalRates bool
	// ShiftedTrain adds the shifts* cells (ShiftedTrain) when the
	// evaluation has the all-shifts set and the architecture is
	// convolutional.
	ShiftedTrain bool
	// Neighbours is the k of the k-NN classifier (0: 5); the subspace rank
	// is the configuration's.
	Neighbours int
	// Meta is the model's provenance (data source, command line, …).
	Meta map[string]string

	// OnInput, if not nil, is called with the rates of the normalised
	// training input (true labels) before the first layer is built.
	OnInput func(redunet.Rates)
	// OnLayer, if not nil, is called after each layer is built.
	OnLayer func(Layer)
	// OnEvaluate, if not nil, is called when the construction is done and
	// the evaluation starts (not at all without evaluation sets).
	OnEvaluate func()

	onFeatures func(redunet.LayerFeatures) // RunDepth
}

// Layer is what the construction pass records for one layer's output.
type Layer struct {
	// Layer counts from 1.
	Layer int `json:"layer"`
	// True and Pred are the rates of the training features with the true
	// labels (the objective) and with the layer's predictions ŷ.
	True redunet.Rates `json:"true"`
	Pred redunet.Rates `json:"pred"`
	// TrainAccuracy is the accuracy of the layer's own predictions ŷ on
	// the training data.
	TrainAccuracy float64 `json:"train_accuracy"`
	// Eval has the rates of the first evaluation set's features with its
	// true labels (with Options.EvalRates).
	Eval []redunet.Rates `json:"test,omitempty"`
	// EvalAccuracy is the accuracy of the layer's ŷ on every evaluation
	// set.
	EvalAccuracy []float64 `json:"eval_accuracy,omitempty"`
	// Seconds is the time the layer took to build and apply.
	Seconds float64 `json:"seconds"`
}

// Result is what a run produced.
type Result struct {
	// Data are the sets the run was given.
	Data *Data
	// Input has the rates of the normalised training input (true labels);
	// Layers one entry per layer.
	Input  redunet.Rates
	Layers []Layer
	// Train and Evals are the network's input and output on the training
	// set and on every evaluation set (see Split).
	Train Split
	Evals []Split
	// Dim is the dimension of the features.
	Dim int
	// Accuracy is the accuracy table (Evaluate, then ShiftedTrain), empty
	// without evaluation sets.
	Accuracy []Accuracy
	// Model is the network with what is needed to save and apply it.
	Model *redunet.Model
	// Seconds are the times of the steps: "build", and "evaluate" when
	// there were evaluation sets.
	Seconds map[string]float64
}

// Samples returns the number of samples of every set, by name.
func (r *Result) Samples() map[string]int {
	n := map[string]int{TrainSet: len(r.Train.Labels)}
	for _, s := range r.Evals {
		n[s.Name] = len(s.Labels)
	}
	return n
}

// spec is the network of a run of c on data.
func (c Config) spec(data *Data, opt Options) netSpec {
	return netSpec{
		layout:     data.Layout,
		lift:       c.Lift,
		channels:   c.Channels,
		kernel:     c.Kernel,
		seed:       opt.Seed,
		params:     redunet.Params{Eta: c.Eta, EpsSq: c.EpsSq, Lambda: c.Lambda, Layers: c.Layers, Precision: c.Precision, Hard: c.Hard, Oracle: c.Oracle},
		evalRates:  opt.EvalRates,
		onFeatures: opt.onFeatures,
		workers:    opt.Workers,
		meta:       opt.Meta,
		preprocess: data.Preprocess,
	}
}

// Run builds the network of cfg on the training set of data, applying
// every layer to the evaluation sets as soon as it is built, then
// evaluates the features (Evaluate, and ShiftedTrain if opt asks for it).
// Progress is reported through the callbacks of opt. The data must be laid
// out with cfg's layout.
//
// Run returns the errors of the network (bad parameters or shapes, a
// cancelled ctx) and of the evaluation, and an error wrapping ErrClasses
// for fewer than two classes (ΔR of one class is zero whatever the
// features).
func Run(ctx context.Context, cfg Config, data *Data, opt Options) (*Result, error) {
	if data == nil || data.Train == nil {
		return nil, errors.New("experiment: no training data")
	}
	if data.Layout.Arch != cfg.Arch {
		return nil, fmt.Errorf("experiment: data laid out for %s, configuration for %s", data.Layout.Arch, cfg.Arch)
	}
	train := data.Train
	if k := len(train.Classes); k < 2 {
		return nil, fmt.Errorf("%w: ΔR needs at least two classes; %s has %d", ErrClasses, train.Name, k)
	}
	res := &Result{Data: data, Seconds: map[string]float64{}}
	spec := cfg.spec(data, opt)
	t1 := time.Now()
	tl := t1
	onInput := func(r redunet.Rates) {
		if opt.OnInput != nil {
			opt.OnInput(r)
		}
	}
	onLayer := func(lr redunet.LayerResult) {
		var evalAcc []float64
		for i, p := range lr.EvalPredicted {
			evalAcc = append(evalAcc, eval.Accuracy(p, data.Evals[i].Labels))
		}
		l := Layer{Layer: lr.Layer, True: lr.True, Pred: lr.Pred, Eval: lr.Eval, EvalAccuracy: evalAcc,
			TrainAccuracy: eval.Accuracy(lr.Predicted, train.Labels), Seconds: time.Since(tl).Seconds()}
		res.Layers = append(res.Layers, l)
		if opt.OnLayer != nil {
			opt.OnLayer(l)
		}
		tl = time.Now()
	}
	b, err := build(ctx, train, data.Evals, spec, onInput, onLayer)
	if err != nil {
		return nil, err
	}
	res.Input, res.Train, res.Evals, res.Model = b.input, b.train, b.evals, b.model
	res.Dim = len(b.train.Features) / train.Len()
	res.Seconds["build"] = time.Since(t1).Seconds()
	if len(data.Evals) == 0 {
		return res, nil
	}
	if opt.OnEvaluate != nil {
		opt.OnEvaluate()
	}
	t2 := time.Now()
	k := len(train.Classes)
	eo := eval.Options{Rank: cfg.Rank, K: opt.Neighbours}
	acc, err := Evaluate(ctx, k, res.Train, res.Evals, eo)
	if err != nil {
		return nil, err
	}
	if opt.ShiftedTrain && cfg.Arch != Vector {
		_, signal := data.Layout.Signal(train.Shape)
		for _, s := range res.Evals {
			if s.Name != ShiftsSet {
				continue
			}
			more, err := ShiftedTrain(ctx, k, res.Train, s, signal, eo)
			if err != nil {
				return nil, err
			}
			acc = append(acc, more...)
		}
	}
	res.Accuracy = acc
	res.Seconds["evaluate"] = time.Since(t2).Seconds()
	return res, nil
}
