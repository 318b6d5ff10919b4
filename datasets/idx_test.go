package datasets_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

func TestReadIDXTypes(t *testing.T) {
	be := binary.BigEndian
	cases := []struct {
		name string
		typ  byte
		data []byte
		want []float64
	}{
		{"uint8", datasets.IDXUint8, []byte{0, 7, 255}, []float64{0, 7, 255}},
		{"int8", datasets.IDXInt8, []byte{0, 7, 0xff, 0x80}, []float64{0, 7, -1, -128}},
		{"int16", datasets.IDXInt16, be.AppendUint16(be.AppendUint16(nil, 300), 0xfffe), []float64{300, -2}},
		{"int32", datasets.IDXInt32, be.AppendUint32(be.AppendUint32(nil, 70000), 0xfffffffd), []float64{70000, -3}},
		{"float32", datasets.IDXFloat32, be.AppendUint32(be.AppendUint32(nil, math.Float32bits(1.5)), math.Float32bits(-0.25)), []float64{1.5, -0.25}},
		{"float64", datasets.IDXFloat64, be.AppendUint64(be.AppendUint64(nil, math.Float64bits(math.Pi)), math.Float64bits(-1e300)), []float64{math.Pi, -1e300}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, gz := range []bool{false, true} {
				b := idxBytes(c.typ, []uint32{uint32(len(c.want))}, c.data)
				if gz {
					b = gzipBytes(t, b)
				}
				x, err := datasets.ReadIDX(bytes.NewReader(b))
				if err != nil {
					t.Fatalf("gzip=%v: %v", gz, err)
				}
				if x.Type != c.typ || x.Len() != len(c.want) || len(x.Dims) != 1 {
					t.Fatalf("gzip=%v: type 0x%02x dims %v, want 0x%02x [%d]", gz, x.Type, x.Dims, c.typ, len(c.want))
				}
				for i, w := range c.want {
					if got := x.At(i); got != w {
						t.Errorf("gzip=%v: At(%d) = %v, want %v", gz, i, got, w)
					}
				}
			}
		})
	}
}

func TestReadIDXDims(t *testing.T) {
	data := make([]byte, 2*3*4)
	for i := range data {
		data[i] = byte(i)
	}
	x, err := datasets.ReadIDX(bytes.NewReader(idxBytes(datasets.IDXUint8, []uint32{2, 3, 4}, data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Dims) != 3 || x.Dims[0] != 2 || x.Dims[1] != 3 || x.Dims[2] != 4 || !bytes.Equal(x.Data, data) {
		t.Fatalf("got dims %v data %v", x.Dims, x.Data)
	}
	// A zero dimension is a valid, empty object.
	x, err = datasets.ReadIDX(bytes.NewReader(idxBytes(datasets.IDXFloat64, []uint32{0, 5}, nil)))
	if err != nil || x.Len() != 0 || len(x.Data) != 0 {
		t.Fatalf("empty object: %v, %v", x, err)
	}
}

// validStreams returns small valid IDX streams, plain and gzipped, taken
// from the fixture and built by hand.
func validStreams(t testing.TB) map[string][]byte {
	labels := gunzipFile(t, filepath.Join(fixtureDir, "train-labels-idx1-ubyte.gz"))
	small := idxBytes(datasets.IDXInt16, []uint32{2, 3, 2}, make([]byte, 2*3*2*2))
	return map[string][]byte{
		"labels":            labels,
		"labels.gz":         readFile(t, filepath.Join(fixtureDir, "train-labels-idx1-ubyte.gz")),
		"int16-3d":          small,
		"int16-3d.gz":       gzipBytes(t, small),
		"int16-3d.multi.gz": append(gzipBytes(t, small[:9]), gzipBytes(t, small[9:])...),
	}
}

// Every proper prefix of a valid stream is an error wrapping
// io.ErrUnexpectedEOF, as in compress/gzip's TestTruncatedStreams; read from
// a file, the error names the file.
func TestReadIDXTruncated(t *testing.T) {
	dir := t.TempDir()
	for name, b := range validStreams(t) {
		if _, err := datasets.ReadIDX(bytes.NewReader(b)); err != nil {
			t.Fatalf("%s: whole stream: %v", name, err)
		}
		for i := range len(b) {
			_, err := datasets.ReadIDX(bytes.NewReader(b[:i]))
			if !errors.Is(err, io.ErrUnexpectedEOF) || errText(err) != "" {
				t.Errorf("%s truncated to %d of %d bytes: got %v, want io.ErrUnexpectedEOF", name, i, len(b), err)
			}
		}
		// Through a file, for a few lengths.
		for _, i := range []int{0, 3, 10, len(b) - 1} {
			p := writeFile(t, dir, "trunc-"+name, b[:i])
			_, err := datasets.ReadIDXFile(p)
			if !errors.Is(err, io.ErrUnexpectedEOF) || errText(err, p) != "" {
				t.Errorf("%s truncated to %d bytes, from a file: got %v, want io.ErrUnexpectedEOF naming %s", name, i, err, p)
			}
		}
	}
}

func TestReadIDXBadInput(t *testing.T) {
	three := idxBytes(datasets.IDXUint8, []uint32{3}, []byte{1, 2, 3})
	badCRC := gzipBytes(t, three)
	badCRC[len(badCRC)-8] ^= 1 // the CRC-32 of the gzip trailer
	cases := []struct {
		name  string
		b     []byte
		class string // of the error, as errClass names it
		want  string // in the error message
	}{
		{"wrong magic", append([]byte{0, 1}, three[2:]...), "format", "magic"},
		{"text", []byte("hello, world"), "format", "magic"},
		{"unknown type", idxBytes(0x0A, []uint32{3}, []byte{1, 2, 3}), "format", "type 0x0a"},
		{"no dims", idxBytes(datasets.IDXUint8, nil, nil), "format", "0 dimensions"},
		{"five dims", idxBytes(datasets.IDXUint8, []uint32{1, 1, 1, 1, 1}, []byte{1}), "unsupported", "5 dimensions"},
		{"32 GiB", idxBytes(datasets.IDXFloat64, []uint32{1 << 16, 1 << 16}, nil), "unsupported", "too large"},
		{"2 GiB + 1", idxBytes(datasets.IDXUint8, []uint32{1<<31 + 1}, nil), "unsupported", "too large"},
		{"dims overflow", idxBytes(datasets.IDXInt32, []uint32{1 << 31, 1 << 31, 1 << 31, 0}, nil), "unsupported", "too large"},
		{"trailing byte", append(three[:len(three):len(three)], 0), "format", "trailing"},
		{"trailing gzip garbage", append(gzipBytes(t, three), "junk"...), "format", "gzip"},
		{"trailing data in gzip", gzipBytes(t, append(three[:len(three):len(three)], 9)), "format", "trailing"},
		{"bad gzip checksum", badCRC, "other", "checksum"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		_, err := datasets.ReadIDX(bytes.NewReader(c.b))
		if msg := errText(err, c.want); msg != "" {
			t.Errorf("%s: %s", c.name, msg)
		}
		if got := errClass(err); got != c.class {
			t.Errorf("%s: %v is of class %s, want %s", c.name, err, got, c.class)
		}
		p := writeFile(t, dir, strings.ReplaceAll(c.name, " ", "_")+".idx", c.b)
		_, err = datasets.ReadIDXFile(p)
		if msg := errText(err, "datasets: "+p+": ", c.want); msg != "" {
			t.Errorf("%s: ReadIDXFile: %s", c.name, msg)
		}
		if got := errClass(err); got != c.class {
			t.Errorf("%s: ReadIDXFile: %v is of class %s, want %s", c.name, err, got, c.class)
		}
	}
	if _, err := datasets.ReadIDX(bytes.NewReader(badCRC)); !errors.Is(err, gzip.ErrChecksum) {
		t.Errorf("bad gzip checksum: got %v, want gzip.ErrChecksum", err)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := datasets.ReadIDXFile(missing); errText(err, missing) != "" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: got %v, want fs.ErrNotExist naming %s", err, missing)
	}
}

// A header claiming 1 GiB (which is allowed) on a short stream is found
// out without allocating the gigabyte.
func TestReadIDXLyingHeader(t *testing.T) {
	b := idxBytes(datasets.IDXUint8, []uint32{1 << 30}, []byte{1, 2, 3})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := datasets.ReadIDX(bytes.NewReader(b))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("got %v, want io.ErrUnexpectedEOF", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 32<<20 {
		t.Errorf("allocated %d bytes for a 3-byte payload", got)
	}
}

// FuzzReadIDX is seeded from the fixture: the labels files as they are,
// and the first two images (whole files make the fuzzer crawl).
func FuzzReadIDX(f *testing.F) {
	for _, name := range []string{"train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		f.Add(readFile(f, filepath.Join(fixtureDir, name)))
	}
	images := gunzipFile(f, filepath.Join(fixtureDir, "train-images-idx3-ubyte.gz"))
	two := idxBytes(datasets.IDXUint8, []uint32{2, 28, 28}, images[16:16+2*28*28])
	f.Add(two)
	f.Add(gzipBytes(f, two))
	for _, b := range validStreams(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := datasets.ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if n == 0 {
			return
		}
		if len(x.Data)%n != 0 {
			t.Fatalf("dims %v, %d data bytes", x.Dims, len(x.Data))
		}
		x.At(0)
		x.At(n - 1)
	})
}

// gzipMembers compresses each piece of b between the cuts into its own
// gzip member and concatenates the members, as cat a.gz b.gz does.
func gzipMembers(t testing.TB, b []byte, cuts ...int) []byte {
	var out []byte
	from := 0
	for _, c := range append(cuts, len(b)) {
		out = append(out, gzipBytes(t, b[from:c])...)
		from = c
	}
	return out
}

// A gzip stream of several members is read as gzip -d reads it, whatever
// the members hold (empty ones too); it was "unexpected EOF" before, the
// reader stopping after the first member. Bytes after the last member are
// still an error, and every member's checksum is checked.
func TestReadIDXMultiMember(t *testing.T) {
	raw := gunzipFile(t, filepath.Join(fixtureDir, "train-labels-idx1-ubyte.gz"))
	for _, cuts := range [][]int{{1}, {4}, {8}, {9}, {50}, {len(raw) - 1}, {0}, {len(raw)}, {3, 50, 50, 51}} {
		b := gzipMembers(t, raw, cuts...)
		x, err := datasets.ReadIDX(bytes.NewReader(b))
		if err != nil || !bytes.Equal(x.Data, raw[8:]) {
			t.Errorf("members cut at %v: %v", cuts, err)
		}
		p := writeFile(t, t.TempDir(), "multi.gz", b)
		if x, err := datasets.ReadIDXFile(p); err != nil || !bytes.Equal(x.Data, raw[8:]) {
			t.Errorf("members cut at %v, from a file: %v", cuts, err)
		}
	}

	two := gzipMembers(t, raw, 50)
	second := bytes.LastIndex(two, []byte{0x1f, 0x8b})
	badCRC := slices.Clone(two)
	badCRC[len(badCRC)-8] ^= 1
	cases := []struct {
		name  string
		b     []byte
		class string
		want  string
	}{
		{"garbage after the members", append(slices.Clip(two), "junk"...), "format", "trailing data after the gzip stream"},
		{"data after the payload in a member", append(slices.Clip(two), gzipBytes(t, []byte{7})...), "format", "trailing data after the"},
		{"a magic byte after the members", append(slices.Clip(two), 0x1f), "eof", ""},
		{"a member header cut short", append(slices.Clip(two), 0x1f, 0x8b, 8), "eof", ""},
		{"the second member cut short", two[:len(two)-3], "eof", ""},
		{"the second member's header only", two[:second+10], "eof", ""},
		{"bad checksum in the second member", badCRC, "other", "checksum"},
	}
	for _, c := range cases {
		_, err := datasets.ReadIDX(bytes.NewReader(c.b))
		if msg := errText(err, c.want); msg != "" || errClass(err) != c.class {
			t.Errorf("%s: %v (%s), want class %s", c.name, err, msg, c.class)
		}
	}
	if _, err := datasets.ReadIDX(bytes.NewReader(badCRC)); !errors.Is(err, gzip.ErrChecksum) {
		t.Errorf("bad checksum in the second member: got %v, want gzip.ErrChecksum", err)
	}

	// MNIST files recompressed as two members each load as the originals.
	dir := t.TempDir()
	for _, base := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte"} {
		b := gunzipFile(t, filepath.Join(fixtureDir, base+".gz"))
		writeFile(t, dir, base+".gz", gzipMembers(t, b, len(b)/3, len(b)/2))
	}
	got, err := datasets.LoadMNIST(t.Context(), dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	want, err := datasets.LoadMNIST(t.Context(), fixtureDir, "train")
	if err != nil || !slices.Equal(got.X, want.X) || !slices.Equal(got.Labels, want.Labels) {
		t.Errorf("two-member MNIST files differ from the fixture: %v", err)
	}
}
