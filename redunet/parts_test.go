package redunet

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/redunet-go/redunet/fft"
)

// This file checks the bin-keyed reduction of a layer (parts.go) and the
// wire form of the stages' values (wire.go), the two things a distributed
// run adds to the stages of a layer. Both are exact: bins are independent
// in the factorisation and the wire form keeps every bit, so every
// comparison here is bit for bit.

// equalLayers reports whether two layers are the same bit for bit: bins,
// class sizes, log-determinants, rates and operators.
func equalLayers(a, b *Layer) bool {
	if a.lo != b.lo || a.bins != b.bins || !slices.Equal(a.counts, b.counts) || a.rates != b.rates || !bitsEqual(a.ldBin, b.ldBin) {
		return false
	}
	x, errA := a.MarshalBinary()
	y, errB := b.MarshalBinary()
	return errA == nil && errB == nil && string(x) == string(y)
}

// bitsEqual reports whether x and y hold the same float64 bits.
func bitsEqual(x, y []float64) bool {
	return slices.EqualFunc(x, y, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) })
}

// wireRoundTrip marshals v and reads it back with read, failing t on an
// error.
func wireRoundTrip[V interface{ MarshalBinary() ([]byte, error) }, W any](t *testing.T, v V, read func([]byte) (W, error)) W {
	t.Helper()
	data, err := v.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	w, err := read(data)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestSplitJoin: for every shard case, in both precisions, statistics merged
// shard by shard and part by part (Split into 1, 2, 3 and more parts than
// bins), each part through its wire form, factorised, through the wire form
// again and joined in reverse order, give bit for bit the layer that Factor
// makes of the whole merged statistics: operators, log-determinants and
// rates; and that layer applied to a batch read back from its wire form
// moves it bit for bit as it moves the batch itself.
func TestSplitJoin(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 2106))
	for _, prec := range []string{Float64, Float32} {
		p := DefaultParams(1)
		p.Precision = prec
		for _, sc := range shardCases(t) {
			xs, ys := shardData(rng, &sc)
			net := sc.newNet(t, p)
			bs := shardEncode(t, net, xs)
			order := []int{2, 0, 1}
			want, err := net.Factor(shardStats(t, net, bs, ys, order))
			if err != nil {
				t.Fatal(err)
			}
			if want.InputRates().DeltaR <= 0 {
				t.Fatalf("%s: ΔR = %v", sc.name, want.InputRates().DeltaR)
			}
			bins := net.keptBins()
			for _, parts := range []int{1, 2, 3, bins + 5} {
				// Per part: the merged part of every shard's statistics.
				merged := make([]*Stats, 0, parts)
				for _, i := range order {
					st, err := net.Statistics(bs[i], ys[i])
					if err != nil {
						t.Fatal(err)
					}
					for q, part := range st.Split(parts) {
						part = wireRoundTrip(t, part, net.UnmarshalStats)
						if q == len(merged) {
							merged = append(merged, part)
						} else if err := merged[q].Merge(part); err != nil {
							t.Fatal(err)
						}
					}
				}
				if len(merged) != min(parts, bins) {
					t.Fatalf("%s: Split(%d) of %d bins gave %d parts", sc.name, parts, bins, len(merged))
				}
				var layers []*Layer
				for q := len(merged) - 1; q >= 0; q-- {
					lp, err := net.Factor(merged[q])
					if err != nil {
						t.Fatal(err)
					}
					if len(merged) > 1 && lp.InputRates() != (Rates{}) {
						t.Errorf("%s: a part has rates %v", sc.name, lp.InputRates())
					}
					layers = append(layers, wireRoundTrip(t, lp, net.UnmarshalLayer))
				}
				got, err := JoinLayers(layers)
				if err != nil {
					t.Fatal(err)
				}
				if !equalLayers(got, want) {
					t.Errorf("%s, %s, %d parts: the joined layer differs from the whole one (rates %v, want %v)", sc.name, prec, parts, got.InputRates(), want.InputRates())
				}
			}

			// A batch through its wire form, and the layer applied to it.
			b := bs[0]
			b2 := wireRoundTrip(t, b, net.UnmarshalBatch)
			w2 := wireRoundTrip(t, want, net.UnmarshalLayer)
			if !equalLayers(w2, want) {
				t.Errorf("%s: the layer read back differs", sc.name)
			}
			y1, y2 := want.Apply(b, nil), w2.Apply(b2, nil)
			if !slices.Equal(y1, y2) || !bitsEqual(net.Decode(b), net.Decode(b2)) {
				t.Errorf("%s, %s: a batch and layer read back move differently", sc.name, prec)
			}
		}
	}
}

// TestJoinLayersErrors: JoinLayers refuses parts that do not cover every
// bin once, or that are of other samples or nets; Rates refuses a part.
func TestJoinLayersErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 2106))
	sc := shardCases(t)[2] // 2-D 4×5: 15 bins
	xs, ys := shardData(rng, &sc)
	net := sc.newNet(t, DefaultParams(1))
	bs := shardEncode(t, net, xs)
	parts := func(i, n int) []*Layer {
		st, err := net.Statistics(bs[i], ys[i])
		if err != nil {
			t.Fatal(err)
		}
		var out []*Layer
		for _, s := range st.Split(n) {
			l, err := net.Factor(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, l)
		}
		return out
	}
	a, b := parts(0, 3), parts(1, 3)
	for name, ps := range map[string][]*Layer{
		"none":          nil,
		"a gap":         {a[0], a[2]},
		"twice":         {a[0], a[1], a[1], a[2]},
		"other samples": {a[0], b[1], a[2]},
		"to the end":    {a[0], a[1]},
	} {
		if _, err := JoinLayers(ps); err == nil {
			t.Errorf("JoinLayers, %s: no error", name)
		}
	}
	st, err := net.Statistics(bs[0], ys[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Rates(st.Split(2)[1]); err == nil {
		t.Error("Rates of a part: no error")
	}
	s2, err := net.Statistics(bs[1], ys[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Split(2)[0].Merge(s2.Split(3)[0]); err == nil {
		t.Error("Merge of parts of other bins: no error")
	}
}

// TestWireErrors: every prefix of a value's wire form, and the wire forms
// of another net's values (other channels, classes, precision, kind of
// value), are refused with an error wrapping errWire, never a panic.
func TestWireErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 2106))
	sc := shardCases(t)[1] // 1-D 7, lift 1→4
	xs, ys := shardData(rng, &sc)
	net := sc.newNet(t, DefaultParams(1))
	b := shardEncode(t, net, xs[:1])[0]
	st, err := net.Statistics(b, ys[0])
	if err != nil {
		t.Fatal(err)
	}
	bd, _ := b.MarshalBinary()
	sd, _ := st.MarshalBinary()
	l, err := net.Factor(st)
	if err != nil {
		t.Fatal(err)
	}
	ld, _ := l.MarshalBinary()
	p32 := DefaultParams(1)
	p32.Precision = Float32
	other := []*Net{net, sc.newNet(t, p32), shardCases(t)[0].newNet(t, DefaultParams(1))}
	for _, n := range other {
		for _, read := range []func([]byte) error{
			func(d []byte) error { _, err := n.UnmarshalBatch(d); return err },
			func(d []byte) error { _, err := n.UnmarshalStats(d); return err },
			func(d []byte) error { _, err := n.UnmarshalLayer(d); return err },
		} {
			for _, d := range [][]byte{bd, sd, ld} {
				for cut := 0; cut <= len(d); cut += 1 + cut/16 {
					err := read(d[:cut])
					if cut == len(d) && err == nil {
						continue // its own kind, of its own net
					}
					if !errors.Is(err, errWire) {
						t.Fatalf("%d of %d bytes: %v", cut, len(d), err)
					}
				}
			}
		}
	}
}

// FuzzUnmarshal: no input makes the readers of the wire form panic or
// allocate beyond the data; what they accept is written back identically.
func FuzzUnmarshal(f *testing.F) {
	rng := rand.New(rand.NewPCG(37, 2106))
	net, err := NewNet(2, fft.Shape{5}, 2, nil, DefaultParams(1))
	if err != nil {
		f.Fatal(err)
	}
	x := make([]float64, 6*net.SampleLen())
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	b, err := net.Encode(x)
	if err != nil {
		f.Fatal(err)
	}
	st, err := net.Statistics(b, []int{0, 1, 0, 1, 1, 1})
	if err != nil {
		f.Fatal(err)
	}
	parts := st.Split(2)
	l, err := net.Factor(parts[1])
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range []interface{ MarshalBinary() ([]byte, error) }{b, parts[0], l} {
		d, err := v.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, d []byte) {
		same := func(v interface{ MarshalBinary() ([]byte, error) }) {
			back, err := v.MarshalBinary()
			if err != nil || string(back) != string(d) {
				t.Fatalf("accepted %d bytes, written back as %d (%v)", len(d), len(back), err)
			}
		}
		if b, err := net.UnmarshalBatch(d); err == nil {
			same(b)
		}
		if s, err := net.UnmarshalStats(d); err == nil {
			same(s)
		}
		if l, err := net.UnmarshalLayer(d); err == nil {
			same(l)
		}
	})
}
