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
//
// A float32 net (Params.Precision) holds a set's spectra in complex64, B·C
// values a sample of the size of a float64, at most the C·N float64 values
// of its features (B ≤ N): so its array is the features' size, and the
// order is the other way round. The prepared input fills it; chunk k is
// transformed (in float64 scratch) and rounded to its place i0·BC ≤ i0·CN,
// from the first chunk on, so only the input of chunks already transformed
// is overwritten; at the end chunk k is widened into scratch and
// transformed back into its place i0·CN, from the last chunk on, past the
// spectra i0·BC of the chunks before it. A float32 vector net's samples are
// rounded in place into the front half of their array, and widened back at
// the end from the last value on.

// streamValues bounds one chunk of an evaluation set, in complex values.
var streamValues = 1 << 22 // a variable so that tests can make chunks small

// evalStream is one evaluation set in a construction pass: m samples, held
// in buf (bin-major spectra per chunk, or for a real-bin net the prepared
// samples), moved in place.
type evalStream struct {
	n   *Net
	m   int
	nc  int          // samples per chunk
	buf []complex128 // m·B·C complex values (nil for a real-bin or float32 net)
	z   []float64    // the prepared input / features: the front of buf, or its own array
	w   []float64    // the bins' weights
	// A float32 net's set: its array (the features' size) and, in its
	// memory, the spectra (m·B·C) or a vector net's samples (m·C).
	all    []float64
	spec32 []complex64
	vec32  []float32
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
//
// A chunk has at most chunk samples, so that it moves through every layer
// in place (see forward).
func (n *Net) newEvalStream(x []float64, t *conv.Transformer, chunk int) (*evalStream, error) {
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
		if n.Params.single() {
			s.vec32 = narrowInPlace(z)
		}
		return s, nil
	}
	bins, c, out := n.Shape.Bins(), n.C, n.FeatureLen()
	s.w = n.Shape.Weights()
	s.nc = max(1, min(m, chunk, streamValues/max(1, bins*c)))
	if n.Params.single() {
		return s, s.encode32(x, t)
	}
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

// encode32 prepares a float32 net's set x and puts it in the layers' basis,
// in one array (see above).
func (s *evalStream) encode32(x []float64, t *conv.Transformer) error {
	n, m := s.n, s.m
	bins, c, out := n.Shape.Bins(), n.C, n.FeatureLen()
	bc := bins * c // ≤ out
	s.all = make([]float64, m*out)
	if err := n.prepareInto(s.all, x); err != nil {
		return err
	}
	s.spec32 = complexes64(s.all)[:m*bc]
	sp := make([]complex128, min(m, s.nc)*bc)
	for i0 := 0; i0 < m; i0 += s.nc {
		nb := min(s.nc, m-i0)
		chunk := &conv.Spectra{M: nb, C: c, Shape: n.Shape, Data: sp[:nb*bc], W: s.w}
		t.Forward(chunk, s.all[i0*out:(i0+nb)*out], nb, c)
		narrowC(s.spec32[i0*bc:(i0+nb)*bc], chunk.Data)
		probeHeap()
	}
	runtime.KeepAlive(sp)
	return nil
}

// narrowInPlace rounds z to float32 into the front half of its own memory
// and returns those values: value i is written to bytes 4i…4i+3, which
// belong to a value at most i, already read.
func narrowInPlace(z []float64) []float32 {
	f := floats32(z)[:len(z)]
	for i, v := range z {
		f[i] = float32(v)
	}
	return f
}

// widenInPlace is the inverse of narrowInPlace: value i, from the last
// on, is written to bytes 8i…8i+7, which hold float32 values i and above,
// already read.
func widenInPlace(z []float64) {
	f := floats32(z)[:len(z)]
	for i := len(z) - 1; i >= 0; i-- {
		z[i] = float64(f[i])
	}
}

// chunk returns the batch of samples i0…i0+nb−1: a view of the set.
func (s *evalStream) chunk(i0, nb int) *Batch {
	n := s.n
	if s.vec32 != nil {
		per := n.FeatureLen()
		return &Batch{shape: n.Shape, channels: n.C, r32: &blocks[float32]{m: nb, c: n.C, w: []float64{1}, data: s.vec32[i0*per : (i0+nb)*per]}}
	}
	if s.spec32 != nil {
		bc := n.Shape.Bins() * n.C
		return &Batch{shape: n.Shape, channels: n.C, c32: &blocks[complex64]{m: nb, c: n.C, w: s.w, data: s.spec32[i0*bc : (i0+nb)*bc]}}
	}
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
	switch {
	case s.vec32 != nil:
		widenInPlace(s.z)
		s.vec32 = nil
	case s.spec32 != nil:
		bins, c := n.Shape.Bins(), n.C
		bc := bins * c
		wide := make([]complex128, min(s.m, s.nc)*bc)
		for i0 := (max(s.m, 1) - 1) / s.nc * s.nc; i0 >= 0 && s.m > 0; i0 -= s.nc {
			nb := min(s.nc, s.m-i0)
			sp := &conv.Spectra{M: nb, C: c, Shape: n.Shape, Data: wide[:nb*bc], W: s.w}
			widenC(sp.Data, s.spec32[i0*bc:(i0+nb)*bc])
			t.Inverse(s.all[i0*out:(i0+nb)*out], sp)
			probeHeap()
		}
		runtime.KeepAlive(wide)
		s.z, s.all, s.spec32 = s.all[:s.m*out], nil, nil
	case !n.realBins():
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

// snapshot returns the set's features as they are now (transformed back and
// normalised, in a new array), leaving the set as it is.
func (s *evalStream) snapshot(t *conv.Transformer) []float64 {
	n := s.n
	out := n.FeatureLen()
	z := make([]float64, s.m*out)
	switch {
	case s.vec32 != nil:
		widenR(z, s.vec32[:s.m*out])
	case s.spec32 != nil || s.buf != nil:
		bins, c := n.Shape.Bins(), n.C
		bc := bins * c
		var wide []complex128
		if s.spec32 != nil {
			wide = make([]complex128, min(s.m, s.nc)*bc)
		}
		for i0 := 0; i0 < s.m; i0 += s.nc {
			nb := min(s.nc, s.m-i0)
			sp := &conv.Spectra{M: nb, C: c, Shape: n.Shape, W: s.w}
			if s.spec32 != nil {
				sp.Data = wide[:nb*bc]
				widenC(sp.Data, s.spec32[i0*bc:(i0+nb)*bc])
			} else {
				sp.Data = s.buf[i0*bc : (i0+nb)*bc]
			}
			t.Inverse(z[i0*out:(i0+nb)*out], sp)
		}
	default:
		copy(z, s.z)
	}
	normalizeRows(z, out)
	return z
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
