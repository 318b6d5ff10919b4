package datasets

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"slices"
	"testing"
)

// idxFile encodes an IDX object of unsigned bytes with the given dims.
func idxFile(dims []uint32, data []byte) []byte {
	b := []byte{0, 0, IDXUint8, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

// gzipped compresses b into one gzip member.
func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// FuzzIDXPair drives the reader of LoadIDXPair, which reads an images and
// a labels stream side by side and keeps what Limit, PerClass and Classes
// select. It is seeded with small pairs, plain, gzipped and in two gzip
// members (which the reader failed on). Whatever the bytes and options, it
// must not panic; what it returns must be a valid set that obeys the
// options; and when both streams read whole with ReadIDX, the set must be
// the selection of their samples in file order.
func FuzzIDXPair(f *testing.F) {
	pixels := make([]byte, 6*2*2)
	for i := range pixels {
		pixels[i] = byte(11 * i)
	}
	images := idxFile([]uint32{6, 2, 2}, pixels)
	labels := idxFile([]uint32{6}, []byte{3, 1, 3, 0, 9, 1})
	f.Add(images, labels, 0, 0, uint16(0))
	f.Add(images, labels, 1, 0, uint16(1<<3|1<<1))
	f.Add(gzipped(images), gzipped(labels), 2, 3, uint16(0))
	f.Add(append(gzipped(images[:9]), gzipped(images[9:])...), append(gzipped(labels[:3]), gzipped(labels[3:])...), 1, 0, uint16(0))
	f.Add(images, idxFile([]uint32{6}, []byte{3, 1, 10, 0, 9, 1}), 0, 0, uint16(0))
	f.Add(images[:len(images)-1], labels, 1, 0, uint16(1<<3))
	f.Fuzz(func(t *testing.T, imgB, labB []byte, perClass, limit int, mask uint16) {
		perClass, limit = perClass%8, limit%16
		var ids []int
		for k := range 10 {
			if mask&(1<<k) != 0 {
				ids = append(ids, k)
			}
		}
		o := newOptions([]Option{PerClass(perClass), Limit(limit), Classes(ids)})
		sel, err := o.newSelector("fuzz", 10)
		if err != nil {
			t.Fatal(err)
		}
		img, err := newIDXStream(bytes.NewReader(imgB), -1)
		if err != nil {
			return
		}
		lab, err := newIDXStream(bytes.NewReader(labB), -1)
		if err != nil {
			return
		}
		names := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
		s, err := readIDXPair(context.Background(), img, lab, "images", "labels", "fuzz", names, sel)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		if limit > 0 && s.Len() > limit {
			t.Fatalf("%d samples with Limit(%d)", s.Len(), limit)
		}
		for k, n := range s.Counts() {
			if (perClass > 0 && n > perClass) || (ids != nil && n > 0 && !slices.Contains(ids, k)) {
				t.Fatalf("%d samples of class %d with PerClass(%d), Classes(%v)", n, k, perClass, ids)
			}
		}
		whole, err1 := ReadIDX(bytes.NewReader(imgB))
		wlab, err2 := ReadIDX(bytes.NewReader(labB))
		if err1 != nil || err2 != nil {
			return
		}
		want := newOptions([]Option{PerClass(perClass), Limit(limit), Classes(ids)})
		wsel, _ := want.newSelector("fuzz", 10)
		d := s.Dim()
		var wx []float64
		var wl []int
		for i, l := range wlab.Data {
			if wsel.take(int(l)) {
				wl = append(wl, int(l))
				for _, v := range whole.Data[i*d : (i+1)*d] {
					wx = append(wx, float64(v)/255)
				}
			}
		}
		if !slices.Equal(s.Labels, wl) || !slices.Equal(s.X, wx) {
			t.Fatalf("labels %v, want %v (or values differ)", s.Labels, wl)
		}
	})
}
