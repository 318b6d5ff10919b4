package redunet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// This file is the wire form of the stages' values (Batch, Stats, Layer),
// for a run whose stages run in other processes: a distributed pipeline
// ships batches between its stages, statistics to their reduction, and
// layers to the workers that apply them.
//
// Each value is a header and its arrays, little-endian:
//
//	"RDN" + 'B' (batch), 'S' (statistics) or 'L' (layer), format version 1,
//	the kind of values (0 complex128, 1 float64, 2 complex64, 3 float32),
//	then uint64 integers and the arrays' values (a complex number as its
//	real then imaginary part).
//
// The values are exact: a value read back is bit for bit the one written.
// Reading checks every size against the net that reads it and against the
// length of the data before it allocates, so that damaged or hostile data
// give an error, never a panic or a huge allocation.

const wireVersion = 1

// Value kinds of the wire form.
const (
	kindComplex128 = iota
	kindFloat64
	kindComplex64
	kindFloat32
)

// errWire is the error of data that are not a value's wire form.
var errWire = errors.New("redunet: not the wire form of a value of this net")

func wireErr(what, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", errWire, what, fmt.Sprintf(format, args...))
}

// wbuf builds a wire form.
type wbuf []byte

func newWire(typ byte, kind int) wbuf { return wbuf{'R', 'D', 'N', typ, wireVersion, byte(kind)} }

func (b *wbuf) int(v int) { *b = binary.LittleEndian.AppendUint64(*b, uint64(v)) }

func (b *wbuf) f64(v float64) { *b = binary.LittleEndian.AppendUint64(*b, math.Float64bits(v)) }

// putVals appends the values of x.
func putVals[T scalar](b *wbuf, x []T) {
	out := *b
	switch v := any(x).(type) {
	case []float64:
		for _, f := range v {
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(f))
		}
	case []complex128:
		for _, z := range v {
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(real(z)))
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(imag(z)))
		}
	case []float32:
		for _, f := range v {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(f))
		}
	case []complex64:
		for _, z := range v {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(real(z)))
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(imag(z)))
		}
	}
	*b = out
}

// valSize returns the bytes of one value of type T.
func valSize[T scalar]() int {
	var z T
	switch any(z).(type) {
	case float32:
		return 4
	case complex128:
		return 16
	}
	return 8
}

// rbuf reads a wire form; the first error sticks.
type rbuf struct {
	b    []byte
	what string
	err  error
}

// openWire checks the header of data for a value of type typ and kind.
func openWire(data []byte, typ byte, kind int, what string) *rbuf {
	r := &rbuf{b: data, what: what}
	switch {
	case len(data) < 6 || string(data[:3]) != "RDN" || data[3] != typ:
		r.err = wireErr(what, "no header")
	case data[4] != wireVersion:
		r.err = wireErr(what, "format version %d, want %d", data[4], wireVersion)
	case int(data[5]) != kind:
		r.err = wireErr(what, "values of kind %d, want %d (another precision or kind of net)", data[5], kind)
	default:
		r.b = data[6:]
	}
	return r
}

func (r *rbuf) fail(format string, args ...any) {
	if r.err == nil {
		r.err = wireErr(r.what, format, args...)
	}
}

// int reads an integer in 0…hi.
func (r *rbuf) int(name string, hi int) int {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 8 {
		r.fail("truncated at %s", name)
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	if v > uint64(hi) {
		r.fail("%s = %d, want at most %d", name, v, hi)
		return 0
	}
	return int(v)
}

// want reads an integer that must be v.
func (r *rbuf) want(name string, v int) {
	if got := r.int(name, math.MaxInt); r.err == nil && got != v {
		r.fail("%s = %d, want %d", name, got, v)
	}
}

func (r *rbuf) f64(name string) float64 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 8 {
		r.fail("truncated at %s", name)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return v
}

// vals reads n values of type T, after checking that the data hold them.
func vals[T scalar](r *rbuf, name string, n int) []T {
	if r.err != nil {
		return nil
	}
	sz := valSize[T]()
	if n < 0 || n > len(r.b)/sz {
		r.fail("truncated in %s (%d values wanted, %d bytes left)", name, n, len(r.b))
		return nil
	}
	out := make([]T, n)
	b := r.b
	switch v := any(out).(type) {
	case []float64:
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
	case []complex128:
		for i := range v {
			v[i] = complex(math.Float64frombits(binary.LittleEndian.Uint64(b[16*i:])), math.Float64frombits(binary.LittleEndian.Uint64(b[16*i+8:])))
		}
	case []float32:
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case []complex64:
		for i := range v {
			v[i] = complex(math.Float32frombits(binary.LittleEndian.Uint32(b[8*i:])), math.Float32frombits(binary.LittleEndian.Uint32(b[8*i+4:])))
		}
	}
	r.b = r.b[n*sz:]
	return out
}

// binRange reads the channels, the bins and the range of bins of a part
// of statistics or of a layer of net n: its bins (n's), first bin and width
// (at least one bin, within n's).
func (r *rbuf) binRange(n *Net) (bins, lo, width int) {
	r.want("channels", n.C)
	bins = n.keptBins()
	r.want("bins", bins)
	lo = r.int("first bin", bins-1)
	width = r.int("width", bins-lo)
	if r.err == nil && width == 0 {
		r.fail("no bins")
	}
	return bins, lo, width
}

// finish reports the error of r, or bytes left over.
func (r *rbuf) finish() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d bytes after the end", len(r.b))
	}
	return r.err
}

// wireKind returns the kind of values of the net's batches and layers.
func (n *Net) wireKind() int {
	switch {
	case n.realBins() && n.Params.single():
		return kindFloat32
	case n.realBins():
		return kindFloat64
	case n.Params.single():
		return kindComplex64
	}
	return kindComplex128
}

// binWeights returns the weights of the net's kept bins.
func (n *Net) binWeights() []float64 {
	if n.realBins() {
		return []float64{1}
	}
	return n.Shape.Weights()
}

// MarshalBinary returns the wire form of b, exactly (see Net.UnmarshalBatch).
func (b *Batch) MarshalBinary() ([]byte, error) {
	var w wbuf
	put := func(m, c, bins int) {
		w.int(m)
		w.int(c)
		w.int(bins)
	}
	switch {
	case b.c != nil:
		w = newWire('B', kindComplex128)
		put(b.c.m, b.c.c, b.c.bins())
		putVals(&w, b.c.data)
	case b.r != nil:
		w = newWire('B', kindFloat64)
		put(b.r.m, b.r.c, b.r.bins())
		putVals(&w, b.r.data)
	case b.c32 != nil:
		w = newWire('B', kindComplex64)
		put(b.c32.m, b.c32.c, b.c32.bins())
		putVals(&w, b.c32.data)
	default:
		w = newWire('B', kindFloat32)
		put(b.r32.m, b.r32.c, b.r32.bins())
		putVals(&w, b.r32.data)
	}
	return w, nil
}

// UnmarshalBatch reads a batch of this net's samples from its wire form
// (Batch.MarshalBinary), as it was written. It returns an error wrapping
// nothing in particular if data are not a batch of a net of this kind,
// precision, channel count and shape, or are truncated.
func (n *Net) UnmarshalBatch(data []byte) (*Batch, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	kind := n.wireKind()
	r := openWire(data, 'B', kind, "batch")
	m := r.int("samples", math.MaxInt32)
	r.want("channels", n.C)
	bins := n.keptBins()
	r.want("bins", bins)
	w := n.binWeights()
	b := &Batch{shape: n.Shape, channels: n.C}
	total, ok := mulBounded(m, bins*n.C)
	if !ok {
		r.fail("%d samples of %d values", m, bins*n.C)
	}
	switch kind {
	case kindComplex128:
		b.c = &blocks[complex128]{m: m, c: n.C, w: w, data: vals[complex128](r, "values", total)}
	case kindFloat64:
		b.r = &blocks[float64]{m: m, c: n.C, w: w, data: vals[float64](r, "values", total)}
	case kindComplex64:
		b.c32 = &blocks[complex64]{m: m, c: n.C, w: w, data: vals[complex64](r, "values", total)}
	default:
		b.r32 = &blocks[float32]{m: m, c: n.C, w: w, data: vals[float32](r, "values", total)}
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return b, nil
}

// MarshalBinary returns the wire form of s, exactly (see Net.UnmarshalStats).
func (s *Stats) MarshalBinary() ([]byte, error) {
	if s.r != nil {
		return marshalStats(s, s.r, kindFloat64), nil
	}
	return marshalStats(s, s.c, kindComplex128), nil
}

func marshalStats[T scalar](s *Stats, st *stats[T], kind int) []byte {
	w := newWire('S', kind)
	w.int(st.c)
	w.int(s.bins)
	w.int(s.lo)
	w.int(len(st.w))
	w.int(st.fullBins)
	w.int(len(st.groups))
	for _, g := range st.groups {
		w.int(g.n)
		switch {
		case g.gram != nil:
			w.int(1)
			putVals(&w, g.gram)
		case g.rows != nil:
			w.int(2)
			putVals(&w, g.rows)
		default:
			w.int(0)
		}
	}
	return w
}

// UnmarshalStats reads statistics of this net's samples from their wire
// form (Stats.MarshalBinary), as they were written: whole, or a part
// (Split). It returns an error if data are not statistics of a net of
// this kind, channel count, bins and classes, are inconsistent (group
// sizes, forms, bins) or truncated.
func (n *Net) UnmarshalStats(data []byte) (*Stats, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	s := &Stats{shape: n.Shape}
	var err error
	if n.realBins() {
		s.r, err = unmarshalStats[float64](n, s, data, kindFloat64)
	} else {
		s.c, err = unmarshalStats[complex128](n, s, data, kindComplex128)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func unmarshalStats[T scalar](n *Net, s *Stats, data []byte, kind int) (*stats[T], error) {
	r := openWire(data, 'S', kind, "statistics")
	c := n.C
	var width int
	s.bins, s.lo, width = r.binRange(n)
	r.want("full bins", n.Shape.Len())
	r.want("groups", n.K+1)
	if r.err != nil {
		return nil, r.err
	}
	st := &stats[T]{c: c, w: n.binWeights()[s.lo : s.lo+width : s.lo+width], fullBins: n.Shape.Len(), groups: make([]groupStat[T], n.K+1)}
	sum := 0
	for g := range st.groups {
		gs := &st.groups[g]
		gs.n = r.int("group size", math.MaxInt32)
		form := r.int("group form", 2)
		if r.err != nil {
			return nil, r.err
		}
		switch {
		case gs.n == 0 && form != 0, gs.n > 0 && form == 0:
			r.fail("group %d of %d samples in form %d", g, gs.n, form)
		case form == 1 && !gramForm(gs.n, c), form == 2 && gramForm(gs.n, c):
			r.fail("group %d of %d samples of %d channels in the wrong form", g, gs.n, c)
		case form == 1:
			gs.gram = vals[T](r, "Gram sums", width*c*c)
		case form == 2:
			total, ok := mulBounded(width*c, gs.n)
			if !ok {
				r.fail("group %d of %d samples", g, gs.n)
			}
			gs.rows = vals[T](r, "samples", total)
		}
		if g > 0 {
			sum += gs.n
		}
	}
	if r.err == nil && sum != st.groups[0].n {
		r.fail("%d samples in all but %d in the classes", st.groups[0].n, sum)
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return st, nil
}

// MarshalBinary returns the wire form of l, exactly (see Net.UnmarshalLayer).
func (l *Layer) MarshalBinary() ([]byte, error) {
	switch {
	case l.c != nil:
		return marshalLayer(l, l.c, kindComplex128), nil
	case l.r != nil:
		return marshalLayer(l, l.r, kindFloat64), nil
	case l.c32 != nil:
		return marshalLayer(l, l.c32, kindComplex64), nil
	case l.r32 != nil:
		return marshalLayer(l, l.r32, kindFloat32), nil
	}
	return nil, errors.New("redunet: Layer.MarshalBinary: a layer without operators")
}

func marshalLayer[T scalar](l *Layer, lo *layerOps[T], kind int) []byte {
	w := newWire('L', kind)
	lw := len(lo.w)
	w.int(lo.c)
	w.int(l.bins)
	w.int(l.lo)
	w.int(lw)
	w.int(l.k)
	for _, c := range l.counts {
		w.int(c)
	}
	for _, v := range l.ldBin {
		w.f64(v)
	}
	for _, op := range lo.ops {
		switch {
		case op.r > 0:
			putVals(&w, op.y)
			putVals(&w, op.yh)
		case op.dense != nil:
			putVals(&w, op.dense)
		}
	}
	return w
}

// UnmarshalLayer reads a layer of this net, whole or a part (a
// factorisation of a part of the statistics), from its wire form
// (Layer.MarshalBinary), as it was written. The forms of the operators and
// the constants a_g and γ_j follow from the class sizes as Factor makes
// them. It returns an error if data are not a layer of a net of this kind,
// precision, channel count, bins and classes, or are truncated.
func (n *Net) UnmarshalLayer(data []byte) (*Layer, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	l := &Layer{shape: n.Shape, k: n.K, params: n.Params, workers: n.workers(), full: n.Shape.Len()}
	var err error
	switch kind := n.wireKind(); kind {
	case kindComplex128:
		l.c, err = unmarshalLayer[complex128](n, l, data, kind)
	case kindFloat64:
		l.r, err = unmarshalLayer[float64](n, l, data, kind)
	case kindComplex64:
		l.c32, err = unmarshalLayer[complex64](n, l, data, kind)
	default:
		l.r32, err = unmarshalLayer[float32](n, l, data, kind)
	}
	if err != nil {
		return nil, err
	}
	if l.complete() {
		l.rates = ratesFrom(sumLD(l.ldBin, n.K+1, l.full), l.counts)
	}
	return l, nil
}

func unmarshalLayer[T scalar](n *Net, l *Layer, data []byte, kind int) (*layerOps[T], error) {
	r := openWire(data, 'L', kind, "layer")
	c := n.C
	var width int
	l.bins, l.lo, width = r.binRange(n)
	r.want("classes", n.K)
	if r.err != nil {
		return nil, r.err
	}
	l.counts = make([]int, n.K)
	m := 0
	for j := range l.counts {
		l.counts[j] = r.int("class size", math.MaxInt32)
		if r.err == nil && l.counts[j] == 0 {
			r.fail("class %d has no samples", j)
		}
		m += l.counts[j]
	}
	ng := n.K + 1
	if r.err == nil && len(r.b)/8 < ng*width {
		r.fail("truncated in the log-determinants")
	}
	if r.err != nil {
		return nil, r.err
	}
	l.ldBin = make([]float64, ng*width)
	for i := range l.ldBin {
		l.ldBin[i] = r.f64("log-determinants")
	}
	lo := &layerOps[T]{c: c, w: n.binWeights()[l.lo : l.lo+width : l.lo+width], ops: make([]binOp[T], ng), gamma: make([]float64, n.K)}
	for g := range lo.ops {
		size := m
		if g > 0 {
			size = l.counts[g-1]
			lo.gamma[g-1] = float64(size) / float64(m)
		}
		op := binOp[T]{a: rateCoef(c, size, n.Params.EpsSq)}
		if lowRank(size, c) {
			op.r = size
			op.y = vals[T](r, "operators", width*size*c)
			op.yh = vals[T](r, "operators", width*c*size)
		} else {
			op.dense = vals[T](r, "operators", width*c*c)
		}
		lo.ops[g] = op
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return lo, nil
}
