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

// chunkValues bounds the scratch of a forward pass, in elements.
const chunkValues = 1 << 23

// forward applies the layer l in place to the samples b, normalising every
// sample, and returns ŷ; it writes π̂ (M×K) to pi unless pi is nil. Samples
// are processed in chunks; within a chunk bins are spread over workers, and
// every per-sample sum runs over bins in a fixed order, so the result does
// not depend on the number of workers or the chunking.
//
// Per bin and chunk X (c×n): a dense operator D gives U = D·X; a low-rank
// one a·I − a²·YᴴY gives T = Y·X (r×n), from which the class norm is taken
// through a scratch a·X − a²·Yᴴ·T, and the update adds coef·a·X −
// Yᴴ·(coef·a²·T) without forming the c×n product per class.
func forward[T scalar](k kernels[T], b *blocks[T], l *layerOps[T], p Params, workers int, pi []float64, sc *forwardScratch[T]) []int {
	c, m, bins, nk := b.c, b.m, b.bins(), len(l.gamma)
	yhat := make([]int, m)
	if m == 0 {
		return yhat
	}
	ops := l.ops
	// Per sample and bin: X, then c values per dense operator or r per
	// low-rank one, at these offsets (in units of the chunk size n).
	per := c
	off := make([]int, len(ops))
	for g := range ops {
		off[g] = per
		if ops[g].r > 0 {
			per += ops[g].r
		} else if ops[g].dense != nil {
			per += c
		}
	}
	nc := max(1, min(m, chunkValues/(bins*per)))
	if sc == nil {
		sc = new(forwardScratch[T])
	}
	store := grow(&sc.store, bins*per*nc)
	contrib := grow(&sc.contrib, bins*(nk+1)*nc) // [bin][class j, or nk for the new norm][sample]
	coef := make([]float64, nc*(nk+1))
	norms := make([]float64, nk)
	scale := make([]float64, nc)
	workers = workerCount(workers, bins)
	type wscratch struct {
		q []T
		f []float64
	}
	ws := make([]wscratch, workers)
	for w := range ws {
		ws[w] = wscratch{q: make([]T, c*nc), f: make([]float64, nc)}
	}
	for i0 := 0; i0 < m; i0 += nc {
		n := min(nc, m-i0)
		// Gather the chunk, apply every operator, and the class norms' per-bin parts.
		conv.Parallel(bins, workers, func(w, lo, hi int) {
			q := ws[w].q[:c*n]
			for bin := lo; bin < hi; bin++ {
				st := store[bin*per*n : (bin+1)*per*n]
				xb := st[:c*n]
				k.copyCols(xb, b.block(bin), c, m, i0, n)
				wt := b.w[bin]
				cb := contrib[bin*(nk+1)*nc : (bin+1)*(nk+1)*nc]
				for g := range ops {
					op := &ops[g]
					var u []T
					switch {
					case op.r > 0:
						r := op.r
						t := st[off[g]*n : (off[g]+r)*n]
						k.mulBlock(t, op.y[bin*r*c:(bin+1)*r*c], xb, r, c, n, 0)
						if g == 0 {
							continue
						}
						// q = a·X − a²·Yᴴ·T, for the norm only.
						copy(q, xb)
						k.scale(q, op.a)
						aa := -op.a * op.a
						k.scale(t, aa)
						k.mulBlock(q, op.yh[bin*c*r:(bin+1)*c*r], t, c, r, n, 1)
						k.scale(t, 1/aa)
						u = q
					case op.dense != nil:
						u = st[off[g]*n : (off[g]+c)*n]
						k.mulBlock(u, op.dense[bin*c*c:(bin+1)*c*c], xb, c, c, n, 0)
						if g == 0 {
							continue
						}
					default:
						continue // an empty class: no operator, γ_j = 0
					}
					row := cb[(g-1)*nc : (g-1)*nc+n]
					clear(row)
					k.addSqNorms(row, u, c, wt)
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
				norms[j] = math.Sqrt(sum)
			}
			yhat[i0+t] = softAssign(coef[t*(nk+1):(t+1)*(nk+1)], norms, l.gamma, p.Lambda, p.Eta)
			if pi != nil {
				copy(pi[(i0+t)*nk:(i0+t+1)*nk], norms)
			}
		}
		// The update, and the per-bin parts of the new norms.
		conv.Parallel(bins, workers, func(w, lo, hi int) {
			f := ws[w].f[:n]
			for bin := lo; bin < hi; bin++ {
				st := store[bin*per*n : (bin+1)*per*n]
				xb := st[:c*n]
				// The per-sample factor on X: 1 + Σ_low-rank coef·a.
				for t := range f {
					v := 1.0
					for g := range ops {
						if ops[g].r > 0 {
							v += coef[t*(nk+1)+g] * ops[g].a
						}
					}
					f[t] = v
				}
				k.scaleCols(xb, xb, c, f)
				for g := range ops {
					op := &ops[g]
					for t := range f {
						f[t] = coef[t*(nk+1)+g]
					}
					switch {
					case op.r > 0:
						r := op.r
						t := st[off[g]*n : (off[g]+r)*n]
						for i := range f {
							f[i] *= -op.a * op.a
						}
						k.scaleCols(t, t, r, f)
						k.mulBlock(xb, op.yh[bin*c*r:(bin+1)*c*r], t, c, r, n, 1)
					case op.dense != nil:
						k.axpyCols(xb, st[off[g]*n:(off[g]+c)*n], c, f)
					}
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
			scale[t] = 1 / math.Max(math.Sqrt(sum), normClamp)
		}
		// Normalise and scatter back.
		conv.Parallel(bins, workers, func(_, lo, hi int) {
			for bin := lo; bin < hi; bin++ {
				xb := store[bin*per*n : bin*per*n+c*n]
				k.scatterCols(b.block(bin), xb, c, m, i0, scale[:n])
			}
		})
	}
	return yhat
}

// normClamp is the lower bound on every norm that is divided by.
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
