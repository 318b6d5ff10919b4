package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/redunet"
)

// DepthClassifiers are the classifiers of the accuracy-per-depth curves:
// nearest subspace, k-NN and ReduNet's own (from the first layer on).
func DepthClassifiers() []string { return []string{"nearest-subspace", "knn", Own} }

// Depth is the accuracy of the features at one depth of a run.
type Depth struct {
	// Layer is the depth: 0 for the (lifted, normalised) input.
	Layer int `json:"layer"`
	// Accuracy has a cell per set and classifier of DepthClassifiers
	// (Input = Features), Own from layer 1 on.
	Accuracy []Accuracy `json:"accuracy"`
}

// Of returns the accuracy of classifier c on set s, NaN if there is none.
func (d Depth) Of(s, c string) float64 {
	for _, a := range d.Accuracy {
		if a.Set == s && a.Classifier == c {
			return a.Accuracy
		}
	}
	return math.NaN()
}

// depthHook returns the OnFeatures callback of a run that scores the
// features of the training set and of the evaluation sets at every depth
// with DepthClassifiers (fit on the training features, with the protocol's
// normalisation) and appends one Depth a call to *out. The first error is
// kept in *errp; the features are dropped after each call.
func depthHook(ctx context.Context, k int, train *datasets.Set, evals []*datasets.Set, opt eval.Options, out *[]Depth, errp *error) func(redunet.LayerFeatures) {
	return func(lf redunet.LayerFeatures) {
		if *errp != nil {
			return
		}
		d, err := scoreDepth(ctx, k, train, evals, lf, opt)
		if err != nil {
			*errp = err
			return
		}
		*out = append(*out, d)
	}
}

// scoreDepth scores the features of one depth.
func scoreDepth(ctx context.Context, k int, train *datasets.Set, evals []*datasets.Set, lf redunet.LayerFeatures, opt eval.Options) (Depth, error) {
	m := train.Len()
	dep := Depth{Layer: lf.Layer}
	if m == 0 || len(lf.Train)%m != 0 {
		return dep, fmt.Errorf("experiment: %d training features for %d samples", len(lf.Train), m)
	}
	d := len(lf.Train) / m
	xt := normalized(lf.Train, d)
	var cs []eval.Classifier
	names := DepthClassifiers()[:2]
	for _, name := range names {
		c, err := eval.New(name, opt)
		if err != nil {
			return dep, err
		}
		if err := c.Fit(xt, d, train.Labels, k); err != nil {
			return dep, fmt.Errorf("layer %d: %s: %w", lf.Layer, name, err)
		}
		cs = append(cs, c)
	}
	sets := []Split{{Name: TrainSet, Features: xt, Labels: train.Labels, Predicted: lf.TrainPredicted}}
	for i, s := range evals {
		sp := Split{Name: s.Name, Features: lf.Eval[i], Labels: s.Labels}
		if lf.EvalPredicted != nil {
			sp.Predicted = lf.EvalPredicted[i]
		}
		sets = append(sets, sp)
	}
	for _, s := range sets {
		if len(s.Labels) == 0 {
			continue
		}
		correct, err := scoreSplit(ctx, cs, s, s.Features, false, d)
		if err != nil {
			return dep, err
		}
		for j, name := range names {
			dep.Accuracy = append(dep.Accuracy, Accuracy{s.Name, Features, name, float64(correct[j]) / float64(len(s.Labels))})
		}
		if s.Predicted != nil {
			dep.Accuracy = append(dep.Accuracy, Accuracy{s.Name, Features, Own, eval.Accuracy(s.Predicted, s.Labels)})
		}
	}
	return dep, nil
}

// RunDepth is Run with the accuracy of the features at every depth: it
// returns the run and one Depth per depth 0…cfg.Layers, on the training set
// and on every evaluation set of data.
func RunDepth(ctx context.Context, cfg Config, data *Data, opt Options) (*Result, []Depth, error) {
	if data == nil || data.Train == nil {
		return nil, nil, errors.New("experiment: no training data")
	}
	var out []Depth
	var herr error
	eo := eval.Options{Rank: cfg.Rank, K: opt.Neighbours}
	opt.onFeatures = depthHook(ctx, len(data.Train.Classes), data.Train, data.Evals, eo, &out, &herr)
	res, err := Run(ctx, cfg, data, opt)
	if err == nil {
		err = herr
	}
	if err != nil {
		return nil, nil, err
	}
	return res, out, nil
}

// HeldOut is the set name of the held-out training samples of SelectDepth.
const HeldOut = "held-out"

// ErrHoldOut is wrapped by the error of SelectDepth when its fraction is
// out of range or a class has too few samples to hold one out.
var ErrHoldOut = errors.New("cannot hold out training samples")

// SelectDepth chooses the depth of cfg's network on its own training data:
// it holds out the last ⌈frac·n⌉ samples of each class of n (at least one,
// leaving at least one), builds cfg.Layers layers on the others, and
// returns the depth 0…cfg.Layers whose features the nearest-subspace
// classifier labels best on the held-out samples (the shallowest of equal
// ones; ReduNet's own ŷ breaks no ties), with the curve it chose from.
func SelectDepth(ctx context.Context, cfg Config, train *datasets.Set, frac float64, opt Options) (int, []Depth, error) {
	if !(frac > 0 && frac < 1) {
		return 0, nil, fmt.Errorf("experiment: %w: held-out fraction %v, want one in (0, 1)", ErrHoldOut, frac)
	}
	fit, held, err := holdOut(train, frac)
	if err != nil {
		return 0, nil, err
	}
	data, err := Prepare(cfg.Layout(), fit)
	if err != nil {
		return 0, nil, err
	}
	h, err := data.Layout.Apply(held)
	if err != nil {
		return 0, nil, err
	}
	h.Name = HeldOut
	data.Evals = []*datasets.Set{h}
	opt.ShiftedTrain = false
	_, curve, err := RunDepth(ctx, cfg, data, opt)
	if err != nil {
		return 0, nil, err
	}
	best, bestAcc := 0, -1.0
	for _, d := range curve {
		if a := d.Of(HeldOut, "nearest-subspace"); a > bestAcc {
			best, bestAcc = d.Layer, a
		}
	}
	return best, curve, nil
}

// holdOut splits a set (as loaded, every class present) into the first
// samples of each class and its last ⌈frac·n⌉, in file order.
func holdOut(s *datasets.Set, frac float64) (fit, held *datasets.Set, err error) {
	k := len(s.Classes)
	n := make([]int, k)
	for _, y := range s.Labels {
		n[y]++
	}
	keep := make([]int, k)
	for j, c := range n {
		h := min(c-1, max(1, int(math.Ceil(frac*float64(c)))))
		if h < 1 {
			return nil, nil, fmt.Errorf("experiment: %w: class %s has %d training sample(s), too few to hold one out", ErrHoldOut, s.Classes[j], c)
		}
		keep[j] = c - h
	}
	d := s.Dim()
	fit = &datasets.Set{Name: s.Name, Shape: s.Shape, Classes: s.Classes}
	held = &datasets.Set{Name: s.Name + " (held out)", Shape: s.Shape, Classes: s.Classes}
	seen := make([]int, k)
	for i, y := range s.Labels {
		dst := fit
		if seen[y] >= keep[y] {
			dst = held
		}
		seen[y]++
		dst.X = append(dst.X, s.X[i*d:(i+1)*d]...)
		dst.Labels = append(dst.Labels, y)
	}
	return fit, held, nil
}
