package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"testing"
)

// npyFile returns a .npy file as WriteNPY writes it, with raw as its data.
func npyFile(shape []int, float32 bool, raw []byte) []byte {
	return append(npyHeaderBytes(shape, float32), raw...)
}

// Limit keeps the first rows and stops reading there; the number of rows
// the header declares is reported.
func TestReadNPYLimit(t *testing.T) {
	raw := make([]byte, 0, 6*8)
	for i := range 6 {
		raw = binary.LittleEndian.AppendUint64(raw, uint64(i)<<52) // small positive float64s
	}
	b := npyFile([]int{3, 2}, false, raw)
	for _, limit := range []int{0, 1, 2, 3, 4} {
		// Bytes after the kept rows are not read, so trailing junk and
		// truncation after them go unnoticed, as with the IDX reader.
		in := b
		if limit == 1 {
			in = b[:len(b)-1]
		}
		data, shape, declared, err := readNPY(bytes.NewReader(in), limit)
		rows := 3
		if limit > 0 && limit < 3 {
			rows = limit
		}
		if err != nil || declared != 3 || !slices.Equal(shape, []int{rows, 2}) || len(data) != 2*rows {
			t.Errorf("limit %d: %v, declared %d, shape %v, %d values", limit, err, declared, shape, len(data))
		}
	}
	// A scalar ignores the limit.
	data, shape, declared, err := readNPY(bytes.NewReader(npyFile(nil, true, make([]byte, 4))), 1)
	if err != nil || declared != 1 || len(shape) != 0 || len(data) != 1 {
		t.Errorf("scalar: %v, declared %d, shape %v, %d values", err, declared, shape, len(data))
	}
}

// The header WriteNPY writes parses back, for any number of dimensions.
func TestNPYHeaderBytes(t *testing.T) {
	for _, shape := range [][]int{nil, {0}, {7}, {1, 2}, {3, 4, 5, 6}, {1 << 30, 0, 1 << 30}} {
		for _, f32 := range []bool{false, true} {
			b := npyHeaderBytes(shape, f32)
			if len(b)%64 != 0 || b[len(b)-1] != '\n' {
				t.Errorf("shape %v: header of %d bytes ending %q", shape, len(b), b[len(b)-1])
			}
			h, err := parseNPYHeader(string(b[10:]))
			if err != nil || h.fortran || !slices.Equal(h.shape, shape) || (h.descr == "<f4") != f32 {
				t.Errorf("shape %v float32=%v: %+v, %v", shape, f32, h, err)
			}
		}
	}
}

// FuzzReadNPY is seeded with small valid files of every element type and
// version; whatever the input, readNPY must not panic, and what it accepts
// must be consistent.
func FuzzReadNPY(f *testing.F) {
	for _, descr := range []string{"<f4", ">f4", "<f8", ">f8", "|u1", "<i4", "<i8"} {
		size := npyTypes[descr].size
		for _, major := range []byte{1, 2, 3} {
			h := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2, 1), }\n"
			b := append([]byte(npyMagic), major, 0)
			if major == 1 {
				b = binary.LittleEndian.AppendUint16(b, uint16(len(h)))
			} else {
				b = binary.LittleEndian.AppendUint32(b, uint32(len(h)))
			}
			f.Add(append(append(b, h...), make([]byte, 2*size)...), 0)
		}
	}
	f.Add(npyFile([]int{2, 3}, false, make([]byte, 48)), 1)
	f.Add(npyFile(nil, true, make([]byte, 4)), 0)
	f.Add(npyFile([]int{0, 4}, true, nil), 0)
	f.Fuzz(func(t *testing.T, b []byte, limit int) {
		data, shape, declared, err := readNPY(bytes.NewReader(b), limit)
		if err != nil {
			if data != nil || shape != nil {
				t.Fatalf("error %v with data or shape", err)
			}
			return
		}
		n := 1
		for _, d := range shape {
			n *= d
		}
		if len(data) != n || declared < 0 || (len(shape) > 0 && shape[0] > declared) {
			t.Fatalf("shape %v declared %d, %d values", shape, declared, len(data))
		}
		if limit <= 0 && len(shape) > 0 && shape[0] != declared {
			t.Fatalf("no limit, shape %v, declared %d", shape, declared)
		}
		// A valid file with its last byte cut off is truncated.
		if limit <= 0 && len(b) > 0 {
			if _, _, _, err := readNPY(bytes.NewReader(b[:len(b)-1]), 0); !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("one byte short: %v", err)
			}
		}
	})
}

// FuzzNPYHeader is seeded with the headers of valid files, as WriteNPY
// writes them and as NumPy and Python 2 wrote them. Whatever the header,
// parsing and checking it must not panic, and a header that passes must
// describe an array within the limits; followed by its data it must read
// back, and followed by less than that it must be reported as truncated.
func FuzzNPYHeader(f *testing.F) {
	for _, shape := range [][]int{nil, {0}, {7}, {2, 3}, {3, 1, 2}, {2, 2, 1, 3, 4}} {
		for _, f32 := range []bool{false, true} {
			f.Add(string(npyHeaderBytes(shape, f32)[10:]))
		}
	}
	for _, h := range []string{
		"{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }",
		"{'descr': '>i8', 'fortran_order': True, 'shape': (1, 4, 1), }",
		`{"shape": (2L, 1L), "fortran_order": False, "descr": "<i4"}`,
		"{'descr':'|u1',\t'fortran_order':False,'shape':(2)}",
	} {
		f.Add(h + "\n")
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseNPYHeader(s)
		if err == nil {
			err = h.check()
		}
		if err != nil {
			var fe FormatError
			var ue UnsupportedError
			if !errors.As(err, &fe) && !errors.As(err, &ue) {
				t.Fatalf("error %v is neither a FormatError nor an UnsupportedError", err)
			}
			return
		}
		n := 1
		for _, d := range h.shape {
			n *= d
		}
		if len(h.shape) > maxNPYDims || n != h.elems || n > maxNPYElems || h.typ.size == 0 {
			t.Fatalf("header %q: shape %v, %d elements of %d bytes", s, h.shape, h.elems, h.typ.size)
		}
		if (h.descr == "<f8" || h.descr == "<f4") && !h.fortran {
			b := npyHeaderBytes(h.shape, h.descr == "<f4") // version 1.0: at most 32 dimensions
			g, err := parseNPYHeader(string(b[10:]))
			if b[6] != 1 || err != nil || !slices.Equal(g.shape, h.shape) || g.descr != h.descr {
				t.Fatalf("header %q written back as %q: %+v, %v", s, b, g, err)
			}
		}
		if len(s) > maxNPYHeader || n*h.typ.size > 1<<16 {
			return
		}
		file := binary.LittleEndian.AppendUint16([]byte(npyMagic+"\x01\x00"), uint16(len(s)))
		file = append(file, s...)
		whole := append(file, make([]byte, n*h.typ.size)...)
		data, shape, _, err := readNPY(bytes.NewReader(whole), 0)
		if err != nil || len(data) != n || !slices.Equal(shape, h.shape) {
			t.Fatalf("header %q with its %d data bytes: %v, shape %v, %d values", s, n*h.typ.size, err, shape, len(data))
		}
		if n > 0 {
			if _, _, _, err := readNPY(bytes.NewReader(whole[:len(whole)-1]), 0); !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("header %q with one data byte short: %v", s, err)
			}
		}
	})
}

// The two paths of an npy source are split after the first ".npy," or at
// its only comma; anything else is an error.
func TestSplitNPYSource(t *testing.T) {
	for _, c := range []struct{ spec, data, labels string }{
		{"a.npy,b.npy", "a.npy", "b.npy"},
		{"x.bin,y.bin", "x.bin", "y.bin"},
		{"runs/a,b/x.npy,runs/a,b/y.npy", "runs/a,b/x.npy", "runs/a,b/y.npy"},
		{"x.npy,labels,v2.npy", "x.npy", "labels,v2.npy"},
		{"a,b.npy,c", "a,b.npy", "c"},
		{"x.npy,y.npy,z.npy", "x.npy", "y.npy,z.npy"},
	} {
		data, labels, err := splitNPYSource(c.spec)
		if err != nil || data != c.data || labels != c.labels {
			t.Errorf("%q: got %q, %q, %v; want %q, %q", c.spec, data, labels, err, c.data, c.labels)
		}
	}
	for _, spec := range []string{"a.npy", "a.npy,", ",b.npy", "a,b,c", "a,b,c.npy", ","} {
		if d, l, err := splitNPYSource(spec); err == nil {
			t.Errorf("%q: got %q, %q, want an error", spec, d, l)
		}
	}
}
