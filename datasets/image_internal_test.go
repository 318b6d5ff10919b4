package datasets

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// fuzzMaxPixels is the pixel budget of FuzzDecodeImage: small, so that a
// mutated header within it decodes quickly.
const fuzzMaxPixels = 1 << 16

// FuzzDecodeImage is seeded with small valid images of every format that
// the folder loader reads, generated here, and (in testdata/fuzz) with the
// decompression bombs of the issue: PNG, GIF, BMP, JPEG, TIFF and WebP
// headers that claim far more pixels than the budget, and a valid PNG of
// 8200×8200 pixels in 8 KB. Whatever the bytes, decoding must not panic
// (in our code or in a decoder); an image whose header claims more than
// the budget must be refused with an UnsupportedError before it is
// decoded; and what decodes must be within the budget and give values in
// [0,1] at any size.
func FuzzDecodeImage(f *testing.F) {
	m := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	for i := range m.Pix {
		m.Pix[i] = byte(37 * i)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White})
	pal.Pix[5] = 1
	gray16 := image.NewGray16(image.Rect(0, 0, 3, 2))
	gray16.Pix[1] = 0xff
	for _, enc := range []func(io.Writer) error{
		func(w io.Writer) error { return png.Encode(w, m) },
		func(w io.Writer) error { return png.Encode(w, pal) },
		func(w io.Writer) error { return png.Encode(w, gray16) },
		func(w io.Writer) error { return jpeg.Encode(w, m, &jpeg.Options{Quality: 90}) },
		func(w io.Writer) error { return jpeg.Encode(w, image.NewGray(image.Rect(0, 0, 9, 9)), nil) },
		func(w io.Writer) error { return gif.Encode(w, m, nil) },
		func(w io.Writer) error { return bmp.Encode(w, m) },
		func(w io.Writer) error { return bmp.Encode(w, pal) },
		func(w io.Writer) error { return tiff.Encode(w, m, nil) },
		func(w io.Writer) error { return tiff.Encode(w, m, &tiff.Options{Compression: tiff.Deflate}) },
	} {
		var buf bytes.Buffer
		if err := enc(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	// A 1×1 lossy WebP (Modernizr's feature test).
	webp, err := base64.StdEncoding.DecodeString("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(webp)

	f.Fuzz(func(t *testing.T, b []byte) {
		var bounds image.Rectangle
		err := decodeImage(bytes.NewReader(b), fuzzMaxPixels, nil, func(img image.Image) error {
			bounds = img.Bounds()
			for _, gray := range []bool{false, true} {
				for _, wh := range [][2]int{{bounds.Dx(), bounds.Dy()}, {3, 2}} {
					v := imageValues(img, wh[0], wh[1], gray)
					c := 3
					if gray {
						c = 1
					}
					if len(v) != c*wh[0]*wh[1] {
						t.Fatalf("%d values at %v gray=%v", len(v), wh, gray)
					}
					for _, x := range v {
						if !(x >= 0 && x <= 1) {
							t.Fatalf("value %v at %v gray=%v", x, wh, gray)
						}
					}
				}
			}
			return nil
		})
		if errors.Is(err, errDecoderPanic) {
			t.Fatal(err)
		}
		if err == nil && (bounds.Empty() || bounds.Dx() > fuzzMaxPixels/bounds.Dy()) {
			t.Fatalf("decoded an image of %v with a budget of %d pixels", bounds, fuzzMaxPixels)
		}
		if cfg, _, cerr := image.DecodeConfig(bytes.NewReader(b)); cerr == nil && cfg.Width > 0 && cfg.Height > 0 &&
			cfg.Width > fuzzMaxPixels/cfg.Height && !errors.As(err, new(UnsupportedError)) {
			t.Fatalf("header of %d×%d pixels: got %v, want an UnsupportedError", cfg.Width, cfg.Height, err)
		}
	})
}

// The pixel gate lets small images through side by side and a large one
// alone.
func TestPixelGate(t *testing.T) {
	g := newPixelGate(100, 4) // 25 pixels each side by side
	leave1, leave2 := g.enter(25), g.enter(10)
	entered := make(chan struct{})
	go func() {
		defer g.enter(26)()
		close(entered)
	}()
	select {
	case <-entered:
		t.Fatal("a large image entered beside two small ones")
	default:
	}
	leave1()
	leave2()
	<-entered
	var nilGate *pixelGate
	nilGate.enter(1 << 40)()
}
