package datasets_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
	"golang.org/x/image/bmp"

	"github.com/redunet-go/redunet/datasets"
)

// pngChunk appends a PNG chunk of type typ holding data, with its CRC.
func pngChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	c := append([]byte(typ), data...)
	return binary.BigEndian.AppendUint32(append(b, c...), crc32.ChecksumIEEE(c))
}

// pngBomb returns a PNG file of 65 bytes whose header claims w×h 8-bit
// RGBA pixels, with an IDAT chunk of an empty zlib stream: the shape of the
// decompression bombs of the issue (100000×100000 made the folder loader
// die of OOM, 2^29×2^29 made it panic in makeslice).
func pngBomb(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	b = pngChunk(b, "IHDR", append(ihdr, 8, 6, 0, 0, 0))
	b = pngChunk(b, "IDAT", []byte{0x78, 0x9c, 0x03, 0, 0, 0, 0, 1})
	return pngChunk(b, "IEND", nil)
}

// bigPNG returns a valid PNG of w×h black pixels, 1 bit each: 8 KB for
// 8200×8200, which decodes to 67 MB (the valid 20000×20000 PNG
// of 388 KB made the folder loader die of OOM).
func bigPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(w)), uint32(h))
	b = pngChunk(b, "IHDR", append(ihdr, 1, 0, 0, 0, 0))
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	row := make([]byte, 1+(w+7)/8) // filter type 0, then the bits
	for range h {
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	b = pngChunk(b, "IDAT", z.Bytes())
	return pngChunk(b, "IEND", nil)
}

// encoded returns m encoded with encode.
func encoded(t *testing.T, m image.Image, encode func(w *bytes.Buffer, m image.Image) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombs returns small files of every format whose headers claim far more
// pixels than DefaultMaxPixels: valid files of a few pixels with their
// size fields patched.
func bombs(t *testing.T) map[string][]byte {
	t.Helper()
	small := patternImage(8, 8)
	b := map[string][]byte{
		"png-100000x100000.png":   pngBomb(100000, 100000),
		"png-2^29x2^29.png":       pngBomb(1<<29, 1<<29),
		"png-valid-8200x8200.png": bigPNG(t, 8200, 8200),
	}

	g := encoded(t, small, func(w *bytes.Buffer, m image.Image) error { return encodeGIF(w, m) })
	binary.LittleEndian.PutUint16(g[6:], 65535) // the logical screen
	binary.LittleEndian.PutUint16(g[8:], 65535)
	b["gif-65535x65535.gif"] = g

	m := encoded(t, small, func(w *bytes.Buffer, m image.Image) error { return bmp.Encode(w, m) })
	binary.LittleEndian.PutUint32(m[18:], 1<<20) // BITMAPINFOHEADER width, height
	binary.LittleEndian.PutUint32(m[22:], 1<<20)
	b["bmp-2^20x2^20.bmp"] = m

	j := encoded(t, small, func(w *bytes.Buffer, m image.Image) error { return encodeJPEG(w, m) })
	sof := bytes.Index(j, []byte{0xff, 0xc0})
	if sof < 0 {
		t.Fatal("no SOF0 marker in the JPEG")
	}
	binary.BigEndian.PutUint16(j[sof+5:], 65535) // height, then width
	binary.BigEndian.PutUint16(j[sof+7:], 65535)
	b["jpeg-65535x65535.jpg"] = j

	tf := encoded(t, small, func(w *bytes.Buffer, m image.Image) error { return encodeTIFF(w, m) })
	ifd := binary.LittleEndian.Uint32(tf[4:]) // x/image/tiff writes little-endian
	for i, n := 0, int(binary.LittleEndian.Uint16(tf[ifd:])); i < n; i++ {
		e := tf[int(ifd)+2+12*i:]
		if tag := binary.LittleEndian.Uint16(e); tag == 256 || tag == 257 { // ImageWidth, ImageLength
			if binary.LittleEndian.Uint16(e[2:]) == 3 { // SHORT
				binary.LittleEndian.PutUint16(e[8:], 65535)
			} else {
				binary.LittleEndian.PutUint32(e[8:], 1<<20)
			}
		}
	}
	b["tiff-big.tiff"] = tf

	w, err := base64.StdEncoding.DecodeString(tinyWebP)
	if err != nil {
		t.Fatal(err)
	}
	k := bytes.Index(w, []byte{0x9d, 0x01, 0x2a}) // the VP8 start code, then 14-bit width and height
	binary.LittleEndian.PutUint16(w[k+3:], 0x3fff)
	binary.LittleEndian.PutUint16(w[k+5:], 0x3fff)
	b["webp-16383x16383.webp"] = w
	return b
}

// allocated returns the bytes that f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// An image whose header claims more pixels than the budget is refused
// before it is decoded, in every format: ReadImage returns an
// UnsupportedError at the cost of a few kilobytes, and LoadFolder skips it.
func TestImageBombs(t *testing.T) {
	dir := t.TempDir()
	class := filepath.Join(dir, "a")
	if err := os.Mkdir(class, 0o755); err != nil {
		t.Fatal(err)
	}
	good := encodeImage(t, class, "0-good.png", patternImage(8, 6), png.Encode)
	var paths []string
	for name, b := range bombs(t) {
		p := writeFile(t, class, name, b)
		paths = append(paths, p)
		var err error
		n := allocated(func() { _, _, err = datasets.ReadImage(t.Context(), p) })
		if errText(err, p, "MaxPixels") != "" || errClass(err) != "unsupported" {
			t.Errorf("%s: got %v, want an UnsupportedError naming the file and MaxPixels", name, err)
		}
		if n > 1<<20 {
			t.Errorf("%s: refusing it allocated %d bytes", name, n)
		}
		if _, err := datasets.LoadImage(p, 8, 8, false); errClass(err) != "unsupported" {
			t.Errorf("%s: LoadImage: got %v, want an UnsupportedError", name, err)
		}
	}
	slices.Sort(paths)
	s, skipped, err := datasets.LoadFolder(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1 || !slices.Equal(s.Shape, []int{3, 6, 8}) || !slices.Equal(skippedPaths(skipped), paths) {
		t.Fatalf("got %d samples of shape %v, skipped %q; want the good image only, the others skipped", s.Len(), s.Shape, skippedPaths(skipped))
	}
	for _, f := range skipped {
		if errClass(f.Err) != "unsupported" {
			t.Errorf("%s skipped for %v, want an UnsupportedError", f.Path, f.Err)
		}
	}
	want, _, err := datasets.ReadImage(t.Context(), good)
	if err != nil || !slices.Equal(want, s.Row(0)) {
		t.Errorf("the good image: %v, or it differs from ReadImage's", err)
	}
}

// MaxPixels sets the budget: an image of exactly that many pixels is
// decoded, one more is not; Size must fit in it too.
func TestMaxPixels(t *testing.T) {
	dir := t.TempDir()
	p := encodeImage(t, dir, "p.png", patternImage(10, 8), png.Encode) // 80 pixels
	if _, shape, err := datasets.ReadImage(t.Context(), p, datasets.MaxPixels(80)); err != nil || !slices.Equal(shape, []int{3, 8, 10}) {
		t.Errorf("MaxPixels(80): shape %v, %v", shape, err)
	}
	if _, _, err := datasets.ReadImage(t.Context(), p, datasets.MaxPixels(79)); errText(err, p, "10×8") != "" || errClass(err) != "unsupported" {
		t.Errorf("MaxPixels(79): got %v, want an UnsupportedError", err)
	}
	if _, _, err := datasets.ReadImage(t.Context(), p, datasets.MaxPixels(79), datasets.MaxPixels(0)); err != nil {
		t.Errorf("MaxPixels(0) restores the default: %v", err)
	}
	if _, _, err := datasets.ReadImage(t.Context(), p, datasets.Size(9, 9)); err != nil {
		t.Errorf("Size(9, 9): %v", err)
	}
	if _, _, err := datasets.ReadImage(t.Context(), p, datasets.Size(9, 9), datasets.MaxPixels(80)); errClass(err) != "unsupported" {
		t.Errorf("Size(9, 9) with MaxPixels(80): got %v, want an UnsupportedError", err)
	}

	folder := t.TempDir()
	for _, c := range []string{"a", "b"} {
		if err := os.Mkdir(filepath.Join(folder, c), 0o755); err != nil {
			t.Fatal(err)
		}
		encodeImage(t, filepath.Join(folder, c), "1.png", patternImage(10, 8), png.Encode)
		encodeImage(t, filepath.Join(folder, c), "2.png", patternImage(5, 4), png.Encode)
	}
	s, skipped, err := datasets.LoadFolder(t.Context(), folder, datasets.MaxPixels(79), datasets.Size(4, 4))
	if err != nil || s.Len() != 2 || len(skipped) != 2 || errClass(skipped[0].Err) != "unsupported" {
		t.Errorf("folder with MaxPixels(79): %v, %d samples, skipped %v", err, s.Len(), skipped)
	}
	if _, _, err := datasets.LoadFolder(t.Context(), folder, datasets.MaxPixels(15), datasets.Size(4, 4)); errText(err, folder, "4×4") != "" {
		t.Errorf("Size(4, 4) with MaxPixels(15): got %v", err)
	}
}

// Without Size, the first image sets the size, which the set's Notes
// record; a size below 4×4 or above 2^20 pixels is refused unless Size
// sets it.
func TestFolderSizeFromFirstImage(t *testing.T) {
	dir, _ := writeImageFolder(t)
	s, _, err := datasets.LoadFolder(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(dir, "cat", "a.png")
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "8×6") || !strings.Contains(s.Notes[0], first) {
		t.Errorf("notes %q, want one naming the size 8×6 and %s", s.Notes, first)
	}
	sub, err := s.Subset(nil, 1, 0)
	if err != nil || !slices.Equal(sub.Notes, s.Notes) {
		t.Errorf("Subset: %v, notes %q", err, sub.Notes)
	}
	if s, _, err := datasets.LoadFolder(t.Context(), dir, datasets.Size(5, 5)); err != nil || s.Notes != nil {
		t.Errorf("Size(5, 5): %v, notes %q; want none", err, s.Notes)
	}

	for _, tc := range []struct {
		w, h int
		want string
	}{{1, 1, "too small"}, {3, 40, "too small"}, {1025, 1024, "too large"}} {
		dir := t.TempDir()
		class := filepath.Join(dir, "c")
		if err := os.Mkdir(class, 0o755); err != nil {
			t.Fatal(err)
		}
		p := encodeImage(t, class, "1.png", solidImage(tc.w, tc.h, folderRed), png.Encode)
		encodeImage(t, class, "2.png", patternImage(8, 6), png.Encode)
		_, _, err := datasets.LoadFolder(t.Context(), dir)
		if msg := errText(err, dir, p, tc.want, "Size"); msg != "" {
			t.Errorf("first image %d×%d: %s", tc.w, tc.h, msg)
		}
		if _, _, err := datasets.ReadImage(t.Context(), p); errText(err, p, tc.want, "Size") != "" {
			t.Errorf("ReadImage of a %d×%d image without Size: got %v", tc.w, tc.h, err)
		}
		// Size chooses any size, the first image's too.
		s, _, err := datasets.LoadFolder(t.Context(), dir, datasets.Size(tc.w, tc.h))
		if err != nil || s.Len() != 2 || !slices.Equal(s.Shape, []int{3, tc.h, tc.w}) {
			t.Errorf("Size(%d, %d): %v", tc.w, tc.h, err)
		}
	}
}

// A folder whose first image sets a large size and that holds many other
// files allocates for the samples it decodes, not for every file at the
// first image's size (which was 2000 × 24 MiB here).
func TestFolderAllocatesAsItDecodes(t *testing.T) {
	dir := t.TempDir()
	class := filepath.Join(dir, "c")
	if err := os.Mkdir(class, 0o755); err != nil {
		t.Fatal(err)
	}
	encodeImage(t, class, "0.png", solidImage(1024, 1024, folderRed), png.Encode)
	for i := range 2000 {
		writeFile(t, class, fmt.Sprintf("junk%04d.txt", i), []byte("x"))
	}
	var s *datasets.Set
	var err error
	n := allocated(func() { s, _, err = datasets.LoadFolder(t.Context(), dir) })
	if err != nil || s.Len() != 1 || len(s.Skipped) != 2000 {
		t.Fatalf("%v; %d samples, %d skipped", err, s.Len(), len(s.Skipped))
	}
	if n > 512<<20 {
		t.Errorf("allocated %d MiB for one sample of 24 MiB", n>>20)
	}
}

// ReadImage applies a JPEG's EXIF orientation exactly as imaging does with
// AutoOrientation(true), for the eight orientations.
func TestReadImageOrientation(t *testing.T) {
	dir := t.TempDir()
	plain := encoded(t, patternImage(8, 6), func(w *bytes.Buffer, m image.Image) error { return encodeJPEG(w, m) })
	for o := range 8 {
		for _, order := range []string{"MM", "II"} {
			bo := binary.AppendByteOrder(binary.BigEndian)
			if order == "II" {
				bo = binary.LittleEndian
			}
			tiff := []byte(order)
			tiff = bo.AppendUint16(tiff, 42)
			tiff = bo.AppendUint32(tiff, 8)
			tiff = bo.AppendUint16(tiff, 1)      // one entry
			tiff = bo.AppendUint16(tiff, 0x0112) // Orientation
			tiff = bo.AppendUint16(tiff, 3)      // SHORT
			tiff = bo.AppendUint32(tiff, 1)
			tiff = bo.AppendUint16(tiff, uint16(o+1))
			tiff = append(tiff, 0, 0, 0, 0, 0, 0) // value padding, no next IFD
			app1 := append([]byte("Exif\x00\x00"), tiff...)
			seg := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(app1)+2))
			file := append(append(append([]byte{}, plain[:2]...), append(seg, app1...)...), plain[2:]...)
			p := writeFile(t, dir, "o.jpg", file)

			got, shape, err := datasets.ReadImage(t.Context(), p)
			if err != nil {
				t.Fatalf("orientation %d: %v", o+1, err)
			}
			ref, err := imaging.Open(p, imaging.AutoOrientation(true))
			if err != nil {
				t.Fatal(err)
			}
			w, h := ref.Bounds().Dx(), ref.Bounds().Dy()
			if want := map[bool][2]int{false: {8, 6}, true: {6, 8}}[o+1 >= 5]; w != want[0] || h != want[1] {
				t.Fatalf("orientation %d: imaging gives %d×%d", o+1, w, h)
			}
			if !slices.Equal(shape, []int{3, h, w}) {
				t.Fatalf("orientation %d %s: shape %v, want [3 %d %d]", o+1, order, shape, h, w)
			}
			m := imaging.Clone(ref)
			for c := range 3 {
				for y := range h {
					for x := range w {
						if v, want := got[(c*h+y)*w+x], float64(m.Pix[y*m.Stride+4*x+c])/255; v != want {
							t.Fatalf("orientation %d %s: (%d,%d,%d) = %v, want %v", o+1, order, c, y, x, v, want)
						}
					}
				}
			}
		}
	}
}

// ReadImage gives the shape it decoded at and refuses what LoadFolder
// skips, naming the file.
func TestReadImage(t *testing.T) {
	dir, skipped := writeImageFolder(t)
	s, _, err := datasets.LoadFolder(t.Context(), dir, datasets.Gray(true), datasets.Size(4, 3))
	if err != nil {
		t.Fatal(err)
	}
	x, shape, err := datasets.ReadImage(t.Context(), filepath.Join(dir, "dog", "02.tiff"), datasets.Gray(true), datasets.Size(4, 3))
	if err != nil || !slices.Equal(shape, []int{1, 3, 4}) || !slices.Equal(x, s.Row(4)) {
		t.Errorf("02.tiff: shape %v, %v, or it differs from LoadFolder's sample", shape, err)
	}
	x, shape, err = datasets.ReadImage(t.Context(), filepath.Join(dir, "dog", "02.tiff"))
	if err != nil || !slices.Equal(shape, []int{3, 12, 16}) || len(x) != 3*12*16 {
		t.Errorf("02.tiff at its own size: shape %v, %d values, %v", shape, len(x), err)
	}
	for _, p := range skipped {
		if x, shape, err := datasets.ReadImage(t.Context(), p); err == nil || x != nil || shape != nil || errText(err, p) != "" {
			t.Errorf("%s: got %d values, shape %v, error %v", p, len(x), shape, err)
		}
	}
	if _, _, err := datasets.ReadImage(t.Context(), filepath.Join(dir, "missing.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	p := filepath.Join(dir, "cat", "a.png")
	if _, _, err := datasets.ReadImage(ctx, p); !errors.Is(err, context.Canceled) || errText(err, p) != "" {
		t.Errorf("cancelled: got %v, want context.Canceled naming %s", err, p)
	}
}

// An image within the pixel budget but of an extreme shape costs what its
// pixels cost: a side longer than MaxImageSide is refused, and resizing a
// tall, narrow image wide goes through the smaller image in between (16
// GiB across first for this one).
func TestImageAspect(t *testing.T) {
	dir := t.TempDir()
	long := writeFile(t, dir, "long.png", bigPNG(t, datasets.MaxImageSide+1, 1))
	if _, _, err := datasets.ReadImage(t.Context(), long, datasets.Size(4, 4)); errText(err, long, "MaxImageSide") != "" || errClass(err) != "unsupported" {
		t.Errorf("%d×1: got %v, want an UnsupportedError naming MaxImageSide", datasets.MaxImageSide+1, err)
	}
	tall := writeFile(t, dir, "tall.png", bigPNG(t, 8, datasets.MaxImageSide))
	var x []float64
	var shape []int
	var err error
	n := allocated(func() {
		x, shape, err = datasets.ReadImage(t.Context(), tall, datasets.Size(datasets.MaxImageSide, 8), datasets.Gray(true))
	})
	if err != nil || !slices.Equal(shape, []int{1, 8, datasets.MaxImageSide}) || slices.Max(x) != 0 {
		t.Fatalf("8×65536 to 65536×8: shape %v, %v", shape, err)
	}
	if n > 64<<20 {
		t.Errorf("8×65536 to 65536×8 allocated %d MiB", n>>20)
	}
	if _, _, err := datasets.ReadImage(t.Context(), tall, datasets.Size(datasets.MaxImageSide+1, 1)); errText(err, "MaxImageSide") != "" || errClass(err) != "unsupported" {
		t.Errorf("Size(%d, 1): got %v, want an UnsupportedError", datasets.MaxImageSide+1, err)
	}
}
