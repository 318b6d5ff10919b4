package redunet

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/redunet-go/redunet/conv"
)

// This file is the multichannel (shift-invariant) ReduNet of SPEC §3: the
// vector ReduNet in the Fourier basis. Every operator is block-circulant, so
// in the basis of the unitary DFT it is block-diagonal, one C×C Hermitian
// block per frequency bin; only the half spectrum of the real input is kept
// (SPEC §3.3). The rate formula (combineRates) and the layer step
// (softAssign) are the ones of the vector network.

// MultiNet is a built multichannel ReduNet: an optional lift, then layers in
// the frequency domain.
type MultiNet struct {
	Params Params
	// Shape is the size of one signal: [T] (1-D) or [H, W] (2-D).
	Shape []int
	// InChannels is the number of input channels; C the number of channels
	// the layers work on (the lift's output, or InChannels without a lift).
	InChannels, C int
	// K is the number of classes.
	K int
	// Lift is the fixed random lifting of SPEC §3.1, or nil.
	Lift *conv.Lift
	// TrainX and Labels are kept by BuildOptions.Keep: the training input as
	// given (M×InChannels×signal) and its labels.
	//
	// Every layer is a deterministic function of the layer's input training
	// features and the labels, so TrainX and Labels define the whole
	// network: Transform rebuilds each layer from them, exactly as it was
	// built, and applies it (construct-then-apply), never holding more than
	// one layer's operators. This is all a model file stores besides the
	// lift's kernels.
	TrainX []float64
	Labels []int
	// TrainInput is the normalised (lifted) training input, the input of
	// the first layer; Final the training features after the last layer
	// (M×C×signal, time domain); TrainPredicted the last layer's ŷ on the
	// training data. BuildMulti sets them with Keep; a loaded net gets
	// TrainInput when loaded and the other two from its first Transform or
	// Predict, which rebuilds the training features on the way.
	TrainInput     []float64
	Final          []float64
	TrainPredicted []int
	// Workers is the number of goroutines (0: runtime.GOMAXPROCS(0)). The
	// results do not depend on it.
	Workers int
}

// MultiResult is the outcome of BuildMulti.
type MultiResult struct {
	// Net has the parameters and lift, and the layers when
	// BuildOptions.Keep is set.
	Net *MultiNet
	Trace
}

// Trace is what a construction pass records, for every kind of network.
type Trace struct {
	// Input has the rates of the normalised input with the true labels.
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
	// set (m×K each; nil when there are no layers). Multichannel networks
	// only; VectorNet.Predict gives them for vector networks.
	EvalProb [][]float64
}

func (n *MultiNet) workers() int {
	if n.Workers > 0 {
		return n.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func signalSize(shape []int) int {
	s := 1
	for _, v := range shape {
		s *= v
	}
	return s
}

// fullBins is B, the number of bins of the full spectrum (T or H·W), by
// which the rates are divided (SPEC §1).
func (n *MultiNet) fullBins() int { return signalSize(n.Shape) }

// Prepare lifts (if the net has a lift) and normalises a set of m samples
// of InChannels×Shape values, returning m×C×Shape values: the input of the
// first layer, which the evaluation protocol calls the raw (lifted) input.
func (n *MultiNet) Prepare(x []float64) ([]float64, error) { return n.prepare(x) }

func (n *MultiNet) prepare(x []float64) ([]float64, error) {
	per := n.InChannels * signalSize(n.Shape)
	if len(x)%per != 0 {
		return nil, fmt.Errorf("redunet: %d values is not a whole number of samples of %d×%v", len(x), n.InChannels, n.Shape)
	}
	m := len(x) / per
	var z []float64
	if n.Lift != nil {
		var err error
		if z, err = n.Lift.Apply(nil, x, m, n.Shape, n.workers()); err != nil {
			return nil, err
		}
	} else {
		z = slices.Clone(x)
	}
	normalizeRows(z, n.C*signalSize(n.Shape))
	return z, nil
}

// finish transforms spectra back to the time domain and normalises every
// sample.
func (n *MultiNet) finish(t *conv.Transformer, s *conv.Spectra) []float64 {
	z := t.Inverse(nil, s)
	normalizeRows(z, n.C*signalSize(n.Shape))
	return z
}

// binOp is one group's operator a·(I + a·Σ_g(p))⁻¹ at every kept bin p,
// held in the cheaper form to apply: dense C×C blocks, or, for a group of
// r samples with 3r < C, the low-rank form a·I − a²·YᴴY (Woodbury) with
// Y = L⁻¹·V_gᴴ (r×C), L·Lᴴ = I + a·V_gᴴV_g the r×r kernel form.
type binOp struct {
	a     float64
	r     int          // rank of the low-rank form; 0 when dense
	dense []complex128 // bins×C×C, dense form
	y, yh []complex128 // bins×r×C and bins×C×r (Y and Yᴴ), low-rank form
}

// groupStats are, for one grouping of the training spectra (the whole set
// and each class), the per-bin log-determinants and, if asked for, the
// per-bin operators.
type groupStats struct {
	ld  []float64 // per group: (1/B)·Σ_p w_p·logdet(I + a_g·Σ_g(p))
	ops []binOp   // per group, nil unless asked for
}

// analyseMulti factorises I + a_g·Σ_g(p) for every bin p and every group g:
// group 0 is the whole set, group j+1 the samples listed in groups[j] (a
// group may be empty). A group of n < C samples is factorised in its n×n
// kernel form I + a_g·V_gᴴV_g, which has the same determinant (Sylvester).
// With needOps it also returns the operators. Bins are spread over workers
// with per-worker scratch; per-bin results are summed over bins in a fixed
// order, so the result does not depend on the number of workers.
func analyseMulti(s *conv.Spectra, groups [][]int, epsSq float64, fullBins int, needOps bool, workers int) (*groupStats, error) {
	c, m, bins := s.C, s.M, s.Bins()
	all := make([]int, m)
	for i := range all {
		all[i] = i
	}
	gs := append([][]int{all}, groups...)
	ng := len(gs)
	ldBin := make([]float64, ng*bins) // [g*bins+p]
	st := &groupStats{ld: make([]float64, ng)}
	if needOps {
		st.ops = make([]binOp, ng)
		for g, idx := range gs {
			n := len(idx)
			if n == 0 {
				continue
			}
			op := binOp{a: rateCoef(c, n, epsSq)}
			if 3*n < c && !forceDense {
				op.r = n
				op.y = make([]complex128, bins*n*c)
				op.yh = make([]complex128, bins*c*n)
			} else {
				op.dense = make([]complex128, bins*c*c)
			}
			st.ops[g] = op
		}
	}
	maxRows := 0
	for _, g := range gs {
		maxRows = max(maxRows, len(g))
	}
	type scratch struct {
		gather, gram, work []complex128
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, bins)
	sc := make([]scratch, workers)
	for w := range sc {
		sc[w] = scratch{gather: make([]complex128, c*maxRows), gram: make([]complex128, max(c, maxRows)*max(c, maxRows)), work: make([]complex128, c*c)}
	}
	failed := make([]bool, workers)
	conv.Parallel(bins, workers, func(w, lo, hi int) {
		sw := &sc[w]
		for p := lo; p < hi; p++ {
			blk := s.Block(p)
			for g, idx := range gs {
				n := len(idx)
				if n == 0 {
					continue
				}
				a := rateCoef(c, n, epsSq)
				var op *binOp
				if needOps {
					op = &st.ops[g]
				}
				var ok bool
				if n >= c || forceDense {
					x := blk
					if g > 0 {
						x = sw.gather[:c*n]
						for ch := 0; ch < c; ch++ {
							row := blk[ch*m : (ch+1)*m]
							dst := x[ch*n : (ch+1)*n]
							for t, i := range idx {
								dst[t] = row[i]
							}
						}
					}
					ok = factorDense(sw.gram[:c*c], sw.work, x, c, n, a, p, op, &ldBin[g*bins+p])
				} else {
					// Vᴴ (n×C): row t is the conjugate of sample idx[t]'s column.
					x := sw.gather[:n*c]
					for ch := 0; ch < c; ch++ {
						row := blk[ch*m : (ch+1)*m]
						for t, i := range idx {
							v := row[i]
							x[t*c+ch] = complex(real(v), -imag(v))
						}
					}
					ok = factorKernel(sw.gram[:n*n], sw.work, x, c, n, a, p, op, &ldBin[g*bins+p])
				}
				if !ok {
					failed[w] = true
					return
				}
			}
		}
	})
	if slices.Contains(failed, true) {
		return nil, errNotPD
	}
	for g := 0; g < ng; g++ {
		sum := 0.0
		for p, wt := range s.W {
			sum += wt * ldBin[g*bins+p]
		}
		st.ld[g] = sum / float64(fullBins)
	}
	return st, nil
}

// factorDense factorises I + a·X·Xᴴ for the C×n block x (n ≥ C) at bin p,
// storing its log-determinant in *ld and, if op is not nil, the operator
// a·(I + a·X·Xᴴ)⁻¹ (dense) in op. gram (C×C) and work (C×C) are scratch.
func factorDense(gram, work, x []complex128, c, n int, a float64, p int, op *binOp, ld *float64) bool {
	conv.Gram(gram, x, c, n, a)
	for i := 0; i < c; i++ {
		gram[i*c+i] += 1
	}
	if !cholesky(gram, c) {
		return false
	}
	*ld = cholLogDet(gram, c)
	if op != nil {
		cholInverse(op.dense[p*c*c:(p+1)*c*c], gram, work, c, a)
	}
	return true
}

// factorKernel factorises the kernel form L·Lᴴ = I + a·X·Xᴴ for x = Vᴴ
// (n×C, n < C) at bin p, storing log det in *ld (equal to that of
// I + a·V·Vᴴ) and, if op is not nil, the operator a·I − a²·YᴴY with
// Y = L⁻¹·x, in op's low-rank form or densely. x is overwritten.
func factorKernel(gram, work, x []complex128, c, n int, a float64, p int, op *binOp, ld *float64) bool {
	conv.Gram(gram, x, n, c, a)
	for i := 0; i < n; i++ {
		gram[i*n+i] += 1
	}
	if !cholesky(gram, n) {
		return false
	}
	*ld = cholLogDet(gram, n)
	if op == nil {
		return true
	}
	// Y = L⁻¹·x by forward substitution on rows.
	for t := 0; t < n; t++ {
		yt := x[t*c : (t+1)*c]
		for s, l := range gram[t*n : t*n+t] {
			ys := x[s*c : (s+1)*c]
			for i, v := range ys {
				yt[i] -= l * v
			}
		}
		inv := 1 / real(gram[t*n+t])
		for i, v := range yt {
			yt[i] = complex(inv*real(v), inv*imag(v))
		}
	}
	if op.r > 0 {
		copy(op.y[p*n*c:(p+1)*n*c], x)
		yh := op.yh[p*c*n : (p+1)*c*n]
		for t := 0; t < n; t++ {
			for i := 0; i < c; i++ {
				v := x[t*c+i]
				yh[i*n+t] = complex(real(v), -imag(v))
			}
		}
		return true
	}
	// Dense: a·I − a²·YᴴY, where YᴴY = Gram of the rows of Yᴴ.
	yh := work[:c*n]
	for t := 0; t < n; t++ {
		for i := 0; i < c; i++ {
			v := x[t*c+i]
			yh[i*n+t] = complex(real(v), -imag(v))
		}
	}
	d := op.dense[p*c*c : (p+1)*c*c]
	conv.Gram(d, yh, c, n, -a*a)
	for i := 0; i < c; i++ {
		d[i*c+i] += complex(a, 0)
	}
	return true
}

// forwardScratch is the large scratch of forwardMulti, kept between the
// calls of one construction pass (every layer, every set) so that it is
// allocated once.
type forwardScratch struct {
	store   []complex128
	contrib []float64
}

// grow returns (*buf)[:n], reallocating *buf if it is too short.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// forceDense, set only by tests, makes analyseMulti use the dense C×C form
// for every group, so that the kernel and low-rank forms can be checked
// against it.
var forceDense = false

// multiChunkValues bounds the scratch of a forward pass, in complex values.
const multiChunkValues = 1 << 23

// forwardMulti applies one layer (operators ops: E, then C_j; class
// fractions gamma) in place to the spectra s, normalising every sample, and
// returns ŷ. Samples are processed in chunks; within a chunk bins are spread
// over workers, and every per-sample sum runs over bins in a fixed order, so
// the result does not depend on the number of workers or the chunking.
//
// Per bin and chunk X (C×n): a dense operator D gives U = D·X; a low-rank
// one a·I − a²·YᴴY gives T = Y·X (r×n), from which the class norms are
// taken through a scratch a·X − a²·Yᴴ·T, and the update adds
// coef·a·X − Yᴴ·(coef·a²·T) without forming the C×n product per class.
func forwardMulti(s *conv.Spectra, ops []binOp, gamma []float64, p Params, workers int, pi []float64, sc *forwardScratch) []int {
	c, m, bins, k := s.C, s.M, s.Bins(), len(gamma)
	yhat := make([]int, m)
	if m == 0 {
		return yhat
	}
	// Per sample and bin: X, and C per dense operator or r per low-rank one.
	per := c
	off := make([]int, k+1) // offset of each operator's output within a bin's chunk storage, in units of n
	for g := range ops {
		off[g] = per
		if ops[g].r > 0 {
			per += ops[g].r
		} else {
			per += c
		}
	}
	nc := max(1, min(m, multiChunkValues/(bins*per)))
	if sc == nil {
		sc = new(forwardScratch)
	}
	store := grow(&sc.store, bins*per*nc)
	contrib := grow(&sc.contrib, bins*(k+1)*nc) // [bin][class j, or k for the new norm][sample]
	coef := make([]float64, nc*(k+1))
	norms := make([]float64, k)
	scale := make([]float64, nc)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, bins)
	qs := make([][]complex128, workers)
	for w := range qs {
		qs[w] = make([]complex128, c*nc)
	}
	for i0 := 0; i0 < m; i0 += nc {
		n := min(nc, m-i0)
		// Gather the chunk, apply every operator, and the class norms' per-bin parts.
		conv.Parallel(bins, workers, func(w, lo, hi int) {
			q := qs[w][:c*n]
			for b := lo; b < hi; b++ {
				st := store[b*per*n : (b+1)*per*n]
				xb := st[:c*n]
				src := s.Block(b)
				for ch := 0; ch < c; ch++ {
					copy(xb[ch*n:(ch+1)*n], src[ch*m+i0:ch*m+i0+n])
				}
				wt := s.W[b]
				cb := contrib[b*(k+1)*nc : (b+1)*(k+1)*nc]
				for g := range ops {
					op := &ops[g]
					var u []complex128
					if op.r > 0 {
						r := op.r
						t := st[off[g]*n : (off[g]+r)*n]
						conv.MulRect(t, op.y[b*r*c:(b+1)*r*c], xb, r, c, n, 0)
						if g == 0 {
							continue
						}
						// q = a·X − a²·Yᴴ·T, for the norm only.
						for i, v := range xb {
							q[i] = complex(op.a*real(v), op.a*imag(v))
						}
						aa := -op.a * op.a
						for i, v := range t {
							t[i] = complex(aa*real(v), aa*imag(v))
						}
						conv.MulRect(q, op.yh[b*c*r:(b+1)*c*r], t, c, r, n, 1)
						inv := 1 / aa
						for i, v := range t {
							t[i] = complex(inv*real(v), inv*imag(v))
						}
						u = q
					} else {
						u = st[off[g]*n : (off[g]+c)*n]
						conv.MulBlock(u, op.dense[b*c*c:(b+1)*c*c], xb, c, n, 0)
						if g == 0 {
							continue
						}
					}
					row := cb[(g-1)*nc : (g-1)*nc+n]
					clear(row)
					for ch := 0; ch < c; ch++ {
						for t, v := range u[ch*n : (ch+1)*n] {
							row[t] += wt * (real(v)*real(v) + imag(v)*imag(v))
						}
					}
				}
			}
		})
		// The soft assignment of every sample of the chunk: sums over bins in order.
		for t := 0; t < n; t++ {
			for j := 0; j < k; j++ {
				sum := 0.0
				for b := 0; b < bins; b++ {
					sum += contrib[(b*(k+1)+j)*nc+t]
				}
				norms[j] = math.Sqrt(sum)
			}
			yhat[i0+t] = softAssign(coef[t*(k+1):(t+1)*(k+1)], norms, gamma, p.Lambda, p.Eta)
			if pi != nil {
				copy(pi[(i0+t)*k:(i0+t+1)*k], norms)
			}
		}
		// The update, and the per-bin parts of the new norms.
		conv.Parallel(bins, workers, func(w, lo, hi int) {
			diag := qs[w][:n] // per-sample factor on X: 1 + Σ_low-rank coef·a
			for b := lo; b < hi; b++ {
				st := store[b*per*n : (b+1)*per*n]
				xb := st[:c*n]
				for t := range diag {
					f := 1.0
					for g := range ops {
						if ops[g].r > 0 {
							f += coef[t*(k+1)+g] * ops[g].a
						}
					}
					diag[t] = complex(f, 0)
				}
				for ch := 0; ch < c; ch++ {
					xr := xb[ch*n : (ch+1)*n]
					for t, v := range xr {
						xr[t] = complex(real(diag[t])*real(v), real(diag[t])*imag(v))
					}
				}
				for g := range ops {
					op := &ops[g]
					if op.r > 0 {
						r := op.r
						t := st[off[g]*n : (off[g]+r)*n]
						for row := 0; row < r; row++ {
							tr := t[row*n : (row+1)*n]
							for i, v := range tr {
								f := -coef[i*(k+1)+g] * op.a * op.a
								tr[i] = complex(f*real(v), f*imag(v))
							}
						}
						conv.MulRect(xb, op.yh[b*c*r:(b+1)*c*r], t, c, r, n, 1)
						continue
					}
					u := st[off[g]*n : (off[g]+c)*n]
					for ch := 0; ch < c; ch++ {
						xr := xb[ch*n : (ch+1)*n]
						for t, v := range u[ch*n : (ch+1)*n] {
							f := coef[t*(k+1)+g]
							xr[t] += complex(f*real(v), f*imag(v))
						}
					}
				}
				row := contrib[b*(k+1)*nc+k*nc : b*(k+1)*nc+k*nc+n]
				clear(row)
				wt := s.W[b]
				for ch := 0; ch < c; ch++ {
					for t, v := range xb[ch*n : (ch+1)*n] {
						row[t] += wt * (real(v)*real(v) + imag(v)*imag(v))
					}
				}
			}
		})
		for t := 0; t < n; t++ {
			sum := 0.0
			for b := 0; b < bins; b++ {
				sum += contrib[(b*(k+1)+k)*nc+t]
			}
			scale[t] = 1 / math.Max(math.Sqrt(sum), normClamp)
		}
		// Normalise and scatter back.
		conv.Parallel(bins, workers, func(_, lo, hi int) {
			for b := lo; b < hi; b++ {
				xb := store[b*per*n : b*per*n+c*n]
				dst := s.Block(b)
				for ch := 0; ch < c; ch++ {
					out := dst[ch*m+i0 : ch*m+i0+n]
					for t, v := range xb[ch*n : (ch+1)*n] {
						f := scale[t]
						out[t] = complex(f*real(v), f*imag(v))
					}
				}
			}
		})
	}
	return yhat
}

// ratesOf turns group log-determinants into rates.
func ratesOf(st *groupStats, groups [][]int) Rates {
	counts := make([]int, len(groups))
	for j, g := range groups {
		counts[j] = len(g)
	}
	return combineRates(st.ld[0], st.ld[1:], counts)
}

// checkMulti validates the shapes of a multichannel problem and returns the
// number of channels the layers work on.
func checkMulti(inChannels int, shape []int, lift *conv.Lift) (int, error) {
	if len(shape) != 1 && len(shape) != 2 || slices.Min(shape) < 1 {
		return 0, fmt.Errorf("redunet: signal shape %v, want [T] or [H W] with positive sizes", shape)
	}
	if inChannels < 1 {
		return 0, fmt.Errorf("redunet: %d input channels, want ≥ 1", inChannels)
	}
	if lift == nil {
		return inChannels, nil
	}
	if lift.In != inChannels {
		return 0, fmt.Errorf("redunet: the lift takes %d channels, the data has %d", lift.In, inChannels)
	}
	if lift.Dims != len(shape) {
		return 0, fmt.Errorf("redunet: a %d-D lift for %d-D signals", lift.Dims, len(shape))
	}
	for _, v := range shape {
		if lift.K > v {
			return 0, fmt.Errorf("redunet: the lift's %d-wide kernel is larger than the %v signals", lift.K, shape)
		}
	}
	return lift.Out, nil
}

// NewMultiNet returns an empty multichannel net for signals of inChannels
// channels of the given shape ([T] or [H, W]), with an optional lift.
func NewMultiNet(inChannels int, shape []int, k int, lift *conv.Lift, p Params) (*MultiNet, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c, err := checkMulti(inChannels, shape, lift)
	if err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, fmt.Errorf("redunet: %d classes, want ≥ 1", k)
	}
	return &MultiNet{Params: p, Shape: slices.Clone(shape), InChannels: inChannels, C: c, K: k, Lift: lift}, nil
}

// BuildMulti runs the construction pass of a multichannel ReduNet (SPEC §3)
// on m training samples x of inChannels×shape values each (row-major
// m×C_in×T or m×C_in×H×W; shape is [T] or [H, W]) with labels in 0..k−1.
// lift, if not nil, is applied first (its In must equal inChannels). The
// input is normalised, transformed once to the half spectrum, moved through
// every layer there, transformed back and normalised (SPEC §3.2). Every
// layer is applied to the evaluation sets of opt as soon as it is built.
//
// Errors: invalid parameters or shapes, a kernel larger than the signals,
// labels out of range, a class with no samples, non-finite values, a
// cancelled context.
func BuildMulti(x []float64, inChannels int, shape []int, labels []int, k int, lift *conv.Lift, p Params, opt BuildOptions) (*MultiResult, error) {
	net, err := NewMultiNet(inChannels, shape, k, lift, p)
	if err != nil {
		return nil, err
	}
	net.Workers = opt.Workers
	per := inChannels * signalSize(shape)
	if err := checkData(x, per, labels, k, true); err != nil {
		return nil, err
	}
	z, err := net.prepare(x)
	if err != nil {
		return nil, err
	}
	res := &MultiResult{Net: net}
	if opt.Keep {
		net.TrainX = slices.Clone(x)
		net.TrainInput = z
		net.Labels = slices.Clone(labels)
	}
	if err := net.run(z, labels, opt.Eval, &res.Trace, opt); err != nil {
		return nil, err
	}
	if opt.Keep {
		net.Final, net.TrainPredicted = res.Features, res.TrainPredicted
	}
	return res, nil
}

// Transform applies a kept net to sets of samples (each m×InChannels×Shape
// values): lift, normalise, every layer in the frequency domain, back. It
// returns the features of each set and the last layer's predictions ŷ on it
// (nil without layers). The layers are rebuilt one at a time from the
// stored training input (see MultiNet), so this costs one construction pass
// plus the sets' own.
func (n *MultiNet) Transform(sets ...[]float64) ([][]float64, [][]int, error) {
	tr, err := n.rerun(sets)
	if err != nil {
		return nil, nil, err
	}
	return tr.Eval, tr.EvalPredicted, nil
}

// rerun rebuilds the kept net's layers from its training input, applying
// them to sets; it fills in Final and TrainPredicted on the way.
func (n *MultiNet) rerun(sets [][]float64) (*Trace, error) {
	if n.TrainX == nil || len(n.Labels) == 0 {
		return nil, fmt.Errorf("redunet: the net was built without BuildOptions.Keep; it cannot be applied again")
	}
	if n.TrainInput == nil {
		z, err := n.prepare(n.TrainX)
		if err != nil {
			return nil, err
		}
		n.TrainInput = z
	}
	tr := new(Trace)
	if err := n.run(n.TrainInput, n.Labels, sets, tr, BuildOptions{noRates: true, Workers: n.Workers}); err != nil {
		return nil, err
	}
	n.Final = tr.Features
	n.TrainPredicted = tr.TrainPredicted
	return tr, nil
}

// Predict applies a kept net to x like Transform and also returns the last
// layer's soft assignment π̂ (m×K, rows sum to 1): ReduNet's own classifier
// and its confidence. Without layers ŷ and π̂ are nil.
func (n *MultiNet) Predict(x []float64) (feat []float64, yhat []int, pi []float64, err error) {
	tr, err := n.rerun([][]float64{x})
	if err != nil {
		return nil, nil, nil, err
	}
	feat = tr.Eval[0]
	if tr.EvalPredicted != nil {
		yhat, pi = tr.EvalPredicted[0], tr.EvalProb[0]
	}
	return feat, yhat, pi, nil
}

// run is the construction pass shared by BuildMulti and Transform: z is the
// prepared (lifted, normalised) training input. Unless opt.noRates it
// records the rates of the input and of every layer's output in tr.
func (n *MultiNet) run(z []float64, labels []int, evalSets [][]float64, tr *Trace, opt BuildOptions) error {
	p, k := n.Params, n.K
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	per := n.InChannels * signalSize(n.Shape)
	for i, e := range evalSets {
		if len(e)%per != 0 {
			return fmt.Errorf("redunet: evaluation set %d has %d values, not a multiple of %d×%v", i, len(e), n.InChannels, n.Shape)
		}
		if len(e) > 0 {
			if err := checkData(e, per, make([]int, len(e)/per), 1, false); err != nil {
				return fmt.Errorf("evaluation set %d: %w", i, err)
			}
		}
	}
	workers := n.workers()
	tfm := conv.NewTransformer(n.Shape, workers)
	sig := n.C * signalSize(n.Shape)
	m := len(labels)
	s := tfm.Forward(nil, z, m, n.C)
	evals := make([]*conv.Spectra, len(evalSets))
	for i, e := range evalSets {
		ez, err := n.prepare(e)
		if err != nil {
			return err
		}
		evals[i] = tfm.Forward(nil, ez, len(ez)/sig, n.C)
	}
	groups := classRows(labels, k)
	gamma := make([]float64, k)
	for j, g := range groups {
		gamma[j] = float64(len(g)) / float64(m)
	}
	fb := n.fullBins()
	var st *groupStats
	var err error
	if !opt.noRates {
		if st, err = analyseMulti(s, groups, p.EpsSq, fb, p.Layers > 0, workers); err != nil {
			return err
		}
		tr.Input = ratesOf(st, groups)
		if opt.OnInput != nil {
			opt.OnInput(tr.Input)
		}
	}
	tr.EvalPredicted = nil
	var scratch forwardScratch
	for layer := 1; layer <= p.Layers; layer++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if opt.noRates {
			if st, err = analyseMulti(s, groups, p.EpsSq, fb, true, workers); err != nil {
				return err
			}
		}
		ops := st.ops
		yhat := forwardMulti(s, ops, gamma, p, workers, nil, &scratch)
		tr.TrainPredicted = yhat
		tr.EvalPredicted = make([][]int, len(evals))
		last := layer == p.Layers
		if last {
			tr.EvalProb = make([][]float64, len(evals))
		}
		for i, e := range evals {
			var pi []float64
			if last {
				pi = make([]float64, e.M*k)
				tr.EvalProb[i] = pi
			}
			tr.EvalPredicted[i] = forwardMulti(e, ops, gamma, p, workers, pi, &scratch)
		}
		st = nil
		if opt.noRates {
			continue
		}
		if st, err = analyseMulti(s, groups, p.EpsSq, fb, layer < p.Layers, workers); err != nil {
			return err
		}
		lr := LayerResult{Layer: layer, True: ratesOf(st, groups), Predicted: yhat}
		pg := classRows(yhat, k)
		pst, err := analyseMulti(s, pg, p.EpsSq, fb, false, workers)
		if err != nil {
			return err
		}
		lr.Pred = ratesOf(pst, pg)
		for i, el := range opt.EvalLabels {
			if el == nil {
				continue
			}
			if len(el) != evals[i].M {
				return fmt.Errorf("redunet: %d labels for evaluation set %d of %d samples", len(el), i, evals[i].M)
			}
			eg := classRows(el, k)
			est, err := analyseMulti(evals[i], eg, p.EpsSq, fb, false, workers)
			if err != nil {
				return err
			}
			lr.Eval = append(lr.Eval, ratesOf(est, eg))
		}
		tr.Layers = append(tr.Layers, lr)
		if opt.OnLayer != nil {
			opt.OnLayer(lr)
		}
	}
	tr.Features = n.finish(tfm, s)
	tr.Eval = nil
	for _, e := range evals {
		tr.Eval = append(tr.Eval, n.finish(tfm, e))
	}
	return nil
}
