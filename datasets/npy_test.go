package datasets_test

import (
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// npyBytes encodes a .npy file by hand: magic, version major.0, the header
// length (uint16 for version 1, uint32 otherwise), header as given (no
// padding added) and data (not checked against the header).
func npyBytes(major byte, header string, data []byte) []byte {
	b := append([]byte("\x93NUMPY"), major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	return append(append(b, header...), data...)
}

// npyDict returns a header dict for descr and shape (written as in Python,
// such as "(3,)" or "(2, 3)"), padded with spaces to pad bytes and a newline.
func npyDict(descr, shape string, pad int) string {
	h := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	return h + strings.Repeat(" ", max(pad-len(h)-1, 0)) + "\n"
}

func TestNPYRoundTrip(t *testing.T) {
	dir := t.TempDir()
	shapes := [][]int{nil, {5}, {2, 3}, {2, 3, 4}, {0, 3}, {1, 2, 3, 4}, {3, 1, 1, 1, 2}}
	for _, shape := range shapes {
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = math.Pi * float64(i-n/2) * math.Pow(10, float64(i%7-3))
		}
		for _, f32 := range []bool{false, true} {
			p := filepath.Join(dir, "a.npy")
			if err := datasets.WriteNPY(p, data, shape, f32); err != nil {
				t.Fatal(err)
			}
			b := readFile(t, p)
			if string(b[:8]) != "\x93NUMPY\x01\x00" {
				t.Errorf("shape %v: starts % x, want version 1.0", shape, b[:8])
			}
			if hl := 10 + int(binary.LittleEndian.Uint16(b[8:])); hl%64 != 0 || b[hl-1] != '\n' {
				t.Errorf("shape %v: data starts at %d after %q, want a multiple of 64 after a newline", shape, hl, b[hl-1])
			}
			got, gotShape, err := datasets.ReadNPY(p)
			if err != nil {
				t.Fatalf("shape %v float32=%v: %v", shape, f32, err)
			}
			if !slices.Equal(gotShape, shape) {
				t.Errorf("float32=%v: shape %v, want %v", f32, gotShape, shape)
			}
			for i, v := range data {
				want := v
				if f32 {
					want = float64(float32(v))
				}
				if got[i] != want {
					t.Errorf("shape %v float32=%v: element %d = %v, want %v", shape, f32, i, got[i], want)
				}
			}
			if len(got) != n {
				t.Errorf("shape %v: %d elements, want %d", shape, len(got), n)
			}
		}
	}
	// Special values survive, in both widths.
	special := []float64{math.Inf(1), math.Inf(-1), math.NaN(), math.Copysign(0, -1), math.SmallestNonzeroFloat64, 1e300}
	p := filepath.Join(dir, "special.npy")
	for _, f32 := range []bool{false, true} {
		if err := datasets.WriteNPY(p, special, []int{len(special)}, f32); err != nil {
			t.Fatal(err)
		}
		got, _, err := datasets.ReadNPY(p)
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsInf(got[0], 1) || !math.IsInf(got[1], -1) || !math.IsNaN(got[2]) || !math.Signbit(got[3]) {
			t.Errorf("float32=%v: got %v", f32, got)
		}
		if f32 && (got[4] != 0 || !math.IsInf(got[5], 1)) {
			t.Errorf("float32: %v and %v became %v and %v, want 0 and +Inf", special[4], special[5], got[4], got[5])
		}
	}
	// Nothing is left behind but the files written.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want 2", len(entries))
	}
}

func TestWriteNPYFailure(t *testing.T) {
	dir := t.TempDir()
	// Renaming a file over a directory fails; the temporary file goes.
	p := filepath.Join(dir, "taken.npy")
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	err := datasets.WriteNPY(p, []float64{1, 2}, []int{2}, false)
	if msg := errText(err, p); msg != "" {
		t.Errorf("%s, want an error naming %s", msg, p)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only %s", len(entries), p)
	}
	missing := filepath.Join(dir, "no", "such", "dir", "a.npy")
	if err := datasets.WriteNPY(missing, []float64{1}, []int{1}, false); errText(err, missing) != "" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing directory: got %v, want fs.ErrNotExist naming %s", err, missing)
	}

	for name, f := range map[string]func(){
		"short data":     func() { datasets.WriteNPY(filepath.Join(dir, "x.npy"), []float64{1, 2}, []int{3}, false) },
		"negative dim":   func() { datasets.WriteNPY(filepath.Join(dir, "x.npy"), nil, []int{-1, 0}, false) },
		"scalar of none": func() { datasets.WriteNPY(filepath.Join(dir, "x.npy"), nil, nil, false) },
	} {
		func() {
			defer func() {
				if r, ok := recover().(string); !ok || !strings.HasPrefix(r, "datasets: WriteNPY") {
					t.Errorf("%s: recovered %q, want a panic", name, r)
				}
			}()
			f()
		}()
	}
}

// Hand-made files: every element type, both byte orders, versions 1 to 3,
// headers padded with spaces or not, Python 2's long suffix, a scalar.
func TestReadNPYHandMade(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	f32 := func(o binary.AppendByteOrder, v ...float32) (b []byte) {
		for _, x := range v {
			b = o.AppendUint32(b, math.Float32bits(x))
		}
		return b
	}
	f64 := func(o binary.AppendByteOrder, v ...float64) (b []byte) {
		for _, x := range v {
			b = o.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	i32 := func(o binary.AppendByteOrder, v ...int32) (b []byte) {
		for _, x := range v {
			b = o.AppendUint32(b, uint32(x))
		}
		return b
	}
	i64 := func(o binary.AppendByteOrder, v ...int64) (b []byte) {
		for _, x := range v {
			b = o.AppendUint64(b, uint64(x))
		}
		return b
	}
	cases := []struct {
		name  string
		b     []byte
		shape []int
		want  []float64
	}{
		{"<f4 v1", npyBytes(1, npyDict("<f4", "(2,)", 118), f32(le, 1.5, -0.25)), []int{2}, []float64{1.5, -0.25}},
		{">f4 v1", npyBytes(1, npyDict(">f4", "(2,)", 118), f32(be, 1.5, -0.25)), []int{2}, []float64{1.5, -0.25}},
		{"<f8 v2", npyBytes(2, npyDict("<f8", "(1, 2)", 116), f64(le, math.Pi, -1e300)), []int{1, 2}, []float64{math.Pi, -1e300}},
		{">f8 v3", npyBytes(3, npyDict(">f8", "(2,)", 116), f64(be, math.E, 0)), []int{2}, []float64{math.E, 0}},
		{"|u1 unpadded", npyBytes(1, npyDict("|u1", "(3,)", 0), []byte{0, 7, 255}), []int{3}, []float64{0, 7, 255}},
		{"<u1", npyBytes(1, npyDict("<u1", "(1, 3)", 118), []byte{0, 7, 255}), []int{1, 3}, []float64{0, 7, 255}},
		{"<i4", npyBytes(1, npyDict("<i4", "(2,)", 118), i32(le, 70000, -3)), []int{2}, []float64{70000, -3}},
		{">i4", npyBytes(1, npyDict(">i4", "(2,)", 118), i32(be, 70000, -3)), []int{2}, []float64{70000, -3}},
		{"<i8", npyBytes(1, npyDict("<i8", "(2,)", 118), i64(le, 1<<40, -5)), []int{2}, []float64{1 << 40, -5}},
		{">i8", npyBytes(1, npyDict(">i8", "(2,)", 118), i64(be, 1<<40, -5)), []int{2}, []float64{1 << 40, -5}},
		{"scalar", npyBytes(1, npyDict("<f8", "()", 118), f64(le, 42)), []int{}, []float64{42}},
		{"empty", npyBytes(1, npyDict("<f8", "(0, 5)", 118), nil), []int{0, 5}, []float64{}},
		{"python 2 longs, double quotes, other key order", npyBytes(1,
			`{"shape": (2L, 1L), "fortran_order": False, "descr": "<i4"}`+"\n", i32(le, 1, 2)), []int{2, 1}, []float64{1, 2}},
		{"no trailing commas, tabs", npyBytes(1, "{'descr':'|u1',\t'fortran_order':False,'shape':(2)}", []byte{1, 2}), []int{2}, []float64{1, 2}},
		{"fortran order of a vector", npyBytes(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 2, 1), }\n", f64(le, 1, 2)), []int{1, 2, 1}, []float64{1, 2}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		p := writeFile(t, dir, "a.npy", c.b)
		data, shape, err := datasets.ReadNPY(p)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(shape, c.shape) || !slices.Equal(data, c.want) || shape == nil {
			t.Errorf("%s: got %v shape %v, want %v shape %v", c.name, data, shape, c.want, c.shape)
		}
	}
}

// validNPY returns small valid .npy files of several kinds.
func validNPY(t testing.TB) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	out := map[string][]byte{
		"v2 u1":  npyBytes(2, npyDict("|u1", "(2, 3)", 116), []byte{1, 2, 3, 4, 5, 6}),
		"v3 i8":  npyBytes(3, npyDict("<i8", "(1,)", 116), make([]byte, 8)),
		"scalar": npyBytes(1, npyDict("<f4", "()", 118), make([]byte, 4)),
	}
	for name, f32 := range map[string]bool{"f8 2x3": false, "f4 3x1x2": true} {
		p := filepath.Join(dir, "a.npy")
		shape := []int{2, 3}
		if f32 {
			shape = []int{3, 1, 2}
		}
		if err := datasets.WriteNPY(p, []float64{1, 2, 3, 4, 5, 6}, shape, f32); err != nil {
			t.Fatal(err)
		}
		out[name] = readFile(t, p)
	}
	return out
}

// Every proper prefix of a valid file is an error wrapping
// io.ErrUnexpectedEOF that names the file.
func TestReadNPYTruncated(t *testing.T) {
	dir := t.TempDir()
	for name, b := range validNPY(t) {
		p := writeFile(t, dir, "whole.npy", b)
		if _, _, err := datasets.ReadNPY(p); err != nil {
			t.Fatalf("%s: whole file: %v", name, err)
		}
		for i := range len(b) {
			p := writeFile(t, dir, "trunc.npy", b[:i])
			_, _, err := datasets.ReadNPY(p)
			if !errors.Is(err, io.ErrUnexpectedEOF) || errText(err, "datasets: "+p+": ") != "" || errClass(err) != "eof" {
				t.Errorf("%s truncated to %d of %d bytes: got %v, want io.ErrUnexpectedEOF naming %s", name, i, len(b), err, p)
			}
		}
	}
}

func TestReadNPYBadInput(t *testing.T) {
	three := npyBytes(1, npyDict("|u1", "(3,)", 118), []byte{1, 2, 3})
	hdr := func(h string) []byte { return npyBytes(1, h+"\n", []byte{1, 2, 3}) }
	const (
		format      = "format"      // a FormatError
		unsupported = "unsupported" // an UnsupportedError
	)
	cases := []struct {
		name  string
		b     []byte
		class string
		want  string // in the error message
	}{
		{"wrong magic", append([]byte("\x93NUMPZ"), three[6:]...), format, "magic"},
		{"text", []byte("hello, world"), format, "magic"},
		{"version 4.0", npyBytes(4, npyDict("|u1", "(3,)", 118), []byte{1, 2, 3}), unsupported, "version 4.0"},
		{"version 1.1", append([]byte("\x93NUMPY\x01\x01"), three[8:]...), unsupported, "version 1.1"},
		{"huge v2 header", npyBytes(2, npyDict("|u1", "(3,)", 70000), []byte{1, 2, 3}), unsupported, "too long"},
		{"complex", npyBytes(1, npyDict("<c16", "(3,)", 118), nil), unsupported,
			"'<c16' is not supported; use float32, float64, uint8, int32 or int64"},
		{"object", npyBytes(1, npyDict("|O", "(3,)", 118), nil), unsupported, "'|O' is not supported"},
		{"float16", npyBytes(1, npyDict("<f2", "(3,)", 118), nil), unsupported, "'<f2' is not supported"},
		{"structured", hdr("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }"), unsupported, "structured"},
		{"fortran order", npyBytes(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (3, 2), }\n", make([]byte, 6)), unsupported, "Fortran"},
		{"missing key", hdr("{'descr': '|u1', 'shape': (3,)}"), format, "no key 'fortran_order'"},
		{"extra key", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), 'x': 1}"), format, "unexpected key 'x'"},
		{"repeated key", hdr("{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (3,)}"), format, "twice"},
		{"not a dict", hdr("['descr', '|u1']"), format, "not a dict"},
		{"text after", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (3,)} x"), format, "after the dict"},
		{"bad bool", hdr("{'descr': '|u1', 'fortran_order': false, 'shape': (3,)}"), format, "True nor False"},
		{"negative dim", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (-3,)}"), format, "non-negative"},
		{"float dim", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (3.0,)}"), format, "after a dimension"},
		{"shape list", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': [3]}"), format, "tuple"},
		{"unterminated", hdr("{'descr': '|u1, 'fortran_order': False, 'shape': (3,)}"), format, ""},
		{"escape", hdr(`{'descr': '\x3cf8', 'fortran_order': False, 'shape': (3,)}`), unsupported, "escape"},
		{"dim too large", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999,)}"), unsupported, "too large"},
		{"2^28 + 1 elements", npyBytes(1, npyDict("|u1", "(268435457,)", 118), nil), unsupported, "too large"},
		{"2^62 elements", npyBytes(1, npyDict("|u1", "(2147483647, 2147483647)", 118), nil), unsupported, "too large"},
		{"33 dimensions", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (" + strings.Repeat("1, ", 33) + ")}"), unsupported, "dimensions"},
		{"34 dimensions", hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (" + strings.Repeat("1, ", 34) + ")}"), unsupported, "dimensions"},
		{"trailing byte", append(three[:len(three):len(three)], 0), format, "trailing"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		p := writeFile(t, dir, strings.ReplaceAll(c.name, " ", "_")+".npy", c.b)
		_, _, err := datasets.ReadNPY(p)
		if msg := errText(err, "datasets: "+p+": ", c.want); msg != "" {
			t.Errorf("%s: %s", c.name, msg)
		}
		if got := errClass(err); got != c.class {
			t.Errorf("%s: %v is of class %s, want %s", c.name, err, got, c.class)
		}
	}
	missing := filepath.Join(dir, "missing.npy")
	if _, _, err := datasets.ReadNPY(missing); errText(err, missing) != "" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: got %v, want fs.ErrNotExist naming %s", err, missing)
	}
}

// A header declaring 2^27 float64 values (1 GiB, which is allowed) on a
// short file is found out without allocating the gigabyte.
func TestReadNPYLyingHeader(t *testing.T) {
	p := writeFile(t, t.TempDir(), "lie.npy", npyBytes(1, npyDict("<f8", "(134217728,)", 118), make([]byte, 24)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := datasets.ReadNPY(p)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("got %v, want io.ErrUnexpectedEOF", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 32<<20 {
		t.Errorf("allocated %d bytes for a 24-byte payload", got)
	}
}

func TestLoadNPY(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []float64, shape []int, f32 bool) string {
		p := filepath.Join(dir, name)
		if err := datasets.WriteNPY(p, data, shape, f32); err != nil {
			t.Fatal(err)
		}
		return p
	}
	x := make([]float64, 4*2*3*2)
	for i := range x {
		x[i] = float64(i) / 10
	}
	labels := write("labels.npy", []float64{10, 3, 10, 7}, []int{4}, false)
	intLabels := writeFile(t, dir, "int-labels.npy",
		npyBytes(1, npyDict("<i8", "(4,)", 118), binary.LittleEndian.AppendUint64(
			binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(
				binary.LittleEndian.AppendUint64(nil, 10), 3), 10), 7)))
	for _, shape := range [][]int{{4, 12}, {4, 2, 6}, {4, 2, 3, 2}} {
		for _, lab := range []string{labels, intLabels} {
			data := write("x.npy", x, shape, true)
			s, err := datasets.LoadNPY(t.Context(), data, lab)
			if err != nil {
				t.Fatalf("shape %v: %v", shape, err)
			}
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			if s.Name != data || !slices.Equal(s.Shape, shape[1:]) || s.Len() != 4 ||
				!slices.Equal(s.Labels, []int{2, 0, 2, 1}) || !slices.Equal(s.Classes, []string{"3", "7", "10"}) {
				t.Errorf("shape %v: got %s shape %v labels %v classes %v", shape, s.Name, s.Shape, s.Labels, s.Classes)
			}
			if s.X[5] != float64(float32(0.5)) {
				t.Errorf("shape %v: X[5] = %v, want float32(0.5)", shape, s.X[5])
			}
		}
	}
	// Limit keeps the first samples, and only their labels become classes.
	s, err := datasets.LoadNPY(t.Context(), write("x.npy", x, []int{4, 12}, false), labels, datasets.Limit(2))
	if err != nil || s.Len() != 2 || !slices.Equal(s.X, x[:24]) || !slices.Equal(s.Classes, []string{"3", "10"}) ||
		!slices.Equal(s.Labels, []int{1, 0}) {
		t.Errorf("Limit(2): %v, %+v", err, s)
	}

	nan := slices.Clone(x)
	nan[13] = math.NaN()
	x6 := write("6d.npy", x, []int{4, 1, 2, 3, 2, 1}, false)
	cases := []struct {
		name         string
		data, labels string
		class        string // of the error, as errClass names it
		want         []string
	}{
		{"vector data", write("v.npy", x[:4], []int{4}, false), labels, "format", []string{"v.npy", "want m×d"}},
		{"6-D data", x6, labels, "unsupported", []string{x6, "shape [4 1 2 3 2 1]", "want m×d"}},
		{"empty sample", write("e.npy", nil, []int{4, 0}, false), labels, "format", []string{"want m×d"}},
		{"count mismatch", write("x.npy", x, []int{4, 12}, false), write("l3.npy", []float64{1, 2, 3}, []int{3}, false), "format", []string{"4 samples but", "l3.npy"}},
		{"2-D labels", write("x.npy", x, []int{4, 12}, false), write("l2.npy", []float64{1, 2, 3, 4}, []int{4, 1}, false), "format", []string{"l2.npy", "1-D"}},
		{"fractional label", write("x.npy", x, []int{4, 12}, false), write("lf.npy", []float64{1, 2.5, 3, 4}, []int{4}, false), "format", []string{"lf.npy", "label 1 is 2.5"}},
		{"negative label", write("x.npy", x, []int{4, 12}, false), write("ln.npy", []float64{1, 2, -3, 4}, []int{4}, false), "format", []string{"label 2 is -3"}},
		{"NaN label", write("x.npy", x, []int{4, 12}, false), write("lnan.npy", []float64{1, math.NaN(), 3, 4}, []int{4}, false), "format", []string{"label 1 is NaN"}},
		{"huge label", write("x.npy", x, []int{4, 12}, false), write("lh.npy", []float64{1, 1e17, 3, 4}, []int{4}, false), "format", []string{"2^53"}},
		{"NaN in data", write("nan.npy", nan, []int{4, 12}, false), labels, "format", []string{"nan.npy", "sample 1 holds NaN"}},
		{"Inf in data", write("inf.npy", []float64{1, 2, math.Inf(-1), 4}, []int{4, 1}, false), labels, "format", []string{"sample 2 holds -Inf"}},
		{"truncated labels", write("x.npy", x, []int{4, 12}, false), writeFile(t, dir, "lt.npy", readFile(t, labels)[:140]), "eof", []string{"lt.npy"}},
	}
	for _, c := range cases {
		_, err := datasets.LoadNPY(t.Context(), c.data, c.labels)
		if msg := errText(err, c.want...); msg != "" {
			t.Errorf("%s: %s", c.name, msg)
		}
		if got := errClass(err); got != c.class {
			t.Errorf("%s: %v is of class %s, want %s", c.name, err, got, c.class)
		}
	}
	if _, err := datasets.LoadNPY(t.Context(), filepath.Join(dir, "none.npy"), labels); errText(err, "none.npy") != "" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing data file: got %v", err)
	}
}

// A 5-D array m×C×D×H×W is a set of m volumes with C channels.
func TestLoadNPYVolumes(t *testing.T) {
	dir := t.TempDir()
	const m, c, d, h, w = 3, 2, 4, 3, 5
	x := make([]float64, m*c*d*h*w)
	for i := range x {
		x[i] = float64(i%251) / 4 // exact in float32 too
	}
	data := filepath.Join(dir, "vol.npy")
	if err := datasets.WriteNPY(data, x, []int{m, c, d, h, w}, true); err != nil {
		t.Fatal(err)
	}
	labels := filepath.Join(dir, "labels.npy")
	if err := datasets.WriteNPY(labels, []float64{1, 0, 1}, []int{m}, false); err != nil {
		t.Fatal(err)
	}
	s, err := datasets.LoadNPY(t.Context(), data, labels)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Shape, []int{c, d, h, w}) || s.Len() != m || s.Dim() != c*d*h*w ||
		!slices.Equal(s.Labels, []int{1, 0, 1}) || !slices.Equal(s.Classes, []string{"0", "1"}) {
		t.Fatalf("got shape %v, %d samples of %d, labels %v, classes %v", s.Shape, s.Len(), s.Dim(), s.Labels, s.Classes)
	}
	// Sample 2, channel 1, voxel (d, h, w) = (3, 2, 4) is the last value.
	if got, want := s.Row(2)[((1*d+3)*h+2)*w+4], x[len(x)-1]; got != want {
		t.Errorf("last voxel = %v, want %v", got, want)
	}
	if !slices.Equal(s.X, x) {
		t.Error("values differ from those written")
	}
	s, err = datasets.LoadNPY(t.Context(), data, labels, datasets.Limit(1))
	if err != nil || s.Len() != 1 || !slices.Equal(s.X, x[:c*d*h*w]) || !slices.Equal(s.Classes, []string{"1"}) {
		t.Errorf("Limit(1): %v", err)
	}
}

// Paths with commas can be named in an npy source (they were split at the
// first comma).
func TestLoadNPYCommaPaths(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run,1")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, labels := filepath.Join(dir, "x,a.npy"), filepath.Join(dir, "y,b.npy")
	if err := datasets.WriteNPY(data, []float64{1, 2, 3, 4}, []int{2, 2}, false); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNPY(labels, []float64{0, 1}, []int{2}, false); err != nil {
		t.Fatal(err)
	}
	s, err := datasets.Load(t.Context(), "npy:"+data+","+labels, "train")
	if err != nil || s.Name != data || s.Len() != 2 {
		t.Fatalf("got %v, %v", s, err)
	}
	if _, err := datasets.Load(t.Context(), "npy:a,b,c", "train"); errText(err, "cannot tell where DATA ends") != "" {
		t.Errorf("ambiguous: %s", errText(err, "cannot tell where DATA ends"))
	}
}
