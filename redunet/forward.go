package redunet

import (
	"math"

	"github.com/redunet-go/redunet/conv"
)

// This file is stage (c) of a layer, its application to samples: the one
// forward step of every ReduNet — the class norms ‖C_j z‖, the soft
// assignment π̂, the update z + η·(E z − Σ_j γ_j·π̂_j·C_j z), and the
// normalisation — computed bin by bin with the per-sample sums over bins
// taken in a fixed order.

// forwardScratch is the large scratch of forward, kept between the calls of
// one pass (every layer, every set) so that it is allocated once.
type forwardScratch[T scalar] struct {
	store   []T
	contrib []float64
}

// grow returns (*buf)[:n], reallocating *buf if it is too short.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// chunkValues bounds the scratch of a forward pass, in elements, and
// maxChunk the samples of a chunk, which keeps the working set of a
// chunk's products small for wide vectors (shift-invariant chunks are
// smaller anyway).
var chunkValues = 1 << 23 // a variable so that tests can make chunks small

const maxChunk = 256

// forward applies the layer l in place to the samples b, normalising every
// sample, and returns ŷ; it writes π̂ (M×K) to pi unless pi is nil. Samples
// are processed in chunks; within a chunk bins are spread over workers, and
// every per-sample sum runs over bins in a fixed order, so the result does
// not depend on the number of workers or the chunking.
//
// Per bin and chunk X (c×n), the first pass keeps what the update needs:
// U = D·X for a dense operator, and for a low-rank one a·I − a²·YᴴY only
// T' = −a·Y·X (r×n: r values a sample instead of c), as its output is
// a·(X + Yᴴ·T'). A class's output is formed once more in per-worker
// scratch for its norm ‖C_j X‖ = a·‖X + Yᴴ·T'‖. The second pass is the
// update X + Σ_g coef_g·U_g: X scaled by 1 + Σ_low-rank coef_g·a_g, the
// dense outputs added, and Yᴴ·(coef_g·a_g·T') for each low-rank operator
// (one product of c×r by r×n). The store of a chunk is so r/c of what the
// outputs themselves would take, for one more product per low-rank class.
//
// With oracle (labels of b's samples, Params.Oracle) every sample moves
// with the one-hot π̂ of its label; ŷ and π̂ are still the estimate's.
func forward[T scalar](k applyKernels[T], b *blocks[T], l *layerOps[T], p Params, workers int, pi []float64, oracle []int, sc *forwardScratch[T]) []int {
	c, m, bins, nk := b.c, b.m, b.bins(), len(l.gamma)
	yhat := make([]int, m)
	if m == 0 {
		return yhat
	}
	ops := l.ops
	// Per sample and bin: X, then per operator its output (c values) or T'
	// (r values) at off[g].
	off := make([]int, len(ops))
	per := c
	for g, op := range ops {
		off[g] = per
		switch {
		case op.r > 0:
			per += op.r
		case op.dense != nil:
			per += c
		}
	}
	nc := max(1, min(m, maxChunk, chunkValues/(bins*per)))
	// A batch that fits in one chunk without its own copy in the store (an
	// evaluation set's chunk, stream.go) moves in place: X is its block,
	// and the store keeps only the operators' parts.
	inplace := m <= min(maxChunk, chunkValues/(bins*max(1, per-c)))
	if inplace {
		nc, per = m, per-c
		for g := range off {
			off[g] -= c
		}
	}
	if sc == nil {
		sc = new(forwardScratch[T])
	}
	store := grow(&sc.store, bins*per*nc)
	contrib := grow(&sc.contrib, bins*(nk+1)*nc) // [bin][class j, or nk for the new norm][sample]
	coef := make([]float64, nc*(nk+1))
	// The step: z + η·(…) as it is, unless η·a_E is so large that it could
	// overflow (|E z| ≤ a_E, |Σ_j γ_j·π̂_j·C_j z| ≤ a_E): then the same
	// direction as 2^−k·z + (η·2^−k)·(…), 2^k ≥ η, which is normalised alike.
	eta, shrink := p.Eta, 0.0
	if len(ops) > 0 && eta > 1 && eta*ops[0].a > maxStep {
		frac, e := math.Frexp(eta)
		eta, shrink = frac, math.Ldexp(1, -e)
	}
	norms := make([]float64, nk)
	scale := make([]float64, nc)
	workers = workerCount(workers, bins)
	type wscratch struct {
		u []T
		f []float64
	}
	ws := make([]wscratch, workers)
	for w := range ws {
		ws[w] = wscratch{u: make([]T, c*nc), f: make([]float64, nc)}
	}
	for i0 := 0; i0 < m; i0 += nc {
		n := min(nc, m-i0)
		// Gather the chunk, apply every operator, and the class norms' per-bin parts.
		conv.Parallel(bins, workers, func(w, lo, hi int) {
			for bin := lo; bin < hi; bin++ {
				st := store[bin*per*n : (bin+1)*per*n]
				var xb []T
				if inplace {
					xb = b.block(bin)
				} else {
					xb = st[:c*n]
					k.copyCols(xb, b.block(bin), c, m, i0, n)
				}
				wt := b.w[bin]
				cb := contrib[bin*(nk+1)*nc : (bin+1)*(nk+1)*nc]
				for g := range ops {
					op := &ops[g]
					var u []T
					nw := wt // the weight of ‖u‖² in the norm
					switch {
					case op.r > 0:
						r := op.r
						t := st[off[g]*n : (off[g]+r)*n]
						k.mulBlock(t, op.y[bin*r*c:(bin+1)*r*c], xb, r, c, n, 0)
						k.scale(t, -op.a)
						if g == 0 {
							continue
						}
						u = ws[w].u[:c*n]
						copy(u, xb)
						k.mulAdj(u, op.y[bin*r*c:(bin+1)*r*c], op.yh[bin*c*r:(bin+1)*c*r], t, r, c, n, 1)
						nw = wt * op.a * op.a // C_j X = a·u; a ≤ 2^500 (maxRateCoef)
					case op.dense != nil:
						u = st[off[g]*n : (off[g]+c)*n]
						k.mulHerm(u, op.dense[bin*c*c:(bin+1)*c*c], xb, c, n)
						if g == 0 {
							continue
						}
					default:
						continue // an empty class: no operator, γ_j = 0
					}
					row := cb[(g-1)*nc : (g-1)*nc+n]
					clear(row)
					k.addSqNorms(row, u, c, nw)
				}
			}
		})
		// The soft assignment of every sample of the chunk: sums over bins in order.
		for t := 0; t < n; t++ {
			for j := 0; j < nk; j++ {
				sum := 0.0
				for bin := 0; bin < bins; bin++ {
					sum += contrib[(bin*(nk+1)+j)*nc+t]
				}
				// No overflow: ‖C_j z‖ ≤ a_j·‖z‖ ≤ 2^500 (maxRateCoef, ‖z‖ = 1);
				// an underflow is below the 1e-8 clamp.
				norms[j] = math.Sqrt(sum)
			}
			label := -1
			if oracle != nil {
				label = oracle[i0+t]
			}
			yhat[i0+t] = softAssign(coef[t*(nk+1):(t+1)*(nk+1)], norms, l.gamma, p.Lambda, eta, p.Hard, label)
			if pi != nil {
				copy(pi[(i0+t)*nk:(i0+t+1)*nk], norms)
			}
		}
		// The update X + Σ_g coef_g·U_g, and the per-bin parts of the new norms.
		conv.Parallel(bins, workers, func(w, lo, hi int) {
			f := ws[w].f[:n]
			for bin := lo; bin < hi; bin++ {
				st := store[bin*per*n : (bin+1)*per*n]
				var xb []T
				if inplace {
					xb = b.block(bin)
				} else {
					xb = st[:c*n]
				}
				// X·(1 or 2^−k, + Σ_low-rank coef_g·a_g), then the dense outputs.
				base := 1.0
				if shrink != 0 {
					base = shrink
				}
				for t := range f {
					f[t] = base
					for g := range ops {
						if ops[g].r > 0 {
							f[t] += coef[t*(nk+1)+g] * ops[g].a
						}
					}
				}
				k.scaleCols(xb, xb, c, f)
				for g := range ops {
					if ops[g].r > 0 || ops[g].dense == nil {
						continue
					}
					for t := range f {
						f[t] = coef[t*(nk+1)+g]
					}
					k.axpyCols(xb, st[off[g]*n:(off[g]+c)*n], c, f)
				}
				// + Yᴴ·(coef_g·a_g·T') for each low-rank operator.
				for g := range ops {
					op := &ops[g]
					if op.r == 0 {
						continue
					}
					r := op.r
					t := st[off[g]*n : (off[g]+r)*n]
					for i := range f {
						f[i] = coef[i*(nk+1)+g] * op.a
					}
					k.scaleCols(t, t, r, f)
					k.mulAdj(xb, op.y[bin*r*c:(bin+1)*r*c], op.yh[bin*c*r:(bin+1)*c*r], t, r, c, n, 1)
				}
				row := contrib[bin*(nk+1)*nc+nk*nc : bin*(nk+1)*nc+nk*nc+n]
				clear(row)
				k.addSqNorms(row, xb, c, b.w[bin])
			}
		})
		for t := 0; t < n; t++ {
			sum := 0.0
			for bin := 0; bin < bins; bin++ {
				sum += contrib[(bin*(nk+1)+nk)*nc+t]
			}
			if safeSq(sum) {
				scale[t] = 1 / math.Sqrt(sum)
				continue
			}
			if inplace {
				scale[t] = rescaleCol(k, b.data, b.w, c*n, c, n, t)
			} else {
				scale[t] = rescaleCol(k, store, b.w, per*n, c, n, t)
			}
		}
		// Normalise (and scatter back).
		conv.Parallel(bins, workers, func(_, lo, hi int) {
			for bin := lo; bin < hi; bin++ {
				if inplace {
					xb := b.block(bin)
					k.scaleCols(xb, xb, c, scale[:n])
					continue
				}
				xb := store[bin*per*n : bin*per*n+c*n]
				k.scatterCols(b.block(bin), xb, c, m, i0, scale[:n])
			}
		})
	}
	return yhat
}

// inplaceChunk returns the largest batch that moves through a layer in
// place (see forward) when its groups — the whole set, then each class —
// have the given sizes: what the store keeps of the operators' outputs is
// fixed by those sizes alone.
func inplaceChunk(c, bins int, sizes []int) int {
	per := 0
	for _, g := range sizes {
		per += opValues(g, c)
	}
	return int(inplaceSamples(int64(per), int64(bins)))
}

// opValues is what the forward store keeps, per sample and bin, of the
// operator of a group of g samples: nothing for an empty group, its r = g
// coefficients in the low-rank form, else its c-valued output.
func opValues(g, c int) int {
	switch {
	case g == 0:
		return 0
	case lowRank(g, c):
		return g
	}
	return c
}

// inplaceSamples is inplaceChunk for per values a sample and bin kept in
// the store over bins bins: at most maxChunk samples and chunkValues values.
func inplaceSamples(per, bins int64) int64 {
	per, bins = max(1, per), max(1, bins)
	if per > int64(chunkValues)/bins {
		return 1
	}
	return max(1, min(maxChunk, int64(chunkValues)/(bins*per)))
}

// maxStep bounds η·a_E for the step z + η·(…) to be formed as it is: its
// size is at most 1 + 2·η·a_E, far below the overflow threshold 2^1024.
const maxStep = 0x1p999

// Squared norms in [minSafeSq, MaxFloat64] were summed without overflow or
// a loss of precision to underflow (squares below 2^−1022 are less than
// 2^−122 of such a sum), so dividing by their root is exactly what dividing
// a rescaled sample would give. Outside it a sample is first scaled by the
// power of two of its largest magnitude — exactly, up to subnormal parts
// far below its rounding — and only then by its 2-norm: normalisation is
// scale-proof, and a zero sample stays zero.
const minSafeSq = 0x1p-900

func safeSq(s float64) bool { return s >= minSafeSq && s <= math.MaxFloat64 }

// normalizeRows scales each row of z (d columns) to unit L2 norm, scale-
// proof (see minSafeSq): any positive multiple of a row gives the same row
// to rounding; a zero row stays zero.
func normalizeRows(z []float64, d int) {
	for i := 0; i+d <= len(z); i += d {
		row := z[i : i+d]
		s := 0.0
		for _, v := range row {
			s += v * v
		}
		if !safeSq(s) {
			mx := 0.0
			for _, v := range row {
				mx = max(mx, math.Abs(v))
			}
			if !(mx > 0 && mx <= math.MaxFloat64) {
				continue // zero (or not finite, which the callers exclude)
			}
			_, e := math.Frexp(mx)
			scaleExp(row, -e)
			s = 0
			for _, v := range row {
				s += v * v
			}
		}
		inv := 1 / math.Sqrt(s)
		for j := range row {
			row[j] *= inv
		}
	}
}

// scaleExp multiplies every element of v by 2^e: exactly, unless a result
// is subnormal (then rounded).
func scaleExp(v []float64, e int) {
	if e == 0 {
		return
	}
	if e >= -1000 && e <= 1000 {
		s := math.Ldexp(1, e)
		for i := range v {
			v[i] *= s
		}
		return
	}
	for i := range v {
		v[i] = math.Ldexp(v[i], e)
	}
}

// scaleToUnitMax scales v by the power of two that brings its largest
// magnitude into [½, 1), exactly (up to subnormal parts); a zero v is left
// as it is.
func scaleToUnitMax(v []float64) {
	mx := 0.0
	for _, x := range v {
		mx = max(mx, math.Abs(x))
	}
	if mx > 0 && mx <= math.MaxFloat64 {
		_, e := math.Frexp(mx)
		scaleExp(v, -e)
	}
}

// rescaleCol scales sample t of a forward chunk (its values at bin p are
// column t of the c×n block at store[p·stride:]) by the power of two of
// its largest magnitude, exactly, and returns 1/‖·‖ of the result, summed
// over bins in order, or 0 for a zero sample.
func rescaleCol[T scalar](k applyKernels[T], store []T, w []float64, stride, c, n, t int) float64 {
	mx := 0.0
	for bin := range w {
		mx = max(mx, k.colMaxAbs(store[bin*stride:bin*stride+c*n], c, n, t))
	}
	if !(mx > 0 && mx <= math.MaxFloat64) {
		return 0
	}
	_, e := math.Frexp(mx)
	sum := 0.0
	for bin, wt := range w {
		x := store[bin*stride : bin*stride+c*n]
		k.colLdexp(x, c, n, t, -e)
		sum += wt * k.colSqNorm(x, c, n, t)
	}
	return 1 / math.Sqrt(sum)
}
