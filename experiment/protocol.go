package experiment

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
)

// Names of the sets, the inputs and the network's own classifier in the
// accuracy tables.
const (
	// TrainSet is the training split the classifiers are fit on.
	TrainSet = "train"
	// TestSet is the test split.
	TestSet = "test"
	// ShiftsSet is the all-shifts test set (AllShifts of the test split).
	ShiftsSet = "shifts"
	// ShiftedTrainSet is the all-shifts test set scored by the shifts*
	// protocol (ShiftedTrain).
	ShiftedTrainSet = "shifts*"

	// Raw is the input of the network: the normalised samples, lifted for
	// the convolutional architectures.
	Raw = "raw"
	// Features are the network's output.
	Features = "features"

	// Own is the network's own classifier: ŷ = argmax π̂ of its last layer.
	// It is not an eval.Classifier (it is not fit on anything) and scores
	// the features only.
	Own = "redunet"
)

// Classifiers returns the classifiers of the accuracy tables in their
// order: the registered ones of package eval, then Own.
func Classifiers() []string {
	return append(eval.Classifiers(), Own)
}

// Split is one set of the evaluation: the network's input and output on
// its samples (both rows of d values: m×d), the true labels and the
// network's own predictions.
type Split struct {
	Name string
	// Raw is the network's input (Raw), Features its output (Features).
	// Rows need not be normalised: Evaluate normalises them.
	Raw, Features []float64
	// Prepare, if not nil, makes the network's input from Raw, which then
	// holds the samples as they were given to the network: Evaluate and
	// ShiftedTrain prepare a split's rows a chunk at a time as they score
	// them, so that its (lifted) input is never held whole. The training
	// split's Raw must be its input as it is.
	Prepare func(x []float64) ([]float64, error)
	Labels  []int
	// Predicted is the last layer's ŷ; nil when the network has no layers
	// (no Own cell is reported then).
	Predicted []int
}

// Accuracy is one cell of the accuracy table: the accuracy of a classifier
// on a set, fed one of the inputs (Raw or Features).
type Accuracy struct {
	Set        string  `json:"set"`
	Input      string  `json:"input"`
	Classifier string  `json:"classifier"`
	Accuracy   float64 `json:"accuracy"`
}

// Evaluate is the evaluation protocol: for each input, Raw then Features,
// every classifier of eval (with the parameters of opt) is fit on the rows
// of the training split, each L2-normalised (norm clamped below at 1e-8),
// and scored on every split, the training split first; then Own is scored
// on the features of every split that has predictions. k is the number of
// classes. The cells come in that order: input, classifier, split.
//
// A split without samples has no accuracy and gets no cell. Evaluate
// returns the first error of a classifier's Fit, and ctx.Err() if ctx is
// done before a classifier is fit or scored; it panics if a split's rows do
// not have the training split's length.
func Evaluate(ctx context.Context, k int, train Split, sets []Split, opt eval.Options) ([]Accuracy, error) {
	return evaluate(ctx, k, train, sets, opt, false, Raw, Features)
}

// evalChunk bounds, in values, the rows of a split that Evaluate prepares
// or normalises at a time.
const evalChunk = 1 << 23

// evaluate is Evaluate, with the training split scored unless skipTrain.
func evaluate(ctx context.Context, k int, train Split, sets []Split, opt eval.Options, skipTrain bool, inputs ...string) ([]Accuracy, error) {
	m := len(train.Labels)
	if m == 0 {
		return nil, fmt.Errorf("experiment: no training samples")
	}
	var out []Accuracy
	all := append([]Split{train}, sets...)
	scored := func(i int) bool { return (i > 0 || !skipTrain) && len(all[i].Labels) > 0 }
	names := eval.Classifiers()
	for _, input := range inputs {
		x := func(s Split) []float64 {
			if input == Features {
				return s.Features
			}
			return s.Raw
		}
		d := len(x(train)) / m
		if d == 0 || len(x(train)) != m*d {
			return nil, fmt.Errorf("experiment: %d %s values for %d training samples", len(x(train)), input, m)
		}
		// Every classifier is fit first, then each split is scored by all of
		// them a chunk of rows at a time, each chunk prepared (a split with
		// Prepare) and normalised (rows that are already unit vectors, as
		// the features are, are not copied) once for all: no split is held
		// whole but as it was given.
		xt := normalized(x(train), d)
		cs := make([]eval.Classifier, len(names))
		for j, name := range names {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			c, err := eval.New(name, opt)
			if err != nil {
				return nil, err
			}
			if err := c.Fit(xt, d, train.Labels, k); err != nil {
				return nil, fmt.Errorf("%s on %s: %w", name, input, err)
			}
			cs[j] = c
		}
		acc := make([][]float64, len(names)) // [classifier][split]
		for j := range acc {
			acc[j] = make([]float64, len(all))
		}
		for i, s := range all {
			if !scored(i) {
				continue
			}
			xs := x(s)
			if i == 0 {
				xs = xt
			}
			correct, err := scoreSplit(ctx, cs, s, xs, input == Raw && i > 0, d)
			if err != nil {
				return nil, err
			}
			for j := range cs {
				acc[j][i] = float64(correct[j]) / float64(len(s.Labels))
			}
		}
		for j, name := range names {
			for i, s := range all {
				if scored(i) {
					out = append(out, Accuracy{s.Name, input, name, acc[j][i]})
				}
			}
		}
		if input == Features {
			for i, s := range all {
				if scored(i) && s.Predicted != nil {
					out = append(out, Accuracy{s.Name, input, Own, eval.Accuracy(s.Predicted, s.Labels)})
				}
			}
		}
	}
	return out, nil
}

// scoreSplit returns how many rows of the split s (values x) each of the
// fitted classifiers cs labels correctly, taking the rows a chunk at a
// time: prepared by s.Prepare when raw is set and s has one, normalised,
// rows of d values.
func scoreSplit(ctx context.Context, cs []eval.Classifier, s Split, x []float64, raw bool, d int) ([]int, error) {
	n := len(s.Labels)
	prep := raw && s.Prepare != nil
	if !prep && len(x) != n*d {
		return nil, fmt.Errorf("experiment: %s: %d values for %d samples of %d", s.Name, len(x), n, d)
	}
	in := 0 // values of a row of x
	if n > 0 {
		in = len(x) / n
	}
	if n > 0 && len(x) != n*in {
		return nil, fmt.Errorf("experiment: %s: %d values for %d samples", s.Name, len(x), n)
	}
	correct := make([]int, len(cs))
	rows := max(1, evalChunk/max(d, in, 1))
	pred := make([]int, min(rows, n))
	for i0 := 0; i0 < n; i0 += rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nb := min(rows, n-i0)
		chunk := x[i0*in : (i0+nb)*in]
		if prep {
			var err error
			if chunk, err = s.Prepare(chunk); err != nil {
				return nil, fmt.Errorf("%s: %w", s.Name, err)
			}
			if len(chunk) != nb*d {
				return nil, fmt.Errorf("experiment: %s: %d prepared values for %d samples of %d", s.Name, len(chunk), nb, d)
			}
		}
		chunk = normalized(chunk, d)
		for j, c := range cs {
			p := c.Predict(pred[:nb], chunk)
			for t, y := range p {
				if y == s.Labels[i0+t] {
					correct[j]++
				}
			}
		}
	}
	return correct, nil
}

// normalized returns x (rows of d values) with every row scaled to unit
// norm: x itself when its rows already are (eval.UnitRows), else a copy.
func normalized(x []float64, d int) []float64 {
	if eval.UnitRows(x, d) {
		return x
	}
	return eval.NormalizeRows(nil, x, d)
}

// ShiftedTrain is the second way of scoring the all-shifts test set, the
// shifts* protocol: every classifier of eval is fit on every training
// sample at every shift of ShiftGrid (raw input and features, as Evaluate
// does with the unshifted ones) and scored on the all-shifts split shifts,
// reported as the set ShiftedTrainSet. Because a convolutional ReduNet is
// exactly shift-equivariant, the input and the features of a shifted
// training sample are the shifted input and features of the unshifted one,
// so the shifted training split is made from train without a network
// pass; this holds for the convolutional architectures only, not for a
// vector net.
//
// signal is the shape of the network's signals (the spatial axes of the
// rows of train: [T], [H, W], …); k is the number of classes. The
// training split itself is not scored, and Own gets no cell. It returns
// ctx.Err() if ctx is done first.
func ShiftedTrain(ctx context.Context, k int, train, shifts Split, signal []int, opt eval.Options) ([]Accuracy, error) {
	m := len(train.Labels)
	n := 1
	for _, v := range signal {
		n *= v
	}
	if m == 0 || n == 0 || len(train.Raw)%(m*n) != 0 || len(train.Features)%(m*n) != 0 {
		return nil, fmt.Errorf("experiment: training split of %d samples does not hold signals of shape %v", m, signal)
	}
	classes := make([]string, k)
	for j := range classes {
		classes[j] = strconv.Itoa(j)
	}
	shifted := func(x []float64) (*datasets.Set, error) {
		shape := append([]int{len(x) / m / n}, signal...)
		return AllShifts(&datasets.Set{Name: TrainSet, X: x, Shape: shape, Labels: train.Labels, Classes: classes}, len(signal), 0)
	}
	// One shifted training input at a time: the raw one is dropped before
	// the features are shifted.
	var out []Accuracy
	for _, input := range []string{Raw, Features} {
		src := train.Raw
		if input == Features {
			src = train.Features
		}
		sh, err := shifted(src)
		if err != nil {
			return nil, err
		}
		st := Split{Name: "train-shifted", Raw: sh.X, Features: sh.X, Labels: sh.Labels}
		acc, err := evaluate(ctx, k, st, []Split{{Name: ShiftedTrainSet, Raw: shifts.Raw, Prepare: shifts.Prepare, Features: shifts.Features, Labels: shifts.Labels}}, opt, true, input)
		if err != nil {
			return nil, err
		}
		out = append(out, acc...)
	}
	return out, nil
}

// Table arranges accuracy cells as a table: its columns, one per
// (set, input) pair in the order of first appearance, named "set/input",
// and for each classifier of Classifiers one value per column, NaN where
// the table has no cell (Own on the raw input, say).
func Table(acc []Accuracy) (cols []string, vals map[string][]float64) {
	idx := map[string]int{}
	for _, a := range acc {
		c := a.Set + "/" + a.Input
		if _, ok := idx[c]; !ok {
			idx[c] = len(cols)
			cols = append(cols, c)
		}
	}
	vals = map[string][]float64{}
	for _, name := range Classifiers() {
		v := make([]float64, len(cols))
		for i := range v {
			v[i] = math.NaN()
		}
		vals[name] = v
	}
	for _, a := range acc {
		if v, ok := vals[a.Classifier]; ok {
			v[idx[a.Set+"/"+a.Input]] = a.Accuracy
		}
	}
	return cols, vals
}
