package redunet

import (
	"github.com/redunet-go/redunet/internal/dmat"
	"github.com/redunet-go/redunet/internal/sat"
)

// MemoryEstimate returns an estimate of the peak number of bytes that
// Build allocates and holds at once (the live heap it adds) for train
// training samples and evaluation sets of the given sizes, with
// BuildOptions.Keep: what a program can compare with the memory it has
// before starting a run. It also bounds Transform and Predict of a kept or
// loaded net with train = len(Labels) (they hold the same arrays, less the
// per-layer trace). The caller's own arrays (x and the evaluation sets)
// are not counted, nor is the Go runtime's slack: with the default GOGC =
// 100 the heap may grow to about twice its live size between collections
// unless GOMEMLIMIT bounds it.
//
// It is arithmetic on the sizes only: it allocates nothing, saturates at
// math.MaxInt64 instead of overflowing, and counts negative sizes as 0.
// With the net's C channels (InChannels before the lift), K classes, L
// layers, N = |Shape| values and B = Shape.Bins() kept bins per signal,
// W = min(workers, B) goroutines of the per-bin stages, t = 16 bytes per
// value in the layers' basis (complex128) or 8 for a net with one real bin
// (a vector net: B = N = 1), M = train, E = Σ evals, E_max the largest,
// and the assumption that every class has n = M/K samples (at least 1).
// A float32 net (Params.Precision) holds its samples in half of t,
// t' = t/2, and its evaluation sets in arrays of their features' size,
// 8·C·N bytes a sample (B ≤ N); below, t' is t for a float64 net:
//
//	keep     = 8·M·(InChannels·N + 1)         TrainX, Labels
//	spectra  = t'·M·C·B                       the training set in the layers' basis
//	evals    = t·E·C·B                        the evaluation sets in the layers' basis, in
//	                                          arrays that end up holding their features
//	                                          (float32: 8·E·C·N)
//	s        = min(E_max, 2^22/(B·C))         samples of an evaluation chunk (E_max for a
//	                                          vector net, whose chunks are views)
//	stream   = max(t·B·C, 8·C·N)·s            a chunk's transform scratch (0 for a vector net;
//	                                          float32: 16·B·C·s)
//	op(g)    = t·B·C²       if 2g ≥ C         the operator of a group of g samples:
//	         = 2·t·B·g·C    if 2g < C         dense, or low-rank (Y and Yᴴ)
//	O        = op(M) + K·op(n)                one layer: E and the C_j
//	rows     = K·t·B·n·C    if C/2 ≤ n < C    samples turned into dense operators
//	size(g)  = C if 2g ≥ C, else g            what the forward pass keeps of an operator's
//	                                          output, a sample and bin (dense: the output;
//	                                          low-rank: its r = g coefficients)
//	P        = C + size(M) + K·size(n)        per sample and bin
//	forward  = t'·B·P·c + 8·B·(K+1)·c         a chunk of c = min(max(M, s), 256,
//	           + W·(t'·C + 8)·c               chunkValues/(B·P)) samples
//	scratch  = W·t·(C·n + s₀² + C·max(C, s₀)) statistics and factorisation, s₀ = min(M, C)
//	wide     = O/2 + W·t·C·M                  float32: the statistics widen a bin's block
//	                                          beside the held layer, narrowed to O/2
//	evalrate = statistics of E_l samples under K classes of E_l/K, and of a chunk
//	           of min(s, E_l) (the rates of the largest labelled evaluation set, of
//	           E_l samples, merged over its chunks; 0 without labelled sets)
//	lift     = 8·InChannels·N·(a chunk of max(workers, 2^20/(InChannels·N)) samples)
//	gemm     = t'·min(2^22, (max(M, c) + C)·C) a vector net's packed GEMM operands
//	                                          (internal/dmat keeps them for reuse; 0 in
//	                                          its pure-Go fallback, which packs nothing)
//
// The peak is keep + spectra + evals + 8·(3M + 2E) (ŷ and the class lists)
// + gemm + the largest of three phases,
//
//	prepare  8·M·C·N + lift + stream          the prepared training input (not held
//	                                          through the pass; with Keep it is made
//	                                          again at the end, when the pass's arrays
//	                                          are gone, as TrainInput), or a set being
//	                                          prepared and transformed
//	layers   8·M·L + forward                  the next layer's statistics and factors
//	         + max(2·O + rows, O + evalrate,  beside the current layer, or an evaluation
//	               O + wide)
//	         + scratch                        set moving through it; ŷ per layer
//	decode   8·M·L + forward + stream         the training features, π̂
//	         + 8·M·C·N + 8·E·K
//
// and 1/16 of that sum plus 64 KiB for the allocator's rounding and small
// bookkeeping (plans, goroutines). The evaluation sets add their own
// features (evals) and no more: they move through the layers in chunks
// (stream.go) in one array each. TestMemoryEstimate checks it against the live peak of Build
// measured at every statistics and factorisation (it must lie between 1
// and 1.5 times it) and against the heap the runtime holds.
func (n *Net) MemoryEstimate(train int, evals ...int) int64 {
	return n.MemoryEstimateFor(train, evals, len(evals))
}

// MemoryEstimateFor is MemoryEstimate when only the first labelled
// evaluation sets have labels (BuildOptions.EvalLabels), so that only
// their rates are computed; Transform and Predict compute none
// (labelled = 0).
func (n *Net) MemoryEstimateFor(train int, evals []int, labelled int) int64 {
	t := int64(16)
	if n.realBins() {
		t = 8
	}
	single := n.Params.single()
	ts := t // bytes of a sample's value between layers
	if single {
		ts = t / 2
	}
	nv, bins := int64(max(n.Shape.Len(), 1)), int64(max(n.Shape.Bins(), 1))
	c, k := int64(max(n.C, 1)), int64(max(n.K, 1))
	in, layers := int64(max(n.InChannels, 1)), int64(max(n.Params.Layers, 0))
	w := int64(n.workers())
	wb := min(w, bins)
	m := int64(max(train, 0))
	var e, eMax, lMax int64
	for i, v := range evals {
		v := int64(max(v, 0))
		e, eMax = sat.Add(e, v), max(eMax, v)
		if i < labelled {
			lMax = max(lMax, v)
		}
	}
	nj := max(1, m/k)
	dense := func(g int64) bool { return sat.Mul(2, g) >= c }

	keep := sat.Mul(8, m, sat.Add(sat.Mul(in, nv), 1))
	spectra := sat.Mul(ts, m, c, bins)
	evalFeat := sat.Mul(t, e, c, bins)
	if single {
		evalFeat = sat.Mul(8, e, c, nv)
	}
	index := sat.Mul(8, sat.Add(sat.Mul(3, m), sat.Mul(2, e)))
	// A batch of at most ipc samples moves in place (inplaceChunk, for
	// groups of M and K·n samples).
	ipc := inplaceSamples(sat.Add(int64(opValues(int(min(m, 1<<40)), int(c))), sat.Mul(k, int64(opValues(int(min(nj, 1<<40)), int(c))))), bins)
	sc, stream := eMax, int64(0)
	if !n.realBins() {
		sc = min(eMax, max(1, int64(streamValues)/sat.Mul(bins, c)), ipc)
		stream = sat.Mul(max(sat.Mul(t, bins), sat.Mul(8, nv)), c, sc)
		if single {
			stream = sat.Mul(16, bins, c, sc)
		}
	}

	op := func(g int64) int64 {
		if dense(g) {
			return sat.Mul(t, bins, c, c)
		}
		return sat.Mul(2, t, bins, g, c)
	}
	o := sat.Add(op(m), sat.Mul(k, op(nj)))
	var rows int64
	if nj < c && dense(nj) {
		rows = sat.Mul(k, t, bins, nj, c)
	}
	size := func(g int64) int64 {
		if dense(g) {
			return c
		}
		return g
	}
	// The forward store of a batch of mb samples: in place (no copy of
	// X) when mb ≤ ipc, else chunks of nc samples with their X.
	perX := sat.Mul(bins, sat.Add(size(m), sat.Mul(k, size(nj))))
	per := sat.Add(perX, sat.Mul(bins, c))
	chunkOf := func(mb int64) (store, nc int64) {
		if mb <= ipc {
			return sat.Mul(perX, mb), max(mb, 1)
		}
		nc = max(1, min(mb, maxChunk, int64(chunkValues)/max(per, 1)))
		return sat.Mul(per, nc), nc
	}
	storeT, ncT := chunkOf(m)
	storeE, ncE := chunkOf(sc)
	store, nc := max(storeT, storeE), max(ncT, ncE)
	forward := sat.Add(sat.Mul(ts, store), sat.Mul(8, bins, sat.Add(k, 1), nc), sat.Mul(wb, sat.Add(sat.Mul(ts, c), 8), nc))
	sz := min(m, c)
	scratch := sat.Mul(wb, t, sat.Add(sat.Mul(c, nj), sat.Mul(sz, sz), sat.Mul(c, max(c, sz))))
	var wide int64 // float32: a bin's block widened for the statistics, beside the held (narrowed) layer
	if single {
		wide = sat.Add(o/2, sat.Mul(wb, t, c, max(m, min(sc, lMax))))
	}
	var evalRate int64
	if lMax > 0 {
		stat := func(g int64) int64 { return sat.Mul(t, bins, min(g, c), c) }
		evalRate = sat.Add(stat(lMax), sat.Mul(k, stat(max(1, lMax/k))))
		if sl := min(sc, lMax); sl < lMax {
			evalRate = sat.Add(evalRate, stat(sl), sat.Mul(k, stat(max(1, sl/k))))
		}
	}
	var lift int64
	if n.Lift != nil {
		sl := int64(max(n.SampleLen(), 1))
		lift = sat.Mul(8, sl, min(max(m, eMax), max(1, w, liftChunk/sl)))
	}

	moving := sat.Add(sat.Mul(8, m, layers), forward)
	layer := sat.Add(moving, max(sat.Add(sat.Mul(2, o), rows), sat.Add(o, evalRate), sat.Add(o, wide)), scratch)
	decode := sat.Add(moving, stream, sat.Mul(8, m, c, nv), sat.Mul(8, e, k))
	prepare := sat.Add(sat.Mul(8, m, c, nv), lift, stream)
	var gemm int64
	if n.realBins() && dmat.Impl() != "go" { // the pure-Go fallback packs nothing
		gemm = sat.Mul(ts, min(1<<22, sat.Mul(sat.Add(max(m, nc), c), c)))
	}
	total := sat.Add(keep, spectra, evalFeat, index, gemm, max(prepare, layer, decode))
	return sat.Add(total, total/16, 64<<10)
}
