package redunet

import (
	"fmt"
	"math"
	"runtime"

	"github.com/redunet-go/redunet/conv"
)

// This file is stage (a) of a layer, the statistics of its input: per bin
// and per group of samples (the whole set, then each class), what the
// factorisation needs, in a form that adds over disjoint sets of samples.

// blocks are the samples of one set in the basis where the layers act: per
// kept bin p a contiguous c×m block (column i is sample i's channel vector,
// stored in the backend's order: see kernels), bin-major, with the bins'
// weights. For a shift-invariant net they are the half spectra of
// conv.Spectra; for a vector net there is one bin of weight 1 holding the
// samples as they are (m rows of d values).
type blocks[T scalar] struct {
	m, c int
	w    []float64
	data []T
}

func (b *blocks[T]) bins() int { return len(b.w) }

func (b *blocks[T]) block(p int) []T {
	n := b.c * b.m
	return b.data[p*n : (p+1)*n : (p+1)*n]
}

// groupStat are the statistics of one group of n samples at every bin, in
// the cheaper of two forms that determine the same operators:
//
//   - the Gram sums Σ_g(p) = V_g(p)·V_g(p)ᴴ (c×c per bin), when n ≥ c;
//   - the samples themselves as rows, V_g(p)ᴴ (n×c per bin: row t is the
//     conjugate of sample t's channel vector), when n < c: the n×n kernel
//     form I + a·V_gᴴV_g has the determinant of I + a·V_gV_gᴴ (Sylvester),
//     and the operator follows by Woodbury's identity.
//
// Both add over disjoint sets of samples: Gram sums by addition, rows by
// concatenation (turning into Gram sums once the group reaches c samples).
type groupStat[T scalar] struct {
	n    int
	gram []T // bins×c×c
	rows []T // bins×n×c
}

// stats are the statistics of a set of samples under one labelling: group 0
// is the whole set, group 1+j class j.
type stats[T scalar] struct {
	c        int
	w        []float64
	fullBins int // B, the number of bins of the full spectrum
	groups   []groupStat[T]
}

// gramForm reports whether a group of n samples of c channels keeps Gram
// sums (n ≥ c) rather than its samples. This is the one rule that chooses
// the form of a group, in the statistics and hence in the factorisation.
func gramForm(n, c int) bool { return n >= c || forceDense }

// lowRank reports whether the operator of a group of n < c samples is
// applied in its low-rank form a·I − a²·YᴴY (Y n×c): its output costs
// 2·n·c multiply-adds per sample and bin (Y·X, then Yᴴ·) against c² for
// the dense c×c operator.
func lowRank(n, c int) bool { return 2*n < c && !gramForm(n, c) }

// forceDense, set only by tests, makes every group keep Gram sums and so
// take the dense form, so that the kernel and low-rank forms can be checked
// against it.
var forceDense = false

func workerCount(workers, units int) int {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return max(1, min(workers, units))
}

// statistics computes the statistics of b grouped by classes (class j's
// sample indices in classes[j]); group 0 is every sample, or, unless all,
// left empty (for the rates of another labelling of samples whose whole-set
// log-determinant is known). Bins are spread over workers.
func statistics[T scalar](k kernels[T], b *blocks[T], classes [][]int, fullBins, workers int, all bool) *stats[T] {
	return statisticsOf(k, b.c, b.m, b.w, func(_, p int) []T { return b.block(p) }, classes, fullBins, workers, all)
}

// statisticsWide is statistics of blocks held in single precision (a
// float32 net's samples): each bin's block is widened, exactly, into
// per-worker scratch before its sums, which so run in float64.
func statisticsWide[N, T scalar](k kernels[T], b *blocks[N], widen func(dst []T, src []N), classes [][]int, fullBins, workers int, all bool) *stats[T] {
	wide := make([][]T, workerCount(workers, b.bins()))
	at := func(w, p int) []T {
		x := grow(&wide[w], b.c*b.m)
		widen(x, b.block(p))
		return x
	}
	return statisticsOf(k, b.c, b.m, b.w, at, classes, fullBins, workers, all)
}

// statisticsOf is statistics of the m samples of c channels whose block at
// bin p is blockAt(w, p) for worker w, over len(w) bins.
func statisticsOf[T scalar](k kernels[T], c, m int, wts []float64, blockAt func(w, p int) []T, classes [][]int, fullBins, workers int, all bool) *stats[T] {
	bins := len(wts)
	st := &stats[T]{c: c, w: wts, fullBins: fullBins, groups: make([]groupStat[T], 1+len(classes))}
	idx := append([][]int{nil}, classes...) // nil: every sample, in order
	maxN := 0
	for g := range st.groups {
		n := m
		if g > 0 {
			n = len(idx[g])
		} else if !all {
			n = 0
		}
		gs := &st.groups[g]
		gs.n = n
		switch {
		case n == 0:
		case gramForm(n, c):
			gs.gram = make([]T, bins*c*c)
		default:
			gs.rows = make([]T, bins*n*c)
		}
		if g > 0 {
			maxN = max(maxN, n)
		}
	}
	workers = workerCount(workers, bins)
	scratch := make([][]T, workers)
	for w := range scratch {
		scratch[w] = make([]T, c*maxN)
	}
	conv.Parallel(bins, workers, func(w, lo, hi int) {
		for p := lo; p < hi; p++ {
			blk := blockAt(w, p)
			for g := range st.groups {
				gs := &st.groups[g]
				n := gs.n
				if n == 0 {
					continue
				}
				x := blk
				if g > 0 {
					x = scratch[w][:c*n]
					k.gatherCols(x, blk, c, m, idx[g])
				}
				if gs.gram != nil {
					k.blockGram(gs.gram[p*c*c:(p+1)*c*c], x, c, n)
				} else {
					k.blockRows(gs.rows[p*n*c:(p+1)*n*c], x, c, n)
				}
			}
		}
	})
	probeHeap()
	runtime.KeepAlive(scratch)
	return st
}

// merge adds the statistics t of other samples (same channels, bins and
// grouping) to s.
func (s *stats[T]) merge(k kernels[T], t *stats[T]) error {
	if t.c != s.c || len(t.w) != len(s.w) || t.fullBins != s.fullBins || len(t.groups) != len(s.groups) {
		return fmt.Errorf("redunet: merging statistics of %d channels, %d bins, %d groups into %d channels, %d bins, %d groups",
			t.c, len(t.w), len(t.groups), s.c, len(s.w), len(s.groups))
	}
	c, bins := s.c, len(s.w)
	for g := range s.groups {
		a, b := &s.groups[g], &t.groups[g]
		n := a.n + b.n
		switch {
		case b.n == 0:
			continue
		case a.n == 0:
			*a = *b
			continue
		case !gramForm(n, c):
			rows := make([]T, bins*n*c)
			for p := 0; p < bins; p++ {
				copy(rows[p*n*c:], a.rows[p*a.n*c:(p+1)*a.n*c])
				copy(rows[p*n*c+a.n*c:], b.rows[p*b.n*c:(p+1)*b.n*c])
			}
			a.rows = rows
		default:
			a.toGram(k, c, bins)
			b.toGram(k, c, bins)
			for i, v := range b.gram {
				a.gram[i] += v
			}
		}
		a.n = n
	}
	return nil
}

// toGram turns a group kept as samples into Gram sums.
func (g *groupStat[T]) toGram(k kernels[T], c, bins int) {
	if g.gram != nil || g.n == 0 {
		return
	}
	n := g.n
	g.gram = make([]T, bins*c*c)
	v := make([]T, c*n)
	for p := 0; p < bins; p++ {
		k.adjoint(v, g.rows[p*n*c:(p+1)*n*c], n, c) // V_g (c×n), a matrix
		k.gram(g.gram[p*c*c:(p+1)*c*c], v, c, n, 1)
	}
	g.rows = nil
}

// counts returns the class sizes m_j (groups 1…).
func (s *stats[T]) counts() []int {
	n := make([]int, len(s.groups)-1)
	for j := range n {
		n[j] = s.groups[j+1].n
	}
	return n
}

// checkFinite reports the first non-finite value of x, a sample of d values
// each.
func checkFinite(x []float64, d int) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("redunet: sample %d has a non-finite value %v", i/d, v)
		}
	}
	return nil
}
