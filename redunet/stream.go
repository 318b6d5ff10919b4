package redunet

import (
	"context"

	"github.com/redunet-go/redunet/conv"
)

// An evaluation set is not held in the layers' basis through the pass, as
// the training set is: it stays in the signal domain, prepared (the array
// that becomes its features), and every layer moves it in chunks — a
// chunk is transformed, the layer applied, and transformed back in place.
// So a pass holds an evaluation set's own features and a chunk's spectra,
// whatever its size, for two real FFTs per sample and layer (a few per
// cent of the layer's own cost). A chunk's result does not depend on the
// chunk: every sample is transformed and moved on its own.

// streamValues bounds the spectra of one chunk of an evaluation set, in
// complex values.
const streamValues = 1 << 22

// evalStream is one evaluation set in a construction pass: m samples of
// the net's prepared input z (m×C×Shape), moved in place.
type evalStream struct {
	n  *Net
	t  *conv.Transformer // nil for a net with one real bin
	z  []float64
	m  int
	nc int           // samples per chunk
	sp *[]complex128 // a chunk's spectra, shared by the sets of a pass
	w  []float64     // the bins' weights
}

func (n *Net) newEvalStream(z []float64, t *conv.Transformer, sp *[]complex128) *evalStream {
	per := n.FeatureLen()
	m := len(z) / max(per, 1)
	s := &evalStream{n: n, t: t, z: z, m: m, sp: sp}
	if n.realBins() {
		// The samples are the real backend's sample-major blocks: a chunk
		// is a view of z, moved with no copy.
		s.nc = max(1, m)
		return s
	}
	bins := n.Shape.Bins()
	s.w = n.Shape.Weights()
	s.nc = max(1, min(m, streamValues/max(1, bins*n.C)))
	return s
}

// apply moves every sample of the set through layer l, writing π̂ to pi
// unless it is nil, and returns ŷ; with classes (the rows of each class,
// nil for none) it also returns the statistics of the moved samples under
// them, merged over the chunks.
func (s *evalStream) apply(ctx context.Context, l *Layer, pi []float64, classes [][]int) ([]int, *Stats, error) {
	n, per, k := s.n, s.n.FeatureLen(), s.n.K
	yhat := make([]int, 0, s.m)
	var st *Stats
	// The chunk each sample of a class falls into, for the statistics.
	var chunkRows [][]int
	for i0 := 0; i0 < s.m || (i0 == 0 && s.m == 0); i0 += s.nc {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		nb := min(s.nc, s.m-i0)
		z := s.z[i0*per : (i0+nb)*per]
		var b *Batch
		if n.realBins() {
			b = &Batch{shape: n.Shape, channels: n.C, r: &blocks[float64]{m: nb, c: n.C, w: []float64{1}, data: z}}
		} else {
			sp := &conv.Spectra{M: nb, C: n.C, Shape: n.Shape, Data: grow(s.sp, n.Shape.Bins()*n.C*nb), W: s.w}
			sp = s.t.Forward(sp, z, nb, n.C)
			b = &Batch{shape: n.Shape, channels: n.C, c: &blocks[complex128]{m: nb, c: n.C, w: sp.W, data: sp.Data}}
		}
		var p []float64
		if pi != nil {
			p = pi[i0*k : (i0+nb)*k]
		}
		yhat = append(yhat, l.Apply(b, p)...)
		if classes != nil {
			chunkRows = chunkClasses(chunkRows, classes, i0, nb)
			cs := n.statistics(b, chunkRows, true)
			if st == nil {
				st = cs
			} else if err := st.Merge(cs); err != nil {
				return nil, nil, err
			}
			probeHeap()
		}
		if !n.realBins() {
			s.t.Inverse(z, &conv.Spectra{M: nb, C: n.C, Shape: n.Shape, Data: b.c.data, W: b.c.w})
		}
		if s.m == 0 {
			break
		}
	}
	return yhat, st, nil
}

// chunkClasses sets rows[j] to the rows of class j that fall in the chunk
// of nb samples from i0, counted from the chunk's start.
func chunkClasses(rows [][]int, classes [][]int, i0, nb int) [][]int {
	if rows == nil {
		rows = make([][]int, len(classes))
	}
	for j, c := range classes {
		rows[j] = rows[j][:0]
		for _, i := range c {
			if i >= i0 && i < i0+nb {
				rows[j] = append(rows[j], i-i0)
			}
		}
	}
	return rows
}
