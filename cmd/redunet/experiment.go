package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/redunet"
)

// experiment is one construction pass with its evaluation: what train and
// repro share.
type experiment struct {
	train  *datasets.Set   // laid out for the architecture
	evals  []*datasets.Set // laid out; named "test", "shifts"
	inCh   int             // channels of the laid-out data
	shape  []int           // signal shape ([d] for vector)
	af     archFlags
	params redunet.Params
	keep   bool
	// evalRates records the per-layer rates of the first evaluation set.
	evalRates bool
	// shiftedTrain adds the second all-shifts protocol of SPEC §6: the
	// classifiers fit on every training sample at every shift (the shifted
	// training features are cyclic shifts of the unshifted ones, the network
	// being exactly equivariant), evaluated on the all-shifts set.
	shiftedTrain bool
	rank, knnK   int
	meta         map[string]string
	w            io.Writer // the per-layer table, as layers are built
	ctx          context.Context
	// e and quiet decide whether progress is shown on a terminal.
	e     *env
	quiet bool
}

// experimentResult is what an experiment produced.
type experimentResult struct {
	trace    *redunet.Trace
	model    *redunet.Model
	trainRaw []float64
	evalRaw  [][]float64
	layers   []layerReport
	acc      []accuracy
	dim      int
	seconds  map[string]float64
}

const layerRowFmt = "%5v %11v %11v %11v %11v %11v %12v %8v\n"

func (x *experiment) run() (*experimentResult, error) {
	res := &experimentResult{seconds: map[string]float64{}}
	k := len(x.train.Classes)
	w := x.w
	fmt.Fprintf(w, layerRowFmt, "layer", "ΔR", "R", "Rc", "ΔR(ŷ)", "Rc(ŷ)", "train acc(ŷ)", "seconds")
	t1 := time.Now()
	tl := t1
	var evalX [][]float64
	for _, s := range x.evals {
		evalX = append(evalX, s.X)
	}
	opt := redunet.BuildOptions{Keep: x.keep || x.af.arch != "vector", Eval: evalX, Context: x.ctx, Workers: x.af.workers}
	if x.evalRates && len(x.evals) > 0 {
		opt.EvalLabels = [][]int{x.evals[0].Labels}
	}
	prog := &progress{}
	if x.e != nil {
		prog = newProgress(x.e, x.quiet, x.params.Layers, "layers")
	}
	defer prog.Done()
	opt.OnInput = func(r redunet.Rates) {
		f := func(v float64) string { return fmt.Sprintf("%.6f", v) }
		row := fmt.Sprintf(layerRowFmt, "input", f(r.DeltaR), f(r.R), f(r.Rc), "", "", "", "")
		fmt.Fprintln(w, strings.TrimRight(row, " \n"))
	}
	opt.OnLayer = func(lr redunet.LayerResult) {
		prog.Clear()
		defer prog.Add(1)
		r := layerReport{Layer: lr.Layer, True: lr.True, Pred: lr.Pred, Eval: lr.Eval, TrainAccuracy: eval.Accuracy(lr.Predicted, x.train.Labels), Seconds: time.Since(tl).Seconds()}
		res.layers = append(res.layers, r)
		f := func(v float64) string { return fmt.Sprintf("%.6f", v) }
		fmt.Fprintf(w, layerRowFmt, r.Layer, f(r.True.DeltaR), f(r.True.R), f(r.True.Rc), f(r.Pred.DeltaR), f(r.Pred.Rc),
			fmt.Sprintf("%.4f", r.TrainAccuracy), fmt.Sprintf("%.2f", r.Seconds))
		tl = time.Now()
	}
	if x.af.arch == "vector" {
		b, err := redunet.BuildVector(x.train.X, x.train.Dim(), x.train.Labels, k, x.params, opt)
		if err != nil {
			return nil, err
		}
		res.trace, res.trainRaw, res.evalRaw = &b.Trace, x.train.X, evalX
		res.model = &redunet.Model{Arch: "vector", Classes: x.train.Classes, InputShape: x.train.Shape, Vector: b.Net, Meta: x.meta}
	} else {
		lift, err := x.af.newLift(x.inCh, x.shape)
		if err != nil {
			return nil, usageError{err}
		}
		b, err := redunet.BuildMulti(x.train.X, x.inCh, x.shape, x.train.Labels, k, lift, x.params, opt)
		if err != nil {
			return nil, err
		}
		res.trace, res.trainRaw = &b.Trace, b.Net.TrainInput
		// The lifted evaluation input is recomputed here rather than kept
		// through the construction pass, whose memory peak it would raise.
		for _, e := range evalX {
			z, err := b.Net.Prepare(e)
			if err != nil {
				return nil, err
			}
			res.evalRaw = append(res.evalRaw, z)
		}
		res.model = &redunet.Model{Arch: x.af.arch, Classes: x.train.Classes, InputShape: x.train.Shape, Multi: b.Net, Meta: x.meta}
	}
	tr := res.trace
	res.dim = len(tr.Features) / x.train.Len()
	res.seconds["build"] = time.Since(t1).Seconds()
	if len(x.evals) == 0 {
		return res, nil
	}
	prog.Done()
	prog = &progress{}
	if x.e != nil {
		prog = newProgress(x.e, x.quiet, -1, "evaluating")
	}
	t3 := time.Now()
	var lastTrain []int
	if n := len(tr.Layers); n > 0 {
		lastTrain = tr.Layers[n-1].Predicted
	}
	trainSplit := split{name: "train", raw: res.trainRaw, feat: tr.Features, labels: x.train.Labels, redunet: lastTrain}
	var splits []split
	for i, s := range x.evals {
		sp := split{name: s.Name, raw: res.evalRaw[i], feat: tr.Eval[i], labels: s.Labels}
		if tr.EvalPredicted != nil {
			sp.redunet = tr.EvalPredicted[i]
		}
		splits = append(splits, sp)
	}
	acc, err := evaluate(res.dim, k, trainSplit, splits, x.rank, x.knnK, false)
	if err != nil {
		return nil, err
	}
	if x.shiftedTrain && x.af.arch != "vector" {
		more, err := shiftedTrainAccuracy(trainSplit, splits, x.shape, x.af.arch, k, x.rank, x.knnK)
		if err != nil {
			return nil, err
		}
		acc = append(acc, more...)
	}
	res.acc = acc
	res.seconds["evaluate"] = time.Since(t3).Seconds()
	return res, nil
}

// shiftedTrainAccuracy is the second all-shifts protocol of SPEC §6: the
// classifiers fit on every training sample at every shift of the grid,
// evaluated on the "shifts" split (reported as "shifts*"). The network being
// exactly equivariant, the lifted input and the features of a shifted
// training sample are the shifted lifted input and features, so no network
// pass is needed. shape is the signal shape of the architecture.
func shiftedTrainAccuracy(train split, splits []split, shape []int, arch string, k, rank, knnK int) ([]accuracy, error) {
	var out []accuracy
	for _, sp := range splits {
		if sp.name != "shifts" {
			continue
		}
		m := len(train.labels)
		liftedShape := append([]int{len(train.raw) / m / signalLen(shape)}, shape...)
		classes := make([]string, k)
		for j := range classes {
			classes[j] = fmt.Sprint(j)
		}
		raw, err := allShifts(&datasets.Set{Name: "train", X: train.raw, Shape: liftedShape, Labels: train.labels, Classes: classes}, arch, 0)
		if err != nil {
			return nil, err
		}
		feat, err := allShifts(&datasets.Set{Name: "train", X: train.feat, Shape: liftedShape, Labels: train.labels, Classes: classes}, arch, 0)
		if err != nil {
			return nil, err
		}
		st := split{name: "train-shifted", raw: raw.X, feat: feat.X, labels: raw.Labels}
		more, err := evaluate(len(train.feat)/m, k, st, []split{{name: "shifts*", raw: sp.raw, feat: sp.feat, labels: sp.labels}}, rank, knnK, true)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

func signalLen(shape []int) int {
	n := 1
	for _, v := range shape {
		n *= v
	}
	return n
}
