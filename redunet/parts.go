package redunet

import (
	"fmt"
	"slices"
)

// This file splits a layer's statistics by frequency bin and joins the
// layer back from the factorisations of the parts: what a distributed run
// keys its reduction by, so that no worker holds every bin's sums when they
// are large. Bins are independent in the factorisation, so
//
//	JoinLayers(Factor(p) for p in s.Split(n)) = Factor(s)
//
// bit for bit, operators and rates alike.

// Split splits s by frequency bin into at most parts parts (parts < 1 is
// taken as 1), of contiguous bins and widths that differ by at most one,
// in bin order. The parts share s's memory: s must not be used afterwards.
// A part merges with the same part of the statistics of other samples
// (Merge), and factorises on its own (Net.Factor) into the part of a
// layer that JoinLayers joins to the others.
func (s *Stats) Split(parts int) []*Stats {
	w := s.width()
	parts = max(1, min(parts, w))
	out := make([]*Stats, parts)
	for i := range out {
		a, b := i*w/parts, (i+1)*w/parts
		t := &Stats{shape: s.shape, lo: s.lo + a, bins: s.bins}
		if s.r != nil {
			t.r = s.r.slice(a, b)
		} else {
			t.c = s.c.slice(a, b)
		}
		out[i] = t
	}
	return out
}

// slice returns the statistics of bins a…b−1 of s, sharing its memory.
func (s *stats[T]) slice(a, b int) *stats[T] {
	c := s.c
	t := &stats[T]{c: c, w: s.w[a:b:b], fullBins: s.fullBins, groups: make([]groupStat[T], len(s.groups))}
	for g, gs := range s.groups {
		ts := groupStat[T]{n: gs.n}
		if gs.gram != nil {
			ts.gram = gs.gram[a*c*c : b*c*c : b*c*c]
		}
		if gs.rows != nil {
			ts.rows = gs.rows[a*gs.n*c : b*gs.n*c : b*gs.n*c]
		}
		t.groups[g] = ts
	}
	return t
}

// JoinLayers joins the parts of one layer, factorised from the parts of
// its statistics (Stats.Split, Net.Factor), into the layer, in any order:
// they must be of the same net and samples and together cover every bin
// once. The result equals the layer that Net.Factor makes of the whole
// statistics, bit for bit, and has its rates (InputRates). It copies the
// operators: the parts can be dropped.
func JoinLayers(parts []*Layer) (*Layer, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("redunet: JoinLayers: no parts")
	}
	ps := slices.Clone(parts)
	slices.SortFunc(ps, func(a, b *Layer) int { return a.lo - b.lo })
	f := ps[0]
	kind := func(l *Layer) [5]bool {
		return [5]bool{l.c != nil, l.r != nil, l.c32 != nil, l.r32 != nil, l.r != nil || l.r32 != nil || len(l.shape) == 0}
	}
	next := 0
	for i, p := range ps {
		lo, hi := p.Bins()
		switch {
		case !slices.Equal(p.shape, f.shape) || p.k != f.k || p.bins != f.bins || p.full != f.full || p.params != f.params || kind(p) != kind(f):
			return nil, fmt.Errorf("redunet: JoinLayers: part %d (bins %d…%d) is of another net than part 0", i, lo, hi-1)
		case !slices.Equal(p.counts, f.counts):
			return nil, fmt.Errorf("redunet: JoinLayers: part %d (bins %d…%d) is of other samples (class sizes %v, not %v)", i, lo, hi-1, p.counts, f.counts)
		case lo != next:
			return nil, fmt.Errorf("redunet: JoinLayers: the parts do not cover bins %d…%d once (a part starts at bin %d)", 0, f.bins-1, lo)
		}
		next = hi
	}
	if next != f.bins {
		return nil, fmt.Errorf("redunet: JoinLayers: the parts end at bin %d of %d", next, f.bins)
	}
	l := &Layer{shape: f.shape, k: f.k, params: f.params, workers: f.workers, lo: 0, bins: f.bins, full: f.full, counts: slices.Clone(f.counts)}
	ng := f.k + 1
	for g := 0; g < ng; g++ {
		for _, p := range ps {
			w := len(p.ldBin) / ng
			l.ldBin = append(l.ldBin, p.ldBin[g*w:(g+1)*w]...)
		}
	}
	var err error
	switch {
	case f.c != nil:
		l.c, err = joinOps(ps, func(p *Layer) *layerOps[complex128] { return p.c })
	case f.r != nil:
		l.r, err = joinOps(ps, func(p *Layer) *layerOps[float64] { return p.r })
	case f.c32 != nil:
		l.c32, err = joinOps(ps, func(p *Layer) *layerOps[complex64] { return p.c32 })
	case f.r32 != nil:
		l.r32, err = joinOps(ps, func(p *Layer) *layerOps[float32] { return p.r32 })
	}
	if err != nil {
		return nil, err
	}
	l.rates = ratesFrom(sumLD(l.ldBin, ng, l.full), l.counts)
	return l, nil
}

// joinOps concatenates the operators of the parts ps, in bin order.
func joinOps[T scalar](ps []*Layer, of func(*Layer) *layerOps[T]) (*layerOps[T], error) {
	f := of(ps[0])
	out := &layerOps[T]{c: f.c, gamma: slices.Clone(f.gamma), ops: make([]binOp[T], len(f.ops))}
	for g, op := range f.ops {
		out.ops[g] = binOp[T]{a: op.a, r: op.r}
	}
	for i, p := range ps {
		lo := of(p)
		if lo == nil || lo.c != f.c || len(lo.ops) != len(f.ops) {
			return nil, fmt.Errorf("redunet: JoinLayers: part %d has no operators or others than part 0", i)
		}
		out.w = append(out.w, lo.w...)
		for g, op := range lo.ops {
			o := &out.ops[g]
			if op.a != o.a || op.r != o.r || (op.dense == nil) != (f.ops[g].dense == nil) {
				return nil, fmt.Errorf("redunet: JoinLayers: part %d has other operators than part 0", i)
			}
			o.dense = append(o.dense, op.dense...)
			o.y = append(o.y, op.y...)
			o.yh = append(o.yh, op.yh...)
		}
	}
	return out, nil
}
