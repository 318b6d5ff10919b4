package experiment

// This file is the seam between the protocol and the network package: every
// call into package redunet (and the lift of package conv) that this
// package makes is here, so that a change of the network's API is an edit
// of this file only. The rest of the package uses redunet's plain types
// (Params, Rates, LayerResult, Model, Preprocess) and calls nothing.

import (
	"context"
	"errors"
	"fmt"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/redunet"
)

// netSpec is the network a run builds and the model it makes of it.
type netSpec struct {
	layout Layout
	// lift is "gaussian" or "none" (or empty: none), with its output
	// channels, kernel size and seed.
	lift             string
	channels, kernel int
	seed             uint64
	params           redunet.Params
	// evalRates records the rates of the first evaluation set at every
	// layer.
	evalRates  bool
	onFeatures func(redunet.LayerFeatures) // the features at every depth (nil: none)
	workers    int
	meta       map[string]string
	preprocess redunet.Preprocess
}

// built is what the construction pass gives the protocol.
type built struct {
	// input has the rates of the normalised training input.
	input redunet.Rates
	// train and evals are the network's input (normalised, lifted) and
	// output on the training set and on every evaluation set, with the
	// last layer's predictions.
	train Split
	evals []Split
	model *redunet.Model
}

// build runs the construction pass of the network of spec on the laid-out
// training set, applying every layer to the evaluation sets as soon as it
// is built (construct-then-apply). onInput is called with the rates of the
// normalised input, onLayer after every layer.
func build(ctx context.Context, train *datasets.Set, evals []*datasets.Set, spec netSpec, onInput func(redunet.Rates), onLayer func(redunet.LayerResult)) (*built, error) {
	var evalX [][]float64
	for _, s := range evals {
		evalX = append(evalX, s.X)
	}
	net, err := newNet(train.Shape, len(train.Classes), spec)
	if err != nil {
		return nil, err
	}
	opt := redunet.BuildOptions{Keep: true, Eval: evalX, Workers: spec.workers, OnInput: onInput, OnLayer: onLayer, OnFeatures: spec.onFeatures}
	if spec.evalRates && len(evals) > 0 {
		opt.EvalLabels = [][]int{evals[0].Labels}
	}
	tr, err := net.Build(ctx, train.X, train.Labels, opt)
	if err != nil {
		return nil, err
	}
	r := &redunet.Result{Net: net, Trace: *tr}
	b := &built{input: r.Input,
		model: &redunet.Model{Classes: train.Classes, InputShape: train.Shape, Preprocess: spec.preprocess, Meta: spec.meta, Net: r.Net}}
	b.train = Split{Name: TrainSet, Raw: train.X, Features: r.Features, Labels: train.Labels}
	if n := len(r.Layers); n > 0 {
		b.train.Predicted = r.Layers[n-1].Predicted
	}
	for i, s := range evals {
		sp := Split{Name: s.Name, Raw: s.X, Features: r.Eval[i], Labels: s.Labels}
		if r.EvalPredicted != nil {
			sp.Predicted = r.EvalPredicted[i]
		}
		b.evals = append(b.evals, sp)
	}
	// The raw input is the prepared (normalised, lifted) one: the net's
	// own for the training set; that of an evaluation set is made a chunk
	// at a time as it is scored (Split.Prepare), never held whole.
	b.train.Raw = r.Net.TrainInput
	for i := range b.evals {
		b.evals[i].Prepare = r.Net.Prepare
	}
	return b, nil
}

// newNet returns the unbuilt network of spec for laid-out samples of the
// given shape and k classes. Every architecture is one redunet.Net: a
// vector net is d channels on the empty shape, without a lift. It keeps its
// training data: its prepared training input is the raw input of the
// evaluation.
func newNet(shape []int, k int, spec netSpec) (*redunet.Net, error) {
	inCh, signal := spec.layout.Signal(shape)
	var lift *conv.Lift
	var err error
	switch spec.lift {
	case "gaussian":
		if len(signal) > 0 {
			if lift, err = conv.NewGaussianLift(inCh, spec.channels, spec.kernel, len(signal), spec.seed); err != nil {
				return nil, err
			}
		}
	case "", "none":
	default:
		return nil, fmt.Errorf("experiment: lift %q: want gaussian or none", spec.lift)
	}
	return redunet.NewNet(inCh, signal, k, lift, spec.params)
}

// NewNet returns the network, not yet built, that Run builds on the
// training set of data with cfg and the lift seeded by seed: for what can
// be known of a run before it starts (its size, a lift that does not fit
// the data).
func NewNet(cfg Config, data *Data, seed uint64) (*redunet.Net, error) {
	if data == nil || data.Train == nil {
		return nil, errors.New("experiment: no training data")
	}
	return newNet(data.Train.Shape, len(data.Train.Classes), cfg.spec(data, Options{Seed: seed}))
}

// modelArch returns the architecture of a model's network.
func modelArch(m *redunet.Model) Arch { return Arch(m.Arch()) }

// Apply applies a saved model to sets laid out as the model takes them
// (ForModel): it returns the training split (the model's normalised, and
// for a convolutional net lifted, training input; its training features;
// labels; the last layer's predictions) and one split per set, named after
// it, ready for Evaluate and ShiftedTrain (its Raw holds the set's samples,
// which its Prepare lifts and normalises a chunk at a time as they are
// scored). workers is the number of
// goroutines (0: all cores); the results do not depend on it.
//
// The layers are rebuilt one at a time from the model's training input as
// they are applied, which costs one construction pass.
func Apply(ctx context.Context, m *redunet.Model, sets []*datasets.Set, workers int) (train Split, evals []Split, err error) {
	n := m.Net
	if n == nil {
		return Split{}, nil, fmt.Errorf("experiment: the model has no network")
	}
	n.Workers = workers
	xs := make([][]float64, len(sets))
	for i, s := range sets {
		xs[i] = s.X
	}
	// Transform rebuilds the layers from the training input, which also
	// gives the training features.
	feats, yh, err := n.Transform(ctx, xs...)
	if err != nil {
		return Split{}, nil, err
	}
	train = Split{Name: TrainSet, Raw: n.TrainInput, Features: n.Final, Labels: n.Labels, Predicted: n.TrainPredicted}
	evals = make([]Split, len(sets))
	for i, s := range sets {
		evals[i] = Split{Name: s.Name, Raw: s.X, Features: feats[i], Labels: s.Labels}
		if yh != nil {
			evals[i].Predicted = yh[i]
		}
		evals[i].Prepare = n.Prepare
	}
	return train, evals, nil
}

// tiedRun is the tied network of spec (the tied-vs-untied ablation): its
// first layer is built on the training set as a ReduNet's is, and then its
// operators are applied steps times to the training set and to every
// evaluation set, never recomputed. It returns what build returns, and the
// rates and accuracy of ŷ after every step (the first evaluation set's
// rates too, with evalRates).
func tiedRun(ctx context.Context, train *datasets.Set, evals []*datasets.Set, spec netSpec, steps int) (*built, []Layer, error) {
	net, err := newNet(train.Shape, len(train.Classes), spec)
	if err != nil {
		return nil, nil, err
	}
	net.Workers = spec.workers
	b, err := net.Encode(train.X)
	if err != nil {
		return nil, nil, err
	}
	var eb []*redunet.Batch
	for _, s := range evals {
		e, err := net.Encode(s.X)
		if err != nil {
			return nil, nil, err
		}
		eb = append(eb, e)
	}
	st, err := net.Statistics(b, train.Labels)
	if err != nil {
		return nil, nil, err
	}
	input, err := net.Rates(st)
	if err != nil {
		return nil, nil, err
	}
	layer, err := net.Factor(st)
	if err != nil {
		return nil, nil, err
	}
	rates := func(b *redunet.Batch, labels []int) (redunet.Rates, error) {
		s, err := net.Statistics(b, labels)
		if err != nil {
			return redunet.Rates{}, err
		}
		return net.Rates(s)
	}
	var layers []Layer
	var yhat []int
	evalYhat := make([][]int, len(evals))
	for step := 1; step <= steps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		yhat = layer.Apply(b, nil)
		l := Layer{Layer: step, TrainAccuracy: accuracyOf(yhat, train.Labels)}
		for i, e := range eb {
			evalYhat[i] = layer.Apply(e, nil)
			l.EvalAccuracy = append(l.EvalAccuracy, accuracyOf(evalYhat[i], evals[i].Labels))
		}
		if l.True, err = rates(b, train.Labels); err != nil {
			return nil, nil, err
		}
		if spec.evalRates && len(eb) > 0 {
			r, err := rates(eb[0], evals[0].Labels)
			if err != nil {
				return nil, nil, err
			}
			l.Eval = []redunet.Rates{r}
		}
		layers = append(layers, l)
	}
	raw, err := net.Prepare(train.X)
	if err != nil {
		return nil, nil, err
	}
	out := &built{input: input}
	out.train = Split{Name: TrainSet, Raw: raw, Features: net.Decode(b), Labels: train.Labels, Predicted: yhat}
	for i, s := range evals {
		out.evals = append(out.evals, Split{Name: s.Name, Raw: s.X, Prepare: net.Prepare, Features: net.Decode(eb[i]), Labels: s.Labels, Predicted: evalYhat[i]})
	}
	return out, layers, nil
}

// accuracyOf is eval.Accuracy: the fraction of predictions equal to the labels.
func accuracyOf(pred, labels []int) float64 { return eval.Accuracy(pred, labels) }
