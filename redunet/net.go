package redunet

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

// Net is a ReduNet: its parameters, the shape of its signals, an optional
// lift, and — once built with BuildOptions.Keep, or loaded — the training
// data that define every layer.
//
// One type serves every kind of net. A shift-invariant net works on signals
// of C channels over Shape ([T], [H W], [D H W], …) in the Fourier basis,
// one C×C block per frequency bin; a vector net is the case of the empty
// Shape: a d-dimensional vector is d channels at a single bin of weight 1,
// where the same formulas give the vector ReduNet (α = C/(m·ε²) = d/(m·ε²),
// the rates' 1/(2B)·Σ_p w_p = ½), computed by a real backend on gonum's BLAS.
type Net struct {
	Params Params
	// Shape is the size of one signal over its axes: empty for a vector net.
	Shape fft.Shape
	// InChannels is the number of input channels (d for a vector net); C
	// the number of channels the layers work on (the lift's output, or
	// InChannels without a lift).
	InChannels, C int
	// K is the number of classes.
	K int
	// Lift is the fixed random lifting (circular cross-correlation with
	// N(0,1) kernels, then ReLU), or nil.
	Lift *conv.Lift
	// TrainX and Labels are the training input as given (M×InChannels×Shape)
	// and its labels, kept by BuildOptions.Keep or loaded from a model.
	//
	// Every layer is a deterministic function of its input training
	// features and the labels, so TrainX and Labels define the whole net:
	// Transform rebuilds each layer from them, exactly as it was built, and
	// applies it (construct-then-apply), never holding more than one
	// layer's operators.
	TrainX []float64
	Labels []int
	// TrainInput is the prepared (lifted, normalised) training input, the
	// input of the first layer; Final the training features after the last
	// layer; TrainPredicted the last layer's ŷ on the training data. Build
	// sets them with Keep; a loaded net gets them from its first Transform
	// or Predict (loading computes nothing).
	TrainInput     []float64
	Final          []float64
	TrainPredicted []int
	// Workers is the number of goroutines (0: runtime.GOMAXPROCS(0)). The
	// results do not depend on it.
	Workers int
}

// NewNet returns an unbuilt net for signals of inChannels channels over
// shape (empty: vectors of inChannels values), with an optional lift, for k
// classes.
//
// Errors: invalid parameters (see Params.Validate), an ε² below C·2^−500
// (a = C/(m·ε²) must stay below 2^500 for a group of one sample), an
// invalid shape, a lift that does not fit the data or whose kernels are
// malformed or not finite.
func NewNet(inChannels int, shape fft.Shape, k int, lift *conv.Lift, p Params) (*Net, error) {
	c := inChannels
	if lift != nil {
		c = lift.Out
	}
	n := &Net{Params: p, Shape: slices.Clone(shape), InChannels: inChannels, C: c, K: k, Lift: lift}
	if n.Shape == nil {
		n.Shape = fft.Shape{}
	}
	if err := n.check(); err != nil {
		return nil, err
	}
	return n, nil
}

// check reports a net whose fields do not describe a net NewNet would
// return: invalid parameters or shape, channels or classes below 1, a
// lift that does not fit the data or whose kernels are malformed or not
// finite, or ε² too small for C channels (see Params.Validate). Build,
// Transform, Predict, Prepare and Encode call it, so that a net put
// together by hand, or whose fields were changed, fails with an error.
func (n *Net) check() error {
	if err := n.Params.Validate(); err != nil {
		return err
	}
	if err := n.Shape.Validate(); err != nil {
		return fmt.Errorf("redunet: signal shape %v: %w", []int(n.Shape), err)
	}
	if n.InChannels < 1 {
		return fmt.Errorf("redunet: %d input channels, want ≥ 1", n.InChannels)
	}
	if n.K < 1 {
		return fmt.Errorf("redunet: %d classes, want ≥ 1", n.K)
	}
	if _, ok := mulBounded(max(n.InChannels, n.C), n.Shape.Len()); !ok {
		return fmt.Errorf("redunet: %d or %d channels of shape %v: more than %d values a sample", n.InChannels, n.C, []int(n.Shape), int64(maxValues))
	}
	c := n.InChannels
	if lift := n.Lift; lift != nil {
		switch {
		case lift.In != n.InChannels:
			return fmt.Errorf("redunet: the lift takes %d channels, the data has %d", lift.In, n.InChannels)
		case lift.Dims != len(n.Shape):
			return fmt.Errorf("redunet: a %d-D lift for %d-D signals", lift.Dims, len(n.Shape))
		case lift.Out < 1 || lift.K < 1:
			return fmt.Errorf("redunet: a lift of %d channels and kernel size %d", lift.Out, lift.K)
		}
		for _, v := range n.Shape {
			if lift.K > v {
				return fmt.Errorf("redunet: the lift's %d-wide kernel is larger than the %v signals", lift.K, []int(n.Shape))
			}
		}
		if err := checkKernels(lift); err != nil {
			return err
		}
		c = lift.Out
	}
	if n.C != c {
		return fmt.Errorf("redunet: C = %d channels, the lift (or the input without one) gives %d", n.C, c)
	}
	if a := float64(n.C) / n.Params.EpsSq; !(a <= maxRateCoef) {
		return errEpsSq(n.Params.EpsSq, n.C, 1)
	}
	return nil
}

// checkKernels reports a lift whose kernels are not Out×In×K^Dims finite
// values, or whose absolute sum over one output channel is not finite: with
// inputs scaled to a largest magnitude below 1 (as prepare does), that sum
// bounds every lifted value, so the lift cannot overflow.
func checkKernels(l *conv.Lift) error {
	want, ok := mulBounded(l.Out, l.In)
	for i := 0; i < l.Dims && ok; i++ {
		want, ok = mulBounded(want, l.K)
	}
	if !ok || len(l.Kernels) != want {
		return fmt.Errorf("redunet: the lift has %d kernel weights, want %d×%d×%d^%d", len(l.Kernels), l.Out, l.In, l.K, l.Dims)
	}
	per := want / l.Out
	for o := 0; o < l.Out; o++ {
		s := 0.0
		for _, v := range l.Kernels[o*per : (o+1)*per] {
			s += math.Abs(v)
		}
		if !(s <= math.MaxFloat64) {
			return fmt.Errorf("redunet: the lift's kernels of output channel %d are not finite or sum to more than the largest float64", o)
		}
	}
	return nil
}

// NewVectorNet returns an unbuilt vector net for d-dimensional samples and
// k classes.
func NewVectorNet(d, k int, p Params) (*Net, error) {
	return NewNet(d, fft.Shape{}, k, nil, p)
}

// Arch names the kind of net: "vector" for the empty shape, else "convND"
// for N signal axes ("conv1d", "conv2d", "conv3d", …).
func (n *Net) Arch() string {
	if len(n.Shape) == 0 {
		return "vector"
	}
	return fmt.Sprintf("conv%dd", len(n.Shape))
}

// SampleLen is the number of values of one input sample, InChannels·|Shape|.
func (n *Net) SampleLen() int { return n.InChannels * n.Shape.Len() }

// FeatureLen is the number of values of one feature vector, C·|Shape|.
func (n *Net) FeatureLen() int { return n.C * n.Shape.Len() }

func (n *Net) workers() int {
	if n.Workers > 0 {
		return n.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Prepare lifts (if the net has a lift) and normalises m samples of
// InChannels×Shape values, returning m×C×Shape values: the input of the
// first layer, which the evaluation protocol calls the raw (lifted) input.
// Normalisation is scale-proof: a sample and any positive multiple of it
// give the same result to rounding (the lift is positively homogeneous and
// each sample is scaled by a power of two before it, exactly), and a zero
// sample gives zeros.
func (n *Net) Prepare(x []float64) ([]float64, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	return n.prepare(x)
}

func (n *Net) prepare(x []float64) ([]float64, error) {
	per := n.SampleLen()
	if len(x)%per != 0 {
		return nil, errNotSamples(len(x), n)
	}
	z := make([]float64, len(x)/per*n.FeatureLen())
	if err := n.prepareInto(z, x); err != nil {
		return nil, err
	}
	return z, nil
}

// errNotSamples is the error of an input of v values that is not a whole
// number of the net's samples.
func errNotSamples(v int, n *Net) error {
	return fmt.Errorf("redunet: %d values is not a whole number of samples of %d×%v", v, n.InChannels, []int(n.Shape))
}

// prepareInto is prepare into z, which holds m×C×Shape values for the m
// samples of x.
func (n *Net) prepareInto(z, x []float64) error {
	per := n.SampleLen()
	if len(x)%per != 0 {
		return errNotSamples(len(x), n)
	}
	if err := checkFinite(x, per); err != nil {
		return err
	}
	m, out := len(x)/per, n.FeatureLen()
	if len(z) != m*out {
		panic("redunet: prepareInto: len(z) != m·C·|Shape|")
	}
	if n.Lift == nil {
		copy(z, x)
		normalizeRows(z, per)
		return nil
	}
	// Lift in chunks of about liftChunk values, each sample first scaled
	// by the power of two of its largest magnitude.
	nb := max(1, n.workers(), min(m, liftChunk/per))
	buf := make([]float64, min(m, nb)*per)
	for i0 := 0; i0 < m; i0 += nb {
		cnt := min(nb, m-i0)
		b := buf[:cnt*per]
		copy(b, x[i0*per:(i0+cnt)*per])
		for i := 0; i < cnt; i++ {
			scaleToUnitMax(b[i*per : (i+1)*per])
		}
		if _, err := n.Lift.Apply(z[i0*out:(i0+cnt)*out], b, cnt, n.Shape, n.workers()); err != nil {
			return err
		}
	}
	probeHeap()
	runtime.KeepAlive(buf)
	normalizeRows(z, out)
	return nil
}

// heapProbe, set only by TestMemoryEstimate, is called where the live heap
// of a construction pass peaks (every factorisation with its scratch, the
// prepared sets, the decoded features), so that the test can measure it.
var heapProbe func()

func probeHeap() {
	if heapProbe != nil {
		heapProbe()
	}
}

// liftChunk bounds, in values, the scaled copy of the input that prepare
// lifts at a time.
const liftChunk = 1 << 20

// LayerResult is what the construction pass records for one layer's output
// on the training data.
type LayerResult struct {
	// Layer counts from 1.
	Layer int `json:"layer"`
	// True holds the rates with the true labels: the objective.
	True Rates `json:"true"`
	// Pred holds the rates with the layer's predicted labels ŷ, what the
	// reference code logs.
	Pred Rates `json:"pred"`
	// Predicted is ŷ = argmax π̂ of every training sample.
	Predicted []int `json:"predicted"`
	// Eval has, for each evaluation set given labels in
	// BuildOptions.EvalLabels, the rates of its features with those labels.
	Eval []Rates `json:"eval,omitempty"`
	// EvalPredicted is the layer's ŷ on every evaluation set.
	EvalPredicted [][]int `json:"-"`
}

// BuildOptions control the construction pass. The zero value builds the
// net without keeping its training data.
type BuildOptions struct {
	// Keep keeps the training input and labels in the net (TrainX, Labels),
	// so that it can be applied again or saved.
	Keep bool
	// Eval are evaluation sets (samples of the net's input shape) that every
	// layer is applied to as soon as it is built (construct-then-apply).
	// They are not modified.
	Eval [][]float64
	// EvalLabels, if not nil, holds labels (in 0..K−1) for the evaluation
	// sets whose rates should be recorded at every layer
	// (LayerResult.Eval); a nil entry skips that set.
	EvalLabels [][]int
	// OnInput, if not nil, is called with the rates of the prepared input
	// (true labels) before the first layer is built.
	OnInput func(Rates)
	// OnLayer, if not nil, is called after each layer.
	OnLayer func(LayerResult)
	// OnFeatures, if not nil, is called with the features of the training
	// set and of every evaluation set at every depth: first those of the
	// prepared input (Layer 0), then after each layer, with its ŷ. The
	// arrays are the callee's; each call costs a transform of every set
	// back to the signal domain and their memory. Transform and Predict do
	// not call it.
	OnFeatures func(LayerFeatures)
	// Workers, if > 0, sets the net's Workers (goroutines) for this pass
	// and after it. The results do not depend on it.
	Workers int

	noRates bool // Transform: skip the rates
}

// LayerFeatures are the features of a construction pass's sets at one
// depth (BuildOptions.OnFeatures).
type LayerFeatures struct {
	// Layer is the depth: 0 for the prepared input, l after layer l.
	Layer int
	// Train are the training features (M × C × Shape), TrainPredicted
	// the layer's ŷ on them (nil at depth 0).
	Train          []float64
	TrainPredicted []int
	// Eval and EvalPredicted are the same for each evaluation set.
	Eval          [][]float64
	EvalPredicted [][]int
}

// Trace is what a construction pass records.
type Trace struct {
	// Input has the rates of the prepared input with the true labels.
	Input Rates
	// Layers has one entry per layer.
	Layers []LayerResult
	// Features are the training features after the last layer.
	Features []float64
	// Eval are the features of each evaluation set after the last layer.
	Eval [][]float64
	// EvalPredicted are the last layer's predictions ŷ on each evaluation
	// set (nil when there are no layers).
	EvalPredicted [][]int
	// TrainPredicted is the last layer's ŷ on the training data (nil when
	// there are no layers).
	TrainPredicted []int
	// EvalProb are the last layer's soft assignments π̂ on each evaluation
	// set (m×K each; nil when there are no layers).
	EvalProb [][]float64
}

// Result is the outcome of a construction pass: the net and its trace.
type Result struct {
	Net *Net
	Trace
}

// checkLabelled validates a labelled training set for the net.
func (n *Net) checkLabelled(x []float64, labels []int) error {
	m, per := len(labels), n.SampleLen()
	if m == 0 {
		return fmt.Errorf("redunet: no samples")
	}
	if len(x) != m*per {
		return fmt.Errorf("redunet: %d values for %d labels of dimension %d, want %d", len(x), m, per, m*per)
	}
	counts := make([]int, n.K)
	for i, y := range labels {
		if y < 0 || y >= n.K {
			return fmt.Errorf("redunet: label %d of sample %d is out of range 0..%d", y, i, n.K-1)
		}
		counts[y]++
	}
	for j, c := range counts {
		if c == 0 {
			return fmt.Errorf("redunet: class %d has no training samples", j)
		}
	}
	return checkFinite(x, per)
}

// Build runs the construction pass on the training data x (M samples of
// InChannels×Shape values, rows are samples) with labels in 0..K−1: the
// input is prepared (lifted, normalised) and transformed once; for each
// layer the statistics of the current features under the true labels are
// factorised into E, C_j and γ, and every training sample moves with its
// estimated π̂; every layer is applied to the evaluation sets of opt as soon
// as it is built; the features are transformed back and normalised at the
// end. It returns per-layer rates and predictions and the features.
//
// Errors: mismatched sizes, labels out of range, a class with no samples,
// non-finite values, the context's error when it is done (checked between
// layers).
func (n *Net) Build(ctx context.Context, x []float64, labels []int, opt BuildOptions) (*Trace, error) {
	if opt.Workers > 0 {
		n.Workers = opt.Workers
	}
	if err := n.check(); err != nil {
		return nil, err
	}
	if err := n.checkLabelled(x, labels); err != nil {
		return nil, err
	}
	z, err := n.prepare(x)
	if err != nil {
		return nil, err
	}
	if opt.Keep {
		n.TrainX, n.Labels, n.TrainInput = slices.Clone(x), slices.Clone(labels), nil
	}
	tr := new(Trace)
	// The prepared input is not held through the pass, once it is in the
	// layers' basis: with Keep it is prepared again afterwards (the same
	// values: preparation is a fixed function of x), which costs one lift
	// and saves its memory at the pass's peak.
	if err := n.run(ctx, z, labels, opt.Eval, tr, opt); err != nil {
		return nil, err
	}
	if opt.Keep {
		if n.TrainInput, err = n.prepare(x); err != nil {
			return nil, err
		}
		n.Final, n.TrainPredicted = tr.Features, tr.TrainPredicted
	}
	return tr, nil
}

// BuildVector builds a vector ReduNet (NewVectorNet, then Build) on x (m×d)
// with labels in 0..k−1.
func BuildVector(ctx context.Context, x []float64, d int, labels []int, k int, p Params, opt BuildOptions) (*Result, error) {
	if d < 1 {
		return nil, fmt.Errorf("redunet: dimension d = %d, want > 0", d)
	}
	n, err := NewVectorNet(d, k, p)
	if err != nil {
		return nil, err
	}
	return n.build(ctx, x, labels, opt)
}

// BuildMulti builds a shift-invariant ReduNet (NewNet, then Build) on m
// samples x of inChannels×shape values with labels in 0..k−1, lifted first
// by lift if it is not nil.
func BuildMulti(ctx context.Context, x []float64, inChannels int, shape fft.Shape, labels []int, k int, lift *conv.Lift, p Params, opt BuildOptions) (*Result, error) {
	if len(shape) == 0 {
		return nil, fmt.Errorf("redunet: a shift-invariant net needs a signal shape with at least one axis")
	}
	n, err := NewNet(inChannels, shape, k, lift, p)
	if err != nil {
		return nil, err
	}
	return n.build(ctx, x, labels, opt)
}

func (n *Net) build(ctx context.Context, x []float64, labels []int, opt BuildOptions) (*Result, error) {
	tr, err := n.Build(ctx, x, labels, opt)
	if err != nil {
		return nil, err
	}
	return &Result{Net: n, Trace: *tr}, nil
}

// Transform applies a kept net to sets of samples (each M×InChannels×Shape
// values): prepare, every layer, back. It returns the features of each set
// and the last layer's predictions ŷ on it (nil without layers). The layers
// are rebuilt one at a time from the stored training input, so this costs
// one construction pass plus the sets' own.
func (n *Net) Transform(ctx context.Context, sets ...[]float64) ([][]float64, [][]int, error) {
	tr, err := n.rerun(ctx, sets)
	if err != nil {
		return nil, nil, err
	}
	return tr.Eval, tr.EvalPredicted, nil
}

// Predict applies a kept net to x like Transform and also returns the last
// layer's soft assignment π̂ (m×K, rows sum to 1): ReduNet's own classifier
// and its confidence. Without layers ŷ and π̂ are nil.
func (n *Net) Predict(ctx context.Context, x []float64) (feat []float64, yhat []int, pi []float64, err error) {
	tr, err := n.rerun(ctx, [][]float64{x})
	if err != nil {
		return nil, nil, nil, err
	}
	feat = tr.Eval[0]
	if tr.EvalPredicted != nil {
		yhat, pi = tr.EvalPredicted[0], tr.EvalProb[0]
	}
	return feat, yhat, pi, nil
}

// rerun rebuilds the kept net's layers from its training input, applying
// them to sets; it fills in Final and TrainPredicted on the way.
func (n *Net) rerun(ctx context.Context, sets [][]float64) (*Trace, error) {
	if n.TrainX == nil || len(n.Labels) == 0 {
		return nil, fmt.Errorf("redunet: the net was built without BuildOptions.Keep; it cannot be applied again")
	}
	if err := n.check(); err != nil {
		return nil, err
	}
	if err := n.checkLabelled(n.TrainX, n.Labels); err != nil {
		return nil, err
	}
	if n.TrainInput != nil && len(n.TrainInput) != len(n.Labels)*n.FeatureLen() {
		return nil, fmt.Errorf("redunet: TrainInput has %d values for %d samples of %d", len(n.TrainInput), len(n.Labels), n.FeatureLen())
	}
	if n.TrainInput == nil {
		z, err := n.prepare(n.TrainX)
		if err != nil {
			return nil, err
		}
		n.TrainInput = z
	}
	tr := new(Trace)
	if err := n.run(ctx, n.TrainInput, n.Labels, sets, tr, BuildOptions{noRates: true}); err != nil {
		return nil, err
	}
	n.Final, n.TrainPredicted = tr.Features, tr.TrainPredicted
	return tr, nil
}

// run is the one construction pass, shared by Build and Transform: z is the
// prepared training input. It composes the three stages of every layer —
// statistics, factorisation, application — and, unless opt.noRates,
// records the rates of the input and of every layer's output in tr.
func (n *Net) run(ctx context.Context, z []float64, labels []int, evalSets [][]float64, tr *Trace, opt BuildOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	p, k := n.Params, n.K
	per := n.SampleLen()
	for i, e := range evalSets {
		if len(e)%per != 0 {
			return fmt.Errorf("redunet: evaluation set %d has %d values, not a multiple of %d×%v", i, len(e), n.InChannels, []int(n.Shape))
		}
		if err := checkFinite(e, per); err != nil {
			return fmt.Errorf("redunet: evaluation set %d: %s", i, bare(err))
		}
	}
	for i, el := range opt.EvalLabels {
		if el != nil && (i >= len(evalSets) || len(el)*per != len(evalSets[i])) {
			return fmt.Errorf("redunet: %d labels for evaluation set %d", len(el), i)
		}
		for s, y := range el {
			if y < 0 || y >= k {
				return fmt.Errorf("redunet: evaluation set %d: label %d of sample %d is out of range 0..%d", i, y, s, k-1)
			}
		}
	}
	var t *conv.Transformer
	if !n.realBins() {
		t = conv.NewTransformer(n.Shape, n.workers())
	}
	train := n.encodePrepared(z, t) // z is not used below: it may be collected
	// The evaluation sets move through the layers in chunks, each in one
	// array that ends up holding its features (stream.go).
	classes := classRows(labels, k)
	sizes := []int{len(labels)}
	for _, c := range classes {
		sizes = append(sizes, len(c))
	}
	chunk := inplaceChunk(n.C, n.Shape.Bins(), sizes)
	evals := make([]*evalStream, len(evalSets))
	for i, e := range evalSets {
		var err error
		if evals[i], err = n.newEvalStream(e, t, chunk); err != nil {
			return err
		}
	}
	layer, err := n.factor(n.statistics(train, classes, true), p.Layers > 0)
	if err != nil {
		return err
	}
	if !opt.noRates {
		tr.Input = layer.rates
		if opt.OnInput != nil {
			opt.OnInput(tr.Input)
		}
	}
	emit := func(l int, yhat []int, evalYhat [][]int) {
		if opt.OnFeatures == nil || opt.noRates {
			return
		}
		lf := LayerFeatures{Layer: l, Train: n.decode(train, t), TrainPredicted: yhat, EvalPredicted: evalYhat}
		for _, e := range evals {
			lf.Eval = append(lf.Eval, e.snapshot(t))
		}
		opt.OnFeatures(lf)
	}
	emit(0, nil, nil)
	for l := 1; l <= p.Layers; l++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		last := l == p.Layers
		var oracle []int
		if p.Oracle {
			oracle = labels
		}
		yhat := layer.apply(train, nil, oracle)
		tr.TrainPredicted = yhat
		tr.EvalPredicted = make([][]int, len(evals))
		if last {
			tr.EvalProb = make([][]float64, len(evals))
		}
		// The rates of each evaluation set with its labels, from its
		// statistics merged over its chunks as it moves.
		var evalRates []Rates
		for i, e := range evals {
			var pi []float64
			if last {
				pi = make([]float64, e.m*k)
				tr.EvalProb[i] = pi
			}
			var evalClasses [][]int
			if !opt.noRates && i < len(opt.EvalLabels) && opt.EvalLabels[i] != nil {
				evalClasses = classRows(opt.EvalLabels[i], k)
			}
			yh, st, err := e.apply(ctx, layer, pi, evalClasses)
			if err != nil {
				return err
			}
			tr.EvalPredicted[i] = yh
			if st != nil {
				r, err := n.Rates(st)
				if err != nil {
					return err
				}
				evalRates = append(evalRates, r)
			}
		}
		emit(l, slices.Clone(yhat), cloneInts(tr.EvalPredicted))
		if opt.noRates && last {
			break
		}
		// The statistics of the output: the next layer, and the rates.
		next, err := n.factor(n.statistics(train, classes, true), !last)
		if err != nil {
			return err
		}
		layer.keepScratch(next) // one forward scratch for the pass
		probeHeap()
		layer = next
		if opt.noRates {
			continue
		}
		lr := LayerResult{Layer: l, True: next.rates, Predicted: yhat, EvalPredicted: cloneInts(tr.EvalPredicted)}
		if lr.Pred, err = n.classRates(train, yhat, next.rates.R); err != nil {
			return err
		}
		lr.Eval = evalRates
		tr.Layers = append(tr.Layers, lr)
		if opt.OnLayer != nil {
			opt.OnLayer(lr)
		}
	}
	tr.Features = n.decode(train, t)
	tr.Eval = nil
	for _, e := range evals {
		tr.Eval = append(tr.Eval, e.features(t))
	}
	probeHeap()
	runtime.KeepAlive(train)
	runtime.KeepAlive(evals)
	return nil
}

// cloneInts returns a deep copy of x.
func cloneInts(x [][]int) [][]int {
	out := make([][]int, len(x))
	for i, v := range x {
		out[i] = slices.Clone(v)
	}
	return out
}
