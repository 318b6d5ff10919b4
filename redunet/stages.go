package redunet

import (
	"fmt"
	"slices"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

// This file is the public face of the three stages of a layer, which the
// single-machine construction pass (Net.Build) composes and which an
// out-of-core or distributed run calls on shards of samples:
//
//	b := net.Encode(x)              // lift, normalise, transform: a Batch per shard
//	s := net.Statistics(b, labels)  // (a) per-bin sums per class and in total
//	s.Merge(t)                      //     … added over shards
//	layer := net.Factor(s)          // (b) per-bin factorisation: the operators
//	yhat := layer.Apply(b, pi)      // (c) per sample: features in place, ŷ, π̂
//	x' := net.Decode(b)             // back to the signal domain

// Batch is a set of samples in the basis where the layers act, ready for
// the stages: the half spectra of their (lifted, normalised) signals, one
// C×M block per kept frequency bin, or for a net with a single real bin (a
// vector net) the samples themselves, in the net's precision. Apply moves a
// Batch in place.
type Batch struct {
	shape    fft.Shape // the net's signal shape
	channels int
	// One of the four is set: the float64 blocks, or a float32 net's.
	c   *blocks[complex128]
	r   *blocks[float64]
	c32 *blocks[complex64]
	r32 *blocks[float32]
}

// Len returns the number of samples M.
func (b *Batch) Len() int {
	switch {
	case b.r != nil:
		return b.r.m
	case b.c != nil:
		return b.c.m
	case b.c32 != nil:
		return b.c32.m
	}
	return b.r32.m
}

// single reports whether b holds a float32 net's samples.
func (b *Batch) single() bool { return b.c32 != nil || b.r32 != nil }

// Stats are stage (a) of a layer: for one set of samples and its labels,
// per frequency bin, the Gram sum Σ_g(p) = Σ_{i∈g} V_i(p)V_i(p)ᴴ of every
// group g (all samples, then each class) and the group sizes — or, for a
// group with fewer samples than channels, the samples themselves, which
// give the same operators more cheaply. Stats of disjoint sets of samples
// add (Merge), so a layer can be built from shards.
type Stats struct {
	shape fft.Shape
	// The statistics are of bins lo…lo+width−1 of the bins kept bins of
	// the net (all of them unless Split).
	lo, bins int
	c        *stats[complex128]
	r        *stats[float64]
}

// width returns the number of bins s holds.
func (s *Stats) width() int {
	if s.r != nil {
		return len(s.r.w)
	}
	return len(s.c.w)
}

// Bins returns the range [lo, hi) of the net's kept frequency bins that s
// holds: all of them, 0…B', unless s is a part that Split made.
func (s *Stats) Bins() (lo, hi int) { return s.lo, s.lo + s.width() }

// Counts returns the number of samples of each class.
func (s *Stats) Counts() []int {
	if s.r != nil {
		return s.r.counts()
	}
	return s.c.counts()
}

// Merge adds the statistics t of other samples, under the same net and
// labels 0…K−1, to s. t must not be used afterwards (s may share its
// memory). The sum does not depend on how the samples were split, up to
// rounding.
func (s *Stats) Merge(t *Stats) error {
	if !slices.Equal(s.shape, t.shape) {
		return fmt.Errorf("redunet: merging statistics of signals of shape %v into shape %v", []int(t.shape), []int(s.shape))
	}
	if (s.r != nil) == (t.r != nil) && (s.lo != t.lo || s.width() != t.width() || s.bins != t.bins) {
		tl, th := t.Bins()
		sl, sh := s.Bins()
		return fmt.Errorf("redunet: merging statistics of bins %d…%d of %d into bins %d…%d of %d", tl, th-1, t.bins, sl, sh-1, s.bins)
	}
	switch {
	case s.r != nil && t.r != nil:
		return s.r.merge(realKernels{}, t.r)
	case s.c != nil && t.c != nil:
		return s.c.merge(complexKernels{}, t.c)
	}
	return fmt.Errorf("redunet: merging statistics of different kinds of net")
}

// Layer is stage (b) of a layer, its operators: per bin E(p) = α(I + α·Σ(p))⁻¹
// and C_j(p) = α_j(I + α_j·Σ_j(p))⁻¹ with α = C/(m·ε²), α_j = C/(m_j·ε²),
// and the class fractions γ_j = m_j/m; and the rates of the samples they were
// built from.
type Layer struct {
	shape   fft.Shape
	k       int
	params  Params
	workers int
	rates   Rates
	// The operators are those of bins lo…lo+width−1 of the bins kept bins
	// (all of them unless the layer is a part of one, made from a part of
	// its statistics); ldBin are their weighted log-determinants per group
	// ([g·width+p], factor's), counts the class sizes.
	lo, bins int
	full     int // B, the bins of the full spectrum, for the rates
	ldBin    []float64
	counts   []int
	// One of the four is set (with operators): a float32 net's are c32 or
	// r32, rounded from the float64 factorisation.
	c   *layerOps[complex128]
	r   *layerOps[float64]
	c32 *layerOps[complex64]
	r32 *layerOps[float32]
	// scratch of Apply, kept across calls
	sc   *forwardScratch[complex128]
	sr   *forwardScratch[float64]
	sc32 *forwardScratch[complex64]
	sr32 *forwardScratch[float32]
}

// keepScratch hands l's forward scratch to next: one scratch for a pass.
func (l *Layer) keepScratch(next *Layer) {
	next.sc, next.sr, next.sc32, next.sr32 = l.sc, l.sr, l.sc32, l.sr32
}

// InputRates returns R, Rc and ΔR (true labels) of the samples the layer
// was built from. The rates need every bin: those of a part of a layer
// (Bins) are zero until the parts are joined (JoinLayers).
func (l *Layer) InputRates() Rates { return l.rates }

// Bins returns the range [lo, hi) of the net's kept frequency bins whose
// operators l holds: all of them, unless l was factorised from a part of
// the statistics (Stats.Split).
func (l *Layer) Bins() (lo, hi int) { return l.lo, l.lo + len(l.ldBin)/max(1, l.k+1) }

// complete reports whether l holds every bin.
func (l *Layer) complete() bool {
	lo, hi := l.Bins()
	return lo == 0 && hi == l.bins
}

// Operator returns the C×C operator of group g at bin p, densely (a copy):
// g = 0 is E, g = 1+j is C_j. For a vector net (one real bin) the values are
// real.
func (l *Layer) Operator(g, p int) []complex128 {
	switch {
	case l.r32 != nil:
		return (&Layer{r: convertOps(l.r32, widenR)}).Operator(g, p)
	case l.c32 != nil:
		return (&Layer{c: convertOps(l.c32, widenC)}).Operator(g, p)
	}
	if l.r != nil {
		d := denseOp(realKernels{}, l.r, g, p)
		out := make([]complex128, len(d))
		for i, v := range d {
			out[i] = complex(v, 0)
		}
		return out
	}
	return denseOp(complexKernels{}, l.c, g, p)
}

// Gamma returns the class fractions γ_j = m_j/m (a copy).
func (l *Layer) Gamma() []float64 {
	switch {
	case l.r != nil:
		return slices.Clone(l.r.gamma)
	case l.c32 != nil:
		return slices.Clone(l.c32.gamma)
	case l.r32 != nil:
		return slices.Clone(l.r32.gamma)
	}
	return slices.Clone(l.c.gamma)
}

func denseOp[T scalar](k kernels[T], lo *layerOps[T], g, p int) []T {
	c, op := lo.c, lo.ops[g]
	d := make([]T, c*c)
	switch {
	case op.dense != nil:
		copy(d, op.dense[p*c*c:(p+1)*c*c])
	case op.r > 0:
		k.gram(d, op.yh[p*c*op.r:(p+1)*c*op.r], c, op.r, -op.a*op.a)
		k.addDiag(d, c, op.a)
	}
	return d
}

// Apply is stage (c): it moves every sample of b through the layer in place
// (z ← normalise(z + η·(E z − Σ_j γ_j·π̂_j·C_j z)), π̂ = softmax(−λ·‖C_j z‖))
// and returns ŷ = argmax π̂; it writes π̂ (M×K, rows sum to 1) to pi unless
// pi is nil. Samples are independent: any split of a set into batches gives
// the same result. Apply is not safe for concurrent use (it keeps scratch).
func (l *Layer) Apply(b *Batch, pi []float64) []int { return l.apply(b, pi, nil) }

// apply is Apply, the samples moving with the one-hot π̂ of oracle's labels
// unless it is nil (Params.Oracle).
func (l *Layer) apply(b *Batch, pi []float64, oracle []int) []int {
	if oracle != nil && len(oracle) != b.Len() {
		panic("redunet: Layer.apply: one label per sample")
	}
	if (l.r != nil || l.r32 != nil) != (b.r != nil || b.r32 != nil) || !slices.Equal(l.shape, b.shape) {
		panic(fmt.Sprintf("redunet: Layer.Apply: a layer of %v signals applied to a batch of %v signals", []int(l.shape), []int(b.shape)))
	}
	if (l.c32 != nil || l.r32 != nil) != b.single() {
		panic("redunet: Layer.Apply: a layer and a batch of different precisions")
	}
	k := l.k
	if pi != nil && len(pi) != b.Len()*k {
		panic(fmt.Sprintf("redunet: Layer.Apply: len(pi) = %d, want %d", len(pi), b.Len()*k))
	}
	switch {
	case l.r != nil:
		checkApply(l.r.c, b.r.c, len(l.r.w), len(b.r.w))
		return forward(realKernels{}, b.r, l.r, l.params, l.workers, pi, oracle, newScratch(&l.sr))
	case l.c != nil:
		checkApply(l.c.c, b.c.c, len(l.c.w), len(b.c.w))
		return forward(complexKernels{}, b.c, l.c, l.params, l.workers, pi, oracle, newScratch(&l.sc))
	case l.c32 != nil:
		checkApply(l.c32.c, b.c32.c, len(l.c32.w), len(b.c32.w))
		return forward(complex64Kernels{}, b.c32, l.c32, l.params, l.workers, pi, oracle, newScratch(&l.sc32))
	case l.r32 != nil:
		checkApply(l.r32.c, b.r32.c, len(l.r32.w), len(b.r32.w))
		return forward(float32Kernels{}, b.r32, l.r32, l.params, l.workers, pi, oracle, newScratch(&l.sr32))
	}
	panic("redunet: Layer.Apply: a layer without operators (the last layer's statistics)")
}

func checkApply(lc, bc, lbins, bbins int) {
	if lc != bc || lbins != bbins {
		panic("redunet: Layer.Apply: channel or bin mismatch")
	}
}

// newScratch returns *sc, allocating it first if it is nil.
func newScratch[T scalar](sc **forwardScratch[T]) *forwardScratch[T] {
	if *sc == nil {
		*sc = new(forwardScratch[T])
	}
	return *sc
}

// realBins reports whether the net's transform has a single real bin (every
// signal axis of size 1, a vector net in particular): then the real backend
// is used.
func (n *Net) realBins() bool { return n.Shape.Len() == 1 }

// Encode prepares m samples of InChannels×Shape values (lift, normalise)
// and transforms them to the basis of the layers: stage (a)'s input.
func (n *Net) Encode(x []float64) (*Batch, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	z, err := n.prepare(x)
	if err != nil {
		return nil, err
	}
	return n.encodePrepared(z, nil), nil
}

// encodePrepared transforms prepared samples; t is the transformer to use
// (nil: a new one).
func (n *Net) encodePrepared(z []float64, t *conv.Transformer) *Batch {
	per := n.C * n.Shape.Len()
	m := len(z) / per
	if n.realBins() {
		// The real backend's blocks are sample-major: the samples as they are
		// (copied: the batch is moved in place).
		if n.Params.single() {
			d := make([]float32, len(z))
			narrowR(d, z)
			return &Batch{shape: n.Shape, channels: n.C, r32: &blocks[float32]{m: m, c: n.C, w: []float64{1}, data: d}}
		}
		return &Batch{shape: n.Shape, channels: n.C, r: &blocks[float64]{m: m, c: n.C, w: []float64{1}, data: slices.Clone(z)}}
	}
	if t == nil {
		t = conv.NewTransformer(n.Shape, n.workers())
	}
	if !n.Params.single() {
		s := t.Forward(nil, z, m, n.C)
		return &Batch{shape: n.Shape, channels: n.C, c: &blocks[complex128]{m: m, c: n.C, w: s.W, data: s.Data}}
	}
	// float32: transformed in float64 a chunk at a time, each chunk's
	// spectra rounded into place.
	bins, c, per := n.Shape.Bins(), n.C, n.FeatureLen()
	b := &blocks[complex64]{m: m, c: c, w: n.Shape.Weights(), data: make([]complex64, m*bins*c)}
	nc := max(1, min(m, streamValues/max(1, bins*c)))
	sp := make([]complex128, min(m, nc)*bins*c)
	for i0 := 0; i0 < m; i0 += nc {
		nb := min(nc, m-i0)
		chunk := &conv.Spectra{M: nb, C: c, Shape: n.Shape, Data: sp[:nb*bins*c], W: b.w}
		t.Forward(chunk, z[i0*per:(i0+nb)*per], nb, c)
		for p := 0; p < bins*c; p++ { // row p: one channel at one bin
			narrowC(b.data[p*m+i0:p*m+i0+nb], chunk.Data[p*nb:(p+1)*nb])
		}
	}
	return &Batch{shape: n.Shape, channels: n.C, c32: b}
}

// Decode transforms a batch back to the signal domain and normalises every
// sample: M×C×Shape values, the features.
func (n *Net) Decode(b *Batch) []float64 { return n.decode(b, nil) }

func (n *Net) decode(b *Batch, t *conv.Transformer) []float64 {
	if err := n.checkBatch(b); err != nil {
		panic(err.Error())
	}
	per := n.C * n.Shape.Len()
	switch {
	case b.r != nil:
		z := slices.Clone(b.r.data)
		normalizeRows(z, per)
		return z
	case b.r32 != nil:
		z := make([]float64, len(b.r32.data))
		widenR(z, b.r32.data)
		normalizeRows(z, per)
		return z
	}
	if t == nil {
		t = conv.NewTransformer(n.Shape, n.workers())
	}
	if b.c != nil {
		s := &conv.Spectra{M: b.c.m, C: b.c.c, Shape: fft.Shape(n.Shape), Data: b.c.data, W: b.c.w}
		z := t.Inverse(nil, s)
		normalizeRows(z, per)
		return z
	}
	// float32: widened a chunk at a time into float64 spectra.
	m, c, bins := b.c32.m, b.c32.c, b.c32.bins()
	z := make([]float64, m*per)
	nc := max(1, min(m, streamValues/max(1, bins*c)))
	sp := make([]complex128, min(m, nc)*bins*c)
	for i0 := 0; i0 < m; i0 += nc {
		nb := min(nc, m-i0)
		chunk := &conv.Spectra{M: nb, C: c, Shape: n.Shape, Data: sp[:nb*bins*c], W: b.c32.w}
		for p := 0; p < bins*c; p++ {
			widenC(chunk.Data[p*nb:(p+1)*nb], b.c32.data[p*m+i0:p*m+i0+nb])
		}
		t.Inverse(z[i0*per:(i0+nb)*per], chunk)
	}
	normalizeRows(z, per)
	return z
}

// Statistics computes stage (a) of a layer on the batch b with labels in
// 0…K−1 (one per sample).
func (n *Net) Statistics(b *Batch, labels []int) (*Stats, error) {
	if err := n.checkBatch(b); err != nil {
		return nil, err
	}
	if len(labels) != b.Len() {
		return nil, fmt.Errorf("redunet: %d labels for %d samples", len(labels), b.Len())
	}
	for i, y := range labels {
		if y < 0 || y >= n.K {
			return nil, fmt.Errorf("redunet: label %d of sample %d is out of range 0..%d", y, i, n.K-1)
		}
	}
	return n.statistics(b, classRows(labels, n.K), true), nil
}

// statistics computes the statistics of b under a grouping; without all,
// the whole-set group is left empty (see classRates).
func (n *Net) statistics(b *Batch, classes [][]int, all bool) *Stats {
	full, w := n.Shape.Len(), n.workers()
	s := &Stats{shape: n.Shape, bins: n.keptBins()}
	switch {
	case b.r != nil:
		s.r = statistics(realKernels{}, b.r, classes, full, w, all)
	case b.r32 != nil:
		s.r = statisticsWide(realKernels{}, b.r32, widenR, classes, full, w, all)
	case b.c32 != nil:
		s.c = statisticsWide(complexKernels{}, b.c32, widenC, classes, full, w, all)
	default:
		s.c = statistics(complexKernels{}, b.c, classes, full, w, all)
	}
	return s
}

// classRates returns the rates of b under the labels given R, the
// whole-set rate, which does not depend on the labels: only the classes are
// factorised.
func (n *Net) classRates(b *Batch, labels []int, r float64) (Rates, error) {
	l, err := n.factor(n.statistics(b, classRows(labels, n.K), false), false)
	if err != nil {
		return Rates{}, err
	}
	rc := l.rates.Rc
	return Rates{DeltaR: r - rc, R: r, Rc: rc}, nil
}

// checkBatch reports a batch that was not encoded by a net of this shape
// and channel count.
func (n *Net) checkBatch(b *Batch) error {
	if !slices.Equal(b.shape, n.Shape) || b.channels != n.C {
		return fmt.Errorf("redunet: a batch of %d channels of shape %v for a net of %d channels of shape %v",
			b.channels, []int(b.shape), n.C, []int(n.Shape))
	}
	if b.single() != n.Params.single() {
		return fmt.Errorf("redunet: a batch of %s for a net of %s", precisionName(b.single()), precisionName(n.Params.single()))
	}
	return nil
}

// Factor is stage (b): it factorises the statistics bin by bin into the
// operators of a layer, which also knows the rates of the samples behind
// s. The operators are built in s's memory: s must not be used afterwards.
// Every class needs at least one sample.
func (n *Net) Factor(s *Stats) (*Layer, error) {
	if err := n.Params.Validate(); err != nil {
		return nil, err
	}
	for j, c := range s.Counts() {
		if c == 0 {
			return nil, fmt.Errorf("redunet: class %d has no training samples", j)
		}
	}
	return n.factor(s, true)
}

// Rates returns R, Rc and ΔR of the samples behind s under their labels,
// without building operators (s is left as it was). They need every bin:
// the rates of parts (Split) are those of the layer that JoinLayers makes
// of their factorisations.
func (n *Net) Rates(s *Stats) (Rates, error) {
	if err := n.Params.Validate(); err != nil {
		return Rates{}, err
	}
	if lo, hi := s.Bins(); lo != 0 || hi != s.bins {
		return Rates{}, fmt.Errorf("redunet: the rates of statistics of bins %d…%d of %d: they need every bin (factorise the parts and join them: JoinLayers)", lo, hi-1, s.bins)
	}
	l, err := n.factor(s, false)
	if err != nil {
		return Rates{}, err
	}
	return l.rates, nil
}

func (n *Net) factor(s *Stats, needOps bool) (*Layer, error) {
	if !slices.Equal(s.shape, n.Shape) {
		return nil, fmt.Errorf("redunet: statistics of signals of shape %v for a net of shape %v", []int(s.shape), []int(n.Shape))
	}
	if len(s.Counts()) != n.K {
		return nil, fmt.Errorf("redunet: statistics of %d classes for a net of %d", len(s.Counts()), n.K)
	}
	if s.bins != n.keptBins() || (s.r != nil) != n.realBins() {
		return nil, fmt.Errorf("redunet: statistics of %d bins for a net of %d", s.bins, n.keptBins())
	}
	l := &Layer{shape: n.Shape, k: n.K, params: n.Params, workers: n.workers(), lo: s.lo, bins: s.bins}
	var err error
	counts := s.Counts()
	fullBins := 0
	if s.r != nil {
		fullBins = s.r.fullBins
		l.ldBin, l.r, err = factor(realKernels{}, s.r, n.Params.EpsSq, needOps, n.workers())
	} else {
		fullBins = s.c.fullBins
		l.ldBin, l.c, err = factor(complexKernels{}, s.c, n.Params.EpsSq, needOps, n.workers())
	}
	if err != nil {
		return nil, err
	}
	l.counts, l.full = counts, fullBins
	if n.Params.single() && needOps {
		// The operators are rounded once for a float32 application.
		if l.r != nil {
			l.r32, l.r = convertOps(l.r, narrowR), nil
		} else {
			l.c32, l.c = convertOps(l.c, narrowC), nil
		}
	}
	if l.complete() {
		l.rates = ratesFrom(sumLD(l.ldBin, n.K+1, l.full), counts)
	}
	return l, nil
}

// keptBins returns the number of frequency bins the layers act on: the
// half spectrum's, or 1 for a net of one real bin.
func (n *Net) keptBins() int {
	if n.realBins() {
		return 1
	}
	return n.Shape.Bins()
}

func precisionName(single bool) string {
	if single {
		return Float32
	}
	return Float64
}
