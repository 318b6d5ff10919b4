package redunet

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/redunet-go/redunet/conv"
)

// This file is stage (b) of a layer: the factorisation of its statistics,
// bin by bin, into log-determinants (the rates) and operators (the layer).

// errNotPD is the error of an I + a·Σ that cannot be factorised. Σ is a
// Gram sum, positive semi-definite up to its rounding, ~2^−52·‖Σ‖ ≤
// 2^−52·n, so for finite features this happens only when a·n·2^−52 is not
// small, the identity drowned in the rounding of a·Σ: ε² is too small for
// the precision of the features.
func errNotPD(epsSq float64, c, n int) error {
	a := rateCoef(c, n, epsSq)
	if a*float64(n) > 0x1p40 {
		return fmt.Errorf("redunet: eps2 (ε²) = %g is too small: I + a·Σ is not numerically positive definite, a = C/(m·ε²) = %g for a group of %d samples of %d channels being so large that the identity is below the rounding of a·Σ", epsSq, a, n, c)
	}
	return errors.New("redunet: I + a·Σ is not positive definite (NaN or Inf in the features?)")
}

// maxRateCoef bounds the rate coefficient a = C/(n·ε²) of every group: the
// operators are formed with a² (a·I − a²·YᴴY) and their outputs, of size up
// to a, are summed and squared, all of which stays finite below 2^500.
const maxRateCoef = 0x1p500

// errEpsSq is the error of an ε² too small for a group of n samples of c
// channels: its rate coefficient a = C/(n·ε²) exceeds maxRateCoef (or is
// not finite).
func errEpsSq(epsSq float64, c, n int) error {
	return fmt.Errorf("redunet: eps2 (ε²) = %g is too small: the rate coefficient a = C/(m·ε²) of a group of %d sample(s) of %d channels is %g, beyond 2^500 (want ε² ≥ %.3g)",
		epsSq, n, c, float64(c)/(float64(n)*epsSq), float64(c)/float64(n)/maxRateCoef)
}

// binOp is one group's operator a·(I + a·Σ_g(p))⁻¹ at every bin, in the form
// that is cheaper to apply: dense c×c blocks, or, for a group of r samples
// with lowRank(r, c), a·I − a²·YᴴY with Y = L⁻¹·V_gᴴ (r×c), L·Lᴴ the kernel
// form I + a·V_gᴴV_g.
type binOp[T scalar] struct {
	a     float64
	r     int // rank of the low-rank form; 0 when dense
	dense []T // bins×c×c
	y, yh []T // bins×r×c and bins×c×r (Y and Yᴴ)
}

// layerOps are the operators of one layer: E (group 0) and C_j (1+j), with
// the class fractions γ_j.
type layerOps[T scalar] struct {
	c     int
	w     []float64
	ops   []binOp[T]
	gamma []float64
}

// factor factorises I + a_g·Σ_g(p) for every bin p and group g of st and
// returns the weighted log-determinants w_p·logdet(I + a_g·Σ_g(p)), at
// [g·bins+p] (sumLD adds them up). With needOps it
// also returns the operators, built in st's memory: st is then consumed.
// Bins are spread over workers with per-worker scratch; the per-bin values
// are summed over bins in a fixed order, so nothing depends on the number of
// workers.
func factor[T scalar](k kernels[T], st *stats[T], epsSq float64, needOps bool, workers int) ([]float64, *layerOps[T], error) {
	c, bins, ng := st.c, len(st.w), len(st.groups)
	for _, gs := range st.groups {
		if gs.n > 0 && !(rateCoef(c, gs.n, epsSq) <= maxRateCoef) {
			return nil, nil, errEpsSq(epsSq, c, gs.n)
		}
	}
	var lo *layerOps[T]
	if needOps {
		lo = &layerOps[T]{c: c, w: st.w, ops: make([]binOp[T], ng), gamma: make([]float64, ng-1)}
		m := st.groups[0].n
		for g := range st.groups {
			gs := &st.groups[g]
			if g > 0 {
				lo.gamma[g-1] = float64(gs.n) / float64(m)
			}
			if gs.n == 0 {
				continue // γ_j = 0: no effect
			}
			op := binOp[T]{a: rateCoef(c, gs.n, epsSq)}
			switch {
			case gs.gram != nil:
				op.dense = gs.gram
			case lowRank(gs.n, c):
				op.r = gs.n
				op.y = gs.rows
				op.yh = make([]T, bins*c*gs.n)
			default:
				op.dense = make([]T, bins*c*c)
			}
			lo.ops[g] = op
		}
	}
	sz := 0 // the largest matrix factorised: c×c for Gram sums, n×n for n samples
	for _, gs := range st.groups {
		if gs.gram != nil {
			sz = max(sz, c)
		} else {
			sz = max(sz, gs.n)
		}
	}
	workers = workerCount(workers, bins)
	type scratch struct{ a, work []T }
	sc := make([]scratch, workers)
	for w := range sc {
		sc[w] = scratch{a: make([]T, sz*sz), work: make([]T, c*max(c, sz))}
	}
	ldBin := make([]float64, ng*bins) // [g*bins+p]
	failed := make([]int, workers)    // 1 + the group that failed, 0 if none
	conv.Parallel(bins, workers, func(w, lo0, hi int) {
		s := &sc[w]
		for p := lo0; p < hi; p++ {
			for g := range st.groups {
				gs := &st.groups[g]
				n := gs.n
				if n == 0 {
					continue
				}
				a := rateCoef(c, n, epsSq)
				if gs.gram != nil {
					// I + a·Σ, factorised in scratch; the operator a·(I + a·Σ)⁻¹
					// replaces Σ.
					sig := gs.gram[p*c*c : (p+1)*c*c]
					l := s.a[:c*c]
					copy(l, sig)
					k.scale(l, a)
					k.addDiag(l, c, 1)
					if !k.cholesky(l, c) {
						failed[w] = 1 + g
						return
					}
					ldBin[g*bins+p] = k.logdet(l, c)
					if needOps {
						k.inverse(sig, l, s.work, c, a)
					}
					continue
				}
				// The kernel form I + a·V_gᴴV_g = I + a·X·Xᴴ of the rows X = V_gᴴ.
				x := gs.rows[p*n*c : (p+1)*n*c]
				l := s.a[:n*n]
				k.gram(l, x, n, c, a)
				k.addDiag(l, n, 1)
				if !k.cholesky(l, n) {
					failed[w] = 1 + g
					return
				}
				ldBin[g*bins+p] = k.logdet(l, n)
				if !needOps {
					continue
				}
				k.solveRows(l, x, n, c) // Y = L⁻¹·X
				op := &lo.ops[g]
				if op.r > 0 {
					k.adjoint(op.yh[p*c*n:(p+1)*c*n], x, n, c)
					continue
				}
				// Dense: a·I − a²·YᴴY, the Gram matrix of the rows of Yᴴ.
				yh := s.work[:c*n]
				k.adjoint(yh, x, n, c)
				d := op.dense[p*c*c : (p+1)*c*c]
				k.gram(d, yh, c, n, -a*a)
				k.addDiag(d, c, a)
			}
		}
	})
	probeHeap()
	runtime.KeepAlive(sc)
	for _, g := range failed {
		if g > 0 {
			return nil, nil, errNotPD(epsSq, c, st.groups[g-1].n)
		}
	}
	for g := 0; g < ng; g++ {
		for p, wt := range st.w {
			ldBin[g*bins+p] *= wt
		}
	}
	if needOps {
		st.groups = nil
	}
	return ldBin, lo, nil
}

// sumLD returns per group (1/B)·Σ_p w_p·logdet(I + a_g·Σ_g(p)) of the
// weighted per-bin log-determinants ldBin ([g·bins+p], factor's), over
// fullBins = B bins of the full spectrum, summed in bin order.
func sumLD(ldBin []float64, ng, fullBins int) []float64 {
	bins := len(ldBin) / max(ng, 1)
	ld := make([]float64, ng)
	for g := range ld {
		sum := 0.0
		for _, v := range ldBin[g*bins : (g+1)*bins] {
			sum += v
		}
		ld[g] = sum / float64(fullBins)
	}
	return ld
}

// ratesFrom turns group log-determinants into rates.
func ratesFrom(ld []float64, counts []int) Rates {
	return combineRates(ld[0], ld[1:], counts)
}
