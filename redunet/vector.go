package redunet

import (
	"context"
	"fmt"
	"math"
)

// normClamp is the lower bound on every norm that is divided by (SPEC §0).
const normClamp = 1e-8

// normalizeRows scales each row of z (d columns) to unit L2 norm, the norm
// clamped below at 1e-8.
func normalizeRows(z []float64, d int) {
	for i := 0; i+d <= len(z); i += d {
		row := z[i : i+d]
		s := 0.0
		for _, v := range row {
			s += v * v
		}
		inv := 1 / math.Max(math.Sqrt(s), normClamp)
		for j := range row {
			row[j] *= inv
		}
	}
}

// VectorLayer is one layer of a vector ReduNet: the expansion operator
// E = a·(I + a·ZᵀZ)⁻¹, the compression operators C_j = a_j·(I + a_j·Z_jᵀZ_j)⁻¹
// and the class fractions γ_j = m_j/m, all computed from the layer's input
// training features Z (unit rows) and the true labels (SPEC §2).
type VectorLayer struct {
	d     int
	e     symOp
	c     []symOp
	gamma []float64
	src   []float64 // the training features Z it was built from, kept for saving
}

// Dim returns the feature dimension d.
func (l *VectorLayer) Dim() int { return l.d }

// Classes returns the number of classes K.
func (l *VectorLayer) Classes() int { return len(l.c) }

// E returns the d×d expansion operator, row-major (a copy).
func (l *VectorLayer) E() []float64 { return l.e.Dense() }

// C returns the d×d compression operator of class j, row-major (a copy).
func (l *VectorLayer) C(j int) []float64 { return l.c[j].Dense() }

// Gamma returns the class fractions γ_j = m_j/m (a copy).
func (l *VectorLayer) Gamma() []float64 { return append([]float64(nil), l.gamma...) }

// vectorStats are the factorised groups of one set of training features
// under the true labels: enough for the rates and for the next layer.
type vectorStats struct {
	all   *symGroup
	class []*symGroup
}

func analyseVector(z []float64, d int, rows [][]int, epsSq float64) (*vectorStats, error) {
	m := len(z) / d
	all, err := factorGroup(z, m, d, rateCoef(d, m, epsSq))
	if err != nil {
		return nil, err
	}
	st := &vectorStats{all: all, class: make([]*symGroup, len(rows))}
	for j, r := range rows {
		if len(r) == 0 {
			continue
		}
		g, err := factorGroup(gather(z, d, r), len(r), d, rateCoef(d, len(r), epsSq))
		if err != nil {
			return nil, err
		}
		st.class[j] = g
	}
	return st, nil
}

// rates returns R, Rc and ΔR from the factorised groups.
func (st *vectorStats) rates(counts []int) Rates {
	ld := make([]float64, len(st.class))
	for j, g := range st.class {
		if g != nil {
			ld[j] = g.logdet
		}
	}
	return combineRates(st.all.logdet, ld, counts)
}

// classRates returns the rates of z (m×d) grouped by labels in 0..k−1,
// given the already factorised whole set.
func classRates(all *symGroup, z []float64, d int, labels []int, k int, epsSq float64) (Rates, error) {
	rows := classRows(labels, k)
	ld := make([]float64, k)
	counts := make([]int, k)
	for j, r := range rows {
		counts[j] = len(r)
		if len(r) == 0 {
			continue
		}
		g, err := factorGroup(gather(z, d, r), len(r), d, rateCoef(d, len(r), epsSq))
		if err != nil {
			return Rates{}, err
		}
		ld[j] = g.logdet
	}
	return combineRates(all.logdet, ld, counts), nil
}

// VectorRates returns the coding rates R, Rc and ΔR (SPEC §1) of the
// features z (m×d, rows are samples; used as given, not normalised) under
// labels in 0..k−1. It returns an error for mismatched sizes, labels out of
// range or non-finite features.
func VectorRates(z []float64, d int, labels []int, k int, epsSq float64) (Rates, error) {
	if err := checkData(z, d, labels, k, false); err != nil {
		return Rates{}, err
	}
	if !(epsSq > 0) {
		return Rates{}, fmt.Errorf("redunet: eps2 (ε²) = %v, want > 0", epsSq)
	}
	m := len(labels)
	all, err := factorGroup(z, m, d, rateCoef(d, m, epsSq))
	if err != nil {
		return Rates{}, err
	}
	return classRates(all, z, d, labels, k, epsSq)
}

func newVectorLayer(st *vectorStats, d int, counts []int, src []float64) *VectorLayer {
	m := 0
	for _, c := range counts {
		m += c
	}
	l := &VectorLayer{d: d, e: st.all.operator(), c: make([]symOp, len(counts)), gamma: make([]float64, len(counts)), src: src}
	for j, g := range st.class {
		l.gamma[j] = float64(counts[j]) / float64(m)
		if g != nil {
			l.c[j] = g.operator()
		} else {
			l.c[j] = symOp{d: d, a: 0} // a class with no samples has γ_j = 0 and no effect
		}
	}
	return l
}

// chunkRows is how many samples a layer transforms at once: (K+1)·chunkRows·d
// values of scratch.
const chunkRows = 256

// vectorScratch is the per-call scratch of VectorLayer.forward.
type vectorScratch struct {
	outs  [][]float64
	work  []float64
	coef  []float64
	norms []float64
}

func (l *VectorLayer) scratch() *vectorScratch {
	k := len(l.c)
	s := &vectorScratch{outs: make([][]float64, k+1), coef: make([]float64, k+1), norms: make([]float64, k)}
	wl := l.e.workLen(chunkRows)
	for i := range s.outs {
		s.outs[i] = make([]float64, chunkRows*l.d)
	}
	for _, c := range l.c {
		wl = max(wl, c.workLen(chunkRows))
	}
	s.work = make([]float64, wl)
	return s
}

// Forward applies the layer in place to the rows of z (unit rows, d columns):
// z ← normalise(z + η·(E z − Σ_j γ_j·π̂_j·C_j z)), with π̂ = softmax(−λ·‖C_j z‖).
// It writes each row's prediction ŷ = argmax π̂ to yhat (len(z)/d values; nil
// allocates) and returns it. Rows are independent: any batching gives the
// same result.
func (l *VectorLayer) Forward(z []float64, p Params, yhat []int) []int {
	return l.forward(z, p, yhat, nil)
}

// forward is Forward that also writes π̂ (m×K) to pi unless it is nil.
func (l *VectorLayer) forward(z []float64, p Params, yhat []int, pi []float64) []int {
	d := l.d
	m := len(z) / d
	if len(z) != m*d {
		panic(fmt.Sprintf("redunet: Forward: len(z) = %d is not a multiple of d = %d", len(z), d))
	}
	if yhat == nil {
		yhat = make([]int, m)
	}
	if m == 0 {
		return yhat
	}
	s := l.scratch()
	for start := 0; start < m; start += chunkRows {
		rows := min(chunkRows, m-start)
		var piChunk []float64
		if pi != nil {
			piChunk = pi[start*len(l.c) : (start+rows)*len(l.c)]
		}
		l.forwardChunk(z[start*d:(start+rows)*d], rows, p, yhat[start:start+rows], piChunk, s)
	}
	return yhat
}

func (l *VectorLayer) forwardChunk(z []float64, rows int, p Params, yhat []int, pi []float64, s *vectorScratch) {
	d := l.d
	l.e.apply(s.outs[0], z, rows, s.work)
	for j := range l.c {
		l.c[j].apply(s.outs[j+1], z, rows, s.work)
	}
	for i := 0; i < rows; i++ {
		zi := z[i*d : (i+1)*d]
		for j := range l.c {
			s.norms[j] = math.Sqrt(sumSq(s.outs[j+1][i*d : (i+1)*d]))
		}
		yhat[i] = softAssign(s.coef, s.norms, l.gamma, p.Lambda, p.Eta)
		if pi != nil {
			copy(pi[i*len(l.c):(i+1)*len(l.c)], s.norms)
		}
		for k, c := range s.coef {
			if c == 0 {
				continue
			}
			o := s.outs[k][i*d : (i+1)*d]
			for t := range zi {
				zi[t] += c * o[t]
			}
		}
		inv := 1 / math.Max(math.Sqrt(sumSq(zi)), normClamp)
		for t := range zi {
			zi[t] *= inv
		}
	}
}

func sumSq(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return s
}

// VectorNet is a built vector ReduNet: its parameters and layers.
type VectorNet struct {
	Params Params
	D, K   int
	Layers []*VectorLayer
	// Labels and Final are the training labels and the training features
	// after the last layer, kept (with the layers) by BuildOptions.Keep, so
	// that classifiers can be fit on a saved model's features.
	Labels []int
	Final  []float64
}

// Transform normalises the rows of x (m×D) and applies every layer. It
// returns the features (written to dst; nil allocates; dst may be x) and the
// last layer's predictions ŷ (nil when the net has no layers).
func (n *VectorNet) Transform(dst, x []float64) ([]float64, []int) {
	if len(x)%n.D != 0 {
		panic(fmt.Sprintf("redunet: Transform: len(x) = %d is not a multiple of D = %d", len(x), n.D))
	}
	if dst == nil {
		dst = make([]float64, len(x))
	}
	copy(dst, x)
	normalizeRows(dst, n.D)
	var yhat []int
	for _, l := range n.Layers {
		yhat = l.Forward(dst, n.Params, yhat)
	}
	return dst, yhat
}

// Predict applies the net to x (m×D) like Transform and also returns the
// last layer's soft assignment π̂ (m×K, rows sum to 1): ReduNet's own
// classifier and its confidence. Without layers ŷ and π̂ are nil.
func (n *VectorNet) Predict(x []float64) (feat []float64, yhat []int, pi []float64) {
	feat = make([]float64, len(x))
	copy(feat, x)
	normalizeRows(feat, n.D)
	for i, l := range n.Layers {
		if i == len(n.Layers)-1 {
			pi = make([]float64, len(x)/n.D*n.K)
		}
		yhat = l.forward(feat, n.Params, yhat, pi)
	}
	return feat, yhat, pi
}

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
}

// BuildOptions control the construction pass. The zero value builds the
// network without keeping its layers.
type BuildOptions struct {
	// Keep keeps every layer in the returned net, so that it can be saved or
	// applied later. Without it a layer is dropped once it has been applied
	// to the training and evaluation sets, and a long network never holds
	// more than one layer in memory.
	Keep bool
	// Eval are evaluation sets (rows of the same dimension as the training
	// data) that every layer is applied to as soon as it is built
	// (construct-then-apply). They are not modified.
	Eval [][]float64
	// EvalLabels, if not nil, holds labels (in 0..K−1) for the evaluation
	// sets whose rates should be recorded at every layer
	// (LayerResult.Eval); a nil entry skips that set.
	EvalLabels [][]int
	// OnInput, if not nil, is called with the rates of the normalised
	// input (true labels) before the first layer is built.
	OnInput func(Rates)
	// OnLayer, if not nil, is called after each layer.
	OnLayer func(LayerResult)
	// Context, if not nil, is checked between layers; its error is returned
	// when it is done.
	Context context.Context
	// Workers is the number of goroutines of the multichannel network
	// (0: runtime.GOMAXPROCS(0)). The result does not depend on it.
	Workers int

	noRates bool // Transform: skip the rates
}

// BuildResult is the outcome of BuildVector.
type BuildResult struct {
	// Net has the parameters, and the layers when BuildOptions.Keep is set.
	Net *VectorNet
	Trace
}

// checkData validates a labelled data set: sizes, labels in range and, if
// nonEmpty, every class present; finite values.
func checkData(x []float64, d int, labels []int, k int, nonEmpty bool) error {
	if d <= 0 {
		return fmt.Errorf("redunet: dimension d = %d, want > 0", d)
	}
	if k <= 0 {
		return fmt.Errorf("redunet: number of classes K = %d, want > 0", k)
	}
	m := len(labels)
	if m == 0 {
		return fmt.Errorf("redunet: no samples")
	}
	if len(x) != m*d {
		return fmt.Errorf("redunet: %d values for %d labels of dimension %d, want %d", len(x), m, d, m*d)
	}
	counts := make([]int, k)
	for i, y := range labels {
		if y < 0 || y >= k {
			return fmt.Errorf("redunet: label %d of sample %d is out of range 0..%d", y, i, k-1)
		}
		counts[y]++
	}
	if nonEmpty {
		for j, c := range counts {
			if c == 0 {
				return fmt.Errorf("redunet: class %d has no training samples", j)
			}
		}
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("redunet: sample %d has a non-finite value %v", i/d, v)
		}
	}
	return nil
}

// BuildVector runs the construction pass of a vector ReduNet (SPEC §2) on
// the training data x (m×d, rows are samples; normalised first) with labels
// in 0..k−1: for each layer it computes E, C_j and γ from the current
// features and the true labels, then moves every training sample with its
// estimated π̂. It returns per-layer rates and predictions, the final
// features, and the evaluation sets of opt transformed by every layer.
//
// Errors: invalid parameters, mismatched sizes, labels out of range, a class
// with no samples, non-finite values, a cancelled context.
func BuildVector(x []float64, d int, labels []int, k int, p Params, opt BuildOptions) (*BuildResult, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkData(x, d, labels, k, true); err != nil {
		return nil, err
	}
	for i, e := range opt.Eval {
		if len(e)%d != 0 {
			return nil, fmt.Errorf("redunet: evaluation set %d has %d values, not a multiple of d = %d", i, len(e), d)
		}
		if err := checkData(e, d, make([]int, len(e)/d), 1, false); err != nil && len(e) > 0 {
			return nil, fmt.Errorf("evaluation set %d: %w", i, err)
		}
	}
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	rows := classRows(labels, k)
	counts := classCounts(labels, k)

	z := append([]float64(nil), x...)
	normalizeRows(z, d)
	res := &BuildResult{Net: &VectorNet{Params: p, D: d, K: k}, Trace: Trace{Eval: make([][]float64, len(opt.Eval))}}
	for i, e := range opt.Eval {
		res.Eval[i] = append([]float64(nil), e...)
		normalizeRows(res.Eval[i], d)
	}
	st, err := analyseVector(z, d, rows, p.EpsSq)
	if err != nil {
		return nil, err
	}
	res.Input = st.rates(counts)
	if opt.OnInput != nil {
		opt.OnInput(res.Input)
	}
	for layer := 1; layer <= p.Layers; layer++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var src []float64
		if opt.Keep {
			src = append([]float64(nil), z...)
		}
		l := newVectorLayer(st, d, counts, src)
		yhat := l.Forward(z, p, nil)
		res.EvalPredicted = make([][]int, len(res.Eval))
		for i, e := range res.Eval {
			res.EvalPredicted[i] = l.Forward(e, p, nil)
		}
		if opt.Keep {
			res.Net.Layers = append(res.Net.Layers, l)
		}
		if st, err = analyseVector(z, d, rows, p.EpsSq); err != nil {
			return nil, err
		}
		lr := LayerResult{Layer: layer, True: st.rates(counts), Predicted: yhat}
		if lr.Pred, err = classRates(st.all, z, d, yhat, k, p.EpsSq); err != nil {
			return nil, err
		}
		for i, el := range opt.EvalLabels {
			if el == nil {
				continue
			}
			r, err := VectorRates(res.Eval[i], d, el, k, p.EpsSq)
			if err != nil {
				return nil, fmt.Errorf("evaluation set %d: %w", i, err)
			}
			lr.Eval = append(lr.Eval, r)
		}
		res.Layers = append(res.Layers, lr)
		if opt.OnLayer != nil {
			opt.OnLayer(lr)
		}
	}
	res.Features = z
	if opt.Keep {
		res.Net.Labels = append([]int(nil), labels...)
		res.Net.Final = z
	}
	return res, nil
}

// TrainInput returns the normalised training input Z_1 of a net built with
// BuildOptions.Keep (or loaded from a model): the raw features that the
// classifiers of the evaluation protocol compare against.
func (n *VectorNet) TrainInput() []float64 {
	if len(n.Layers) > 0 {
		return n.Layers[0].src
	}
	return n.Final
}

// TrainPredicted returns the last layer's predictions ŷ on the training data
// of a kept net (nil when it has no layers), recomputed by applying the last
// layer to its stored input.
func (n *VectorNet) TrainPredicted() []int {
	if len(n.Layers) == 0 {
		return nil
	}
	l := n.Layers[len(n.Layers)-1]
	if l.src == nil {
		return nil
	}
	return l.Forward(append([]float64(nil), l.src...), n.Params, nil)
}
