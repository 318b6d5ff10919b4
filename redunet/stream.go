package redunet

import (
	"context"
	"runtime"
	"unsafe"

	"github.com/redunet-go/redunet/conv"
)

// An evaluation set moves through the layers of a pass in chunks, in the
// layers' basis, in one allocation that also holds its features at the
// end: its half spectra take 2·B·C float64 values a sample, its features
// C·N ≤ 2·B·C (the half spectrum of a real signal has B ≥ N/2 bins), so the
// array that holds the set's prepared input (C·N values a sample, at the
// front) is made 2·B·C values a sample long and the spectra are written
// over it chunk by chunk from the last chunk back: chunk k's spectra start
// at sample i0's spectral offset i0·2BC ≥ i0·CN, past the input of every
// chunk before it, and its own input is transformed into a scratch buffer
// before its place is overwritten. At the end the chunks are transformed
// back the same way from the first chunk on, each into place i0·CN, before
// the spectra of chunk k+1 (at i1·2BC ≥ i1·CN). So a pass holds each
// evaluation set once — at most (W+1)/W times its features for images of W
// columns — and a chunk's scratch while it is transformed, with no
// transform between layers. A chunk's result does not depend on the chunk:
// every sample is transformed and moved on its own.
//
// A net with one real bin (a vector net) has no transform: its chunks are
// views of the prepared input, moved in place.

// streamValues bounds one chunk of an evaluation set, in complex values.
var streamValues = 1 << 22 // a variable so that tests can make chunks small

// evalStream is one evaluation set in a construction pass: m samples, held
// in buf (bin-major spectra per chunk, or for a real-bin net the prepared
// samples), moved in place.
type evalStream struct {
	n   *Net
	m   int
	nc  int          // samples per chunk
	buf []complex128 // m·B·C complex values (nil for a real-bin net)
	z   []float64    // the prepared input / features: the front of buf, or its own array
	w   []float64    // the bins' weights
}

// floats returns the float64 values of c's memory: 2·len(c) of them.
func floats(c []complex128) []float64 {
	if len(c) == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(c))), 2*len(c))
}

// newEvalStream prepares the evaluation set x and puts it in the layers'
// basis, in one array (see above).
func (n *Net) newEvalStream(x []float64, t *conv.Transformer) (*evalStream, error) {
	per := n.SampleLen()
	if len(x)%per != 0 {
		return nil, errNotSamples(len(x), n)
	}
	m := len(x) / per
	s := &evalStream{n: n, m: m}
	if n.realBins() {
		z, err := n.prepare(x)
		if err != nil {
			return nil, err
		}
		s.z, s.nc = z, max(1, m)
		return s, nil
	}
	bins, c, out := n.Shape.Bins(), n.C, n.FeatureLen()
	s.w = n.Shape.Weights()
	s.nc = max(1, min(m, streamValues/max(1, bins*c)))
	s.buf = make([]complex128, m*bins*c)
	all := floats(s.buf)
	if err := n.prepareInto(all[:m*out], x); err != nil {
		return nil, err
	}
	sp := make([]complex128, min(m, s.nc)*bins*c)
	for i0 := (max(m, 1) - 1) / s.nc * s.nc; i0 >= 0 && m > 0; i0 -= s.nc {
		nb := min(s.nc, m-i0)
		chunk := &conv.Spectra{M: nb, C: c, Shape: n.Shape, Data: sp[:nb*bins*c], W: s.w}
		t.Forward(chunk, all[i0*out:(i0+nb)*out], nb, c)
		copy(s.buf[i0*bins*c:], chunk.Data)
		probeHeap()
	}
	runtime.KeepAlive(sp)
	return s, nil
}

// chunk returns the batch of samples i0…i0+nb−1: a view of the set.
func (s *evalStream) chunk(i0, nb int) *Batch {
	n := s.n
	if n.realBins() {
		per := n.FeatureLen()
		return &Batch{shape: n.Shape, channels: n.C, r: &blocks[float64]{m: nb, c: n.C, w: []float64{1}, data: s.z[i0*per : (i0+nb)*per]}}
	}
	bc := n.Shape.Bins() * n.C
	return &Batch{shape: n.Shape, channels: n.C, c: &blocks[complex128]{m: nb, c: n.C, w: s.w, data: s.buf[i0*bc : (i0+nb)*bc]}}
}

// apply moves every sample of the set through layer l, writing π̂ to pi
// unless it is nil, and returns ŷ; with classes (the rows of each class,
// nil for none) it also returns the statistics of the moved samples under
// them, merged over the chunks.
func (s *evalStream) apply(ctx context.Context, l *Layer, pi []float64, classes [][]int) ([]int, *Stats, error) {
	n, k := s.n, s.n.K
	yhat := make([]int, 0, s.m)
	var st *Stats
	var chunkRows [][]int // the rows of each class in the chunk
	for i0 := 0; i0 < s.m || (i0 == 0 && s.m == 0); i0 += s.nc {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		nb := min(s.nc, s.m-i0)
		b := s.chunk(i0, nb)
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
		if s.m == 0 {
			break
		}
	}
	return yhat, st, nil
}

// features transforms the set back to the signal domain in place and
// normalises every sample: its features (M×C×Shape), which share the
// set's memory. The set must not be used afterwards.
func (s *evalStream) features(t *conv.Transformer) []float64 {
	n := s.n
	out := n.FeatureLen()
	if !n.realBins() {
		bins, c := n.Shape.Bins(), n.C
		all := floats(s.buf)
		zb := make([]float64, min(s.m, s.nc)*out)
		for i0 := 0; i0 < s.m; i0 += s.nc {
			nb := min(s.nc, s.m-i0)
			sp := &conv.Spectra{M: nb, C: c, Shape: n.Shape, Data: s.buf[i0*bins*c : (i0+nb)*bins*c], W: s.w}
			t.Inverse(zb[:nb*out], sp)
			copy(all[i0*out:], zb[:nb*out])
			probeHeap()
		}
		runtime.KeepAlive(zb)
		s.z = all[:s.m*out]
		s.buf = nil
	}
	normalizeRows(s.z, out)
	return s.z
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
