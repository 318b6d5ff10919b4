package datasets

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"sync"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/bmp"  // register BMP for image.Decode
	_ "golang.org/x/image/tiff" // register TIFF
	_ "golang.org/x/image/webp" // register WebP
)

// This file decodes one image file safely: the header is read first with
// image.DecodeConfig and an image larger than the pixel budget is refused
// before its decoder allocates anything, so that a file of a few bytes that
// claims 100000×100000 pixels costs nothing.

// DefaultMaxPixels is the largest image, in pixels, that LoadFolder and
// ReadImage decode unless MaxPixels says otherwise: 2^26 pixels, 64
// megapixels (8192×8192). Decoding an image of n pixels takes up to about
// 16n bytes while it lasts (the decoded image, a rotated copy for an EXIF
// orientation, the decoder's own buffers), so about 1 GiB at the default.
const DefaultMaxPixels = 1 << 26

// minAutoSide and maxAutoPixels bound the size that the first image of a
// folder sets, when Size does not set it: at least 4×4, at most 2^20
// pixels (1024×1024; a sample of that size holds 3 Mi float64 values, 24
// MiB). Size may choose any size.
const (
	minAutoSide   = 4
	maxAutoPixels = 1 << 20
)

// MaxImageSide is the longest side, in pixels, of an image that LoadFolder
// and ReadImage decode, and of a size that Size may set: 65536, the most
// that PNG encoders, JPEG and GIF write in practice. An image within
// MaxPixels but longer (such as 1×2^26 pixels) would cost far more to
// resize than its pixels: the resampling weights grow with the length of
// a side, and resizing it across costs the long side times the new short
// one.
const MaxImageSide = 1 << 16

// MaxPixels sets the largest image, in width × height pixels, that
// LoadFolder and ReadImage decode (n <= 0 restores the default,
// DefaultMaxPixels). The size is read from the file's header before the
// image is decoded, and a larger image is not decoded at all: LoadFolder
// skips it and lists it in Set.Skipped, with an error wrapping an
// UnsupportedError, and ReadImage returns that error. It bounds the memory
// that one hostile or huge file can take, such as a PNG of 69 bytes whose
// header claims 100000×100000 pixels. LoadFolder decodes images in
// parallel but never more than n pixels at a time, so n also bounds its
// memory for decoding. A size set with Size must be within n pixels too.
// Images and sizes with a side longer than MaxImageSide are refused
// whatever n is. Loaders of other sources ignore it.
func MaxPixels(n int) Option {
	return func(o *options) {
		if n <= 0 {
			n = DefaultMaxPixels
		}
		o.maxPixels = n
	}
}

// ReadImage decodes the image file at path as LoadFolder decodes each of
// its files, with the same checks, and returns its values and their shape
// [c,h,w]: c planes of h rows of w values in [0,1], one gray plane (c = 1)
// with Gray(true), else R, G and B (c = 3), the alpha channel dropped. It
// reads the formats LoadFolder reads (PNG, JPEG, GIF, BMP, TIFF, WebP; the
// first frame of a GIF; EXIF orientation applied to JPEG).
//
// The options are those of LoadFolder for one image: Size(w, h) resizes it
// to w×h pixels (Lanczos) if its size differs; without Size the image keeps
// its own size, which must then be at least 4×4 and at most 2^20 pixels,
// the bounds of a size that a folder's first image sets. MaxPixels bounds
// the image that is decoded at all (DefaultMaxPixels by default): its
// header is read first and a larger image is refused before it is
// decoded.
//
// It returns an error naming path if the file cannot be read or is not a
// regular file (an error wrapping ErrNotRegular; a named pipe is not
// waited on), if it is not an image that can be decoded (a folder, an empty
// or damaged file, another format), if it is larger than MaxPixels or
// Size is (an error wrapping an UnsupportedError), or if its size does not
// fit the bounds above; and an error wrapping ctx.Err() if ctx is done
// before the image is decoded.
func ReadImage(ctx context.Context, path string, opts ...Option) (sample []float64, shape []int, err error) {
	o := newOptions(opts)
	w, h, gray := o.folder.w, o.folder.h, o.folder.gray
	if w > 0 && !o.sizeOK(w, h) {
		return nil, nil, fileError(path, sizeTooLarge(w, h, o.maxPixels))
	}
	err = decodeImageFile(ctx, path, o.maxPixels, nil, func(img image.Image) error {
		if w == 0 {
			b := img.Bounds()
			if err := checkAutoSize(b.Dx(), b.Dy()); err != nil {
				return fmt.Errorf("image of %d×%d pixels: %w; choose a size with Size", b.Dx(), b.Dy(), err)
			}
			w, h = b.Dx(), b.Dy()
		}
		sample = imageValues(img, w, h, gray)
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, cancelled(ctx, path)
		}
		return nil, nil, fileError(path, err)
	}
	c := 3
	if gray {
		c = 1
	}
	return sample, []int{c, h, w}, nil
}

// LoadImage decodes one image file as LoadFolder decodes each of its files
// (PNG, JPEG, GIF, BMP, TIFF or WebP; the first frame of a GIF; EXIF
// orientation applied): resized with a Lanczos filter to w×h pixels if its
// size differs, converted to one gray channel if gray, else to R, G and B,
// the alpha channel dropped. It returns c·h·w values in [0,1], c planes of
// h rows of w values (c = 1 if gray, else 3), the layout of a sample of
// shape [c,h,w]. It is ReadImage with the options Size(w, h) and
// Gray(gray), and has its checks: an image larger than DefaultMaxPixels is
// refused before it is decoded.
//
// It returns an error naming path if w or h is less than 1 or if the file
// cannot be read or decoded as an image (a folder, a named pipe, an empty
// or damaged file, another format, too many pixels).
//
// ReadImage is the general form, with a context and options.
func LoadImage(path string, w, h int, gray bool) ([]float64, error) {
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("datasets: %s: image size %d×%d, want at least 1×1", path, w, h)
	}
	v, _, err := ReadImage(context.Background(), path, Size(w, h), Gray(gray))
	return v, err
}

// sizeTooLarge is the error for a size set with Size beyond the budget.
func sizeTooLarge(w, h, maxPixels int) error {
	if w > MaxImageSide || h > MaxImageSide {
		return unsupportedf("size %d×%d has a side longer than MaxImageSide, %d pixels", w, h, MaxImageSide)
	}
	return unsupportedf("size %d×%d is more than the %d pixels of MaxPixels", w, h, maxPixels)
}

// sizeOK reports whether Size(w, h) is within the bounds of o.
func (o *options) sizeOK(w, h int) bool {
	return w <= MaxImageSide && h <= MaxImageSide && w <= o.maxPixels/h
}

// checkAutoSize returns an error if w×h is outside the bounds of a size
// that is not set with Size.
func checkAutoSize(w, h int) error {
	switch {
	case w < minAutoSide || h < minAutoSide:
		return fmt.Errorf("too small to set the size of the samples (at least %d×%d)", minAutoSide, minAutoSide)
	case w > maxAutoPixels/h:
		return fmt.Errorf("too large to set the size of the samples (at most %d pixels)", maxAutoPixels)
	}
	return nil
}

// decodeImageFile decodes the image file at path, reading it through ctx,
// as decodeImage does. A path that is not a regular file gives an
// *fs.PathError wrapping errIsFolder or ErrNotRegular, without opening a
// named pipe for long. Errors have no package prefix.
func decodeImageFile(ctx context.Context, path string, maxPixels int, gate *pixelGate, use func(image.Image) error) error {
	f, _, err := openRegular(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return decodeImage(ctxFile{ctx, f}, maxPixels, gate, use)
}

// ctxFile reads and seeks a file until ctx is done; then Read returns
// ctx.Err(), so that a decoder stops within one buffer of a cancellation.
type ctxFile struct {
	ctx context.Context
	f   *os.File
}

func (c ctxFile) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.f.Read(p)
}

func (c ctxFile) Seek(offset int64, whence int) (int64, error) { return c.f.Seek(offset, whence) }

// errDecoderPanic marks the error of an image decoder that panicked.
var errDecoderPanic = errors.New("image decoder panicked")

// decodeImage decodes the image that r holds, from its start, and calls
// use with it; the image must not be kept after use returns. It reads the
// header first and refuses, before decoding, an image of size 0 (a
// FormatError) or of more than maxPixels pixels (an UnsupportedError).
// For a JPEG it applies the EXIF orientation. Decoding waits at gate, if
// not nil, so that the images decoded at the same time stay within the
// budget. A decoder that panics gives an error wrapping errDecoderPanic.
// Errors have no package prefix.
func decodeImage(r io.ReadSeeker, maxPixels int, gate *pixelGate, use func(image.Image) error) error {
	cfg, format, err := image.DecodeConfig(bufio.NewReader(r))
	if err != nil {
		return err
	}
	w, h := cfg.Width, cfg.Height
	if w <= 0 || h <= 0 {
		return formatErrorf("%s image of size %d×%d", format, w, h)
	}
	if w > maxPixels/h {
		return unsupportedf("%s image of %d×%d pixels, more than the %d pixels that are decoded (MaxPixels)",
			format, w, h, maxPixels)
	}
	if w > MaxImageSide || h > MaxImageSide {
		return unsupportedf("%s image of %d×%d pixels, a side longer than the %d pixels that are decoded (MaxImageSide)",
			format, w, h, MaxImageSide)
	}
	orient := 1
	if format == "jpeg" {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return err
		}
		orient = jpegOrientation(bufio.NewReader(r))
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}

	defer gate.enter(w * h)()
	img, err := decodeRecovered(bufio.NewReader(r), format)
	if err != nil {
		return err
	}
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 || b.Dx() > maxPixels/b.Dy() || b.Dx() > MaxImageSide || b.Dy() > MaxImageSide {
		return formatErrorf("%s image decodes to %d×%d pixels, its header says %d×%d", format, b.Dx(), b.Dy(), w, h)
	}
	return use(orientImage(img, orient))
}

// decodeRecovered decodes the image r holds, turning a panic of the
// decoder into an error wrapping errDecoderPanic.
func decodeRecovered(r io.Reader, format string) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%w: %s: %v", errDecoderPanic, format, p)
		}
	}()
	img, _, err = image.Decode(r)
	return img, err
}

// imageValues returns the pixels of img, resized to w×h if needed, as c
// planes of h rows of w values in [0,1]: one gray plane if gray, else R, G
// and B.
func imageValues(img image.Image, w, h int, gray bool) []float64 {
	img = resize(img, w, h)
	var m *image.NRGBA
	if gray {
		m = imaging.Grayscale(img)
	} else {
		m = imaging.Clone(img)
	}
	planes := 3
	if gray {
		planes = 1
	}
	v := make([]float64, planes*w*h)
	for c := range planes {
		for y := range h {
			row := m.Pix[y*m.Stride:]
			out := v[(c*h+y)*w:]
			for x := range w {
				out[x] = float64(row[4*x+c]) / 255
			}
		}
	}
	return v
}

// resize returns img resized to w×h with a Lanczos filter, or img if it
// has that size. imaging.Resize resizes across first, through an image of
// w × (img's height) pixels; when resizing down first is smaller (an image
// much taller than wide, made wide), resize does that instead, so that the
// image in between never has more pixels than the larger of img and the
// result. Otherwise the result is imaging.Resize's.
func resize(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	switch {
	case sw == w && sh == h:
		return img
	case sw != w && sh != h && int64(w)*int64(sh) > int64(sw)*int64(h):
		return imaging.Resize(imaging.Resize(img, sw, h, imaging.Lanczos), w, h, imaging.Lanczos)
	}
	return imaging.Resize(img, w, h, imaging.Lanczos)
}

// pixelGate lets images be decoded in parallel while the pixels being
// decoded stay within a budget: an image of at most shared pixels (the
// budget divided by the number of workers) is decoded beside others, a
// larger one alone. A nil gate lets everything through.
type pixelGate struct {
	mu     sync.RWMutex
	shared int
}

// newPixelGate returns a gate for workers workers and a budget of
// maxPixels pixels.
func newPixelGate(maxPixels, workers int) *pixelGate {
	return &pixelGate{shared: maxPixels / max(workers, 1)}
}

// enter waits until an image of px pixels may be decoded, and returns the
// function that says it is done.
func (g *pixelGate) enter(px int) (leave func()) {
	if g == nil {
		return func() {}
	}
	if px <= g.shared {
		g.mu.RLock()
		return g.mu.RUnlock
	}
	g.mu.Lock()
	return g.mu.Unlock
}

// jpegOrientation returns the EXIF orientation (1 to 8) of the JPEG stream
// r, found in its first APP1 segment that holds EXIF data, or 1 (as
// stored) if it has none or cannot be read. It reads no further than the
// start of the scan data.
func jpegOrientation(r *bufio.Reader) int {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:2]); err != nil || b[0] != 0xff || b[1] != 0xd8 {
		return 1
	}
	for {
		if _, err := io.ReadFull(r, b[:4]); err != nil {
			return 1
		}
		marker, size := binary.BigEndian.Uint16(b[:]), int(binary.BigEndian.Uint16(b[2:]))
		if marker>>8 != 0xff || marker == 0xffda || size < 2 { // not a marker, or the start of scan
			return 1
		}
		if marker != 0xffe1 {
			if _, err := r.Discard(size - 2); err != nil {
				return 1
			}
			continue
		}
		seg := make([]byte, size-2) // at most 65533 bytes
		if _, err := io.ReadFull(r, seg); err != nil {
			return 1
		}
		if o, ok := exifOrientation(seg); ok {
			return o
		}
	}
}

// exifOrientation returns the orientation tag of IFD0 of the APP1 segment
// seg, and whether seg holds EXIF data; the orientation is 1 if the tag is
// missing or out of range.
func exifOrientation(seg []byte) (int, bool) {
	const header = "Exif\x00\x00"
	if len(seg) < len(header)+8 || string(seg[:len(header)]) != header {
		return 1, false
	}
	t := seg[len(header):] // a TIFF structure: byte order, 42, offset of IFD0
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1, true
	}
	off := uint64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 1, true
	}
	n := int(bo.Uint16(t[off:]))
	e := t[off+2:]
	for ; n > 0 && len(e) >= 12; n, e = n-1, e[12:] {
		if bo.Uint16(e) == 0x0112 { // Orientation, a SHORT held in the value field
			if v := int(bo.Uint16(e[8:])); v >= 1 && v <= 8 {
				return v, true
			}
			return 1, true
		}
	}
	return 1, true
}

// orientImage returns img transformed as the EXIF orientation o says it
// is to be shown.
func orientImage(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}
