package datasets_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/redunet-go/redunet/datasets"
)

// cifarJPGDir is the real CIFAR-10 test set as a folder of JPEG files, one
// sub-folder per class, beside the project in development and CI.
const cifarJPGDir = "../../shared/data/cifar10-jpg/test"

// tinyWebP is a 1×1 lossy WebP image of mid gray (Y=128), the smallest
// that libwebp writes (Modernizr's WebP feature test).
const tinyWebP = "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"

// patternImage returns a w×h opaque image whose pixel (x, y) is
// (30x, 40y, 255−10x).
func patternImage(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetNRGBA(x, y, color.NRGBA{uint8(30 * x), uint8(40 * y), uint8(255 - 10*x), 255})
		}
	}
	return m
}

// solidImage returns a w×h image of one opaque colour.
func solidImage(w, h int, c color.NRGBA) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		copy(m.Pix[i:], []byte{c.R, c.G, c.B, c.A})
	}
	return m
}

// encodeImage writes m to dir/name with encode.
func encodeImage(t *testing.T, dir, name string, m image.Image, encode func(io.Writer, image.Image) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, buf.Bytes())
}

// Encoders with the signature encodeImage takes.
func encodeJPEG(w io.Writer, m image.Image) error {
	return jpeg.Encode(w, m, &jpeg.Options{Quality: 95})
}
func encodeGIF(w io.Writer, m image.Image) error  { return gif.Encode(w, m, nil) }
func encodeTIFF(w io.Writer, m image.Image) error { return tiff.Encode(w, m, nil) }

// folderRed is the colour of the solid images of the test folder.
var folderRed = color.NRGBA{200, 100, 50, 255}

// writeImageFolder writes a folder of three classes in which the first image
// (cat/a.png) is 8×6 and sets the size:
//
//	cat/   .hidden.png a.png(8×6 pattern) b.jpg(10×10) c.gif(5×5) empty.png(0 bytes) notes.txt
//	dog/   01.bmp(8×6 pattern) 02.tiff(16×12) 03.webp(1×1) tiny.png(1×1 folderRed)
//	zebra/ nested/ x.png(8×6 folderRed)
//
// plus a dot folder and a plain file at the top, both ignored. It returns the
// folder and the paths of the files that are skipped, in order.
func writeImageFolder(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"cat", "dog", "zebra", "zebra/nested", ".git"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, dir, "README", []byte("not a class"))
	cat, dog, zebra := filepath.Join(dir, "cat"), filepath.Join(dir, "dog"), filepath.Join(dir, "zebra")

	encodeImage(t, cat, ".hidden.png", solidImage(3, 3, folderRed), png.Encode)
	encodeImage(t, cat, "a.png", patternImage(8, 6), png.Encode)
	encodeImage(t, cat, "b.jpg", patternImage(10, 10), encodeJPEG)
	encodeImage(t, cat, "c.gif", patternImage(5, 5), encodeGIF)
	empty := writeFile(t, cat, "empty.png", nil)
	notes := writeFile(t, cat, "notes.txt", []byte("these are cats\n"))

	encodeImage(t, dog, "01.bmp", patternImage(8, 6), bmp.Encode)
	encodeImage(t, dog, "02.tiff", patternImage(16, 12), encodeTIFF)
	webp, err := base64.StdEncoding.DecodeString(tinyWebP)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dog, "03.webp", webp)
	encodeImage(t, dog, "tiny.png", solidImage(1, 1, folderRed), png.Encode)

	encodeImage(t, zebra, "x.png", solidImage(8, 6, folderRed), png.Encode)
	return dir, []string{empty, notes, filepath.Join(zebra, "nested")}
}

// skippedPaths returns the paths of the skipped files.
func skippedPaths(skipped []datasets.SkippedFile) []string {
	var p []string
	for _, f := range skipped {
		p = append(p, f.Path)
	}
	return p
}

// checkPlane checks that channel c of sample i of s holds want everywhere,
// within tol.
func checkPlane(t *testing.T, s *datasets.Set, i, c int, want, tol float64) {
	t.Helper()
	n := s.Shape[1] * s.Shape[2]
	for j, v := range s.Row(i)[c*n : (c+1)*n] {
		if math.Abs(v-want) > tol {
			t.Fatalf("sample %d channel %d value %d = %v, want %v ± %v", i, c, j, v, want, tol)
		}
	}
}

func TestLoadFolder(t *testing.T) {
	dir, wantSkipped := writeImageFolder(t)
	s, skipped, err := datasets.LoadFolder(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Name != dir || !slices.Equal(s.Shape, []int{3, 6, 8}) || !slices.Equal(s.Classes, []string{"cat", "dog", "zebra"}) {
		t.Fatalf("got %q, shape %v, classes %q", s.Name, s.Shape, s.Classes)
	}
	// cat: a b c; dog: 01 02 03 tiny; zebra: x.
	if want := []int{0, 0, 0, 1, 1, 1, 1, 2}; !slices.Equal(s.Labels, want) {
		t.Fatalf("labels %v, want %v", s.Labels, want)
	}
	if got := skippedPaths(skipped); !slices.Equal(got, wantSkipped) {
		t.Errorf("skipped %q, want %q", got, wantSkipped)
	}
	if got := skippedPaths(s.Skipped); !slices.Equal(got, wantSkipped) {
		t.Errorf("Set.Skipped %q, want %q", got, wantSkipped)
	}
	for _, f := range skipped {
		if f.Err == nil {
			t.Errorf("%s skipped without a reason", f.Path)
		}
	}
	if lo, hi := slices.Min(s.X), slices.Max(s.X); lo < 0 || hi > 1 {
		t.Errorf("values span [%v, %v], outside [0, 1]", lo, hi)
	}

	// a.png and 01.bmp have the target size: their pixels are kept exactly.
	for _, i := range []int{0, 3} {
		x := s.Row(i)
		for y := range 6 {
			for xx := range 8 {
				want := [3]float64{float64(30*xx) / 255, float64(40*y) / 255, float64(255-10*xx) / 255}
				for c := range 3 {
					if got := x[(c*6+y)*8+xx]; got != want[c] {
						t.Fatalf("sample %d (%d,%d,%d) = %v, want %v", i, c, y, xx, got, want[c])
					}
				}
			}
		}
	}
	// The 1×1 images are resized, not skipped: a constant stays constant.
	checkPlane(t, s, 5, 0, 128.0/255, 2.0/255) // 03.webp, mid gray
	for c, v := range []uint8{folderRed.R, folderRed.G, folderRed.B} {
		checkPlane(t, s, 6, c, float64(v)/255, 1.0/255) // tiny.png
		checkPlane(t, s, 7, c, float64(v)/255, 0)       // x.png
	}

	// Gray: one channel, 0.299 R + 0.587 G + 0.114 B.
	g, gskipped, err := datasets.LoadFolder(t.Context(), dir, datasets.Gray(true), datasets.Size(4, 3))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Shape, []int{1, 3, 4}) || g.Len() != 8 || len(gskipped) != 3 {
		t.Fatalf("gray 4×3: shape %v, %d samples, %d skipped", g.Shape, g.Len(), len(gskipped))
	}
	checkPlane(t, g, 7, 0, math.Round(0.299*200+0.587*100+0.114*50)/255, 1.0/255)
}

func TestLoadFolderSelect(t *testing.T) {
	dir, wantSkipped := writeImageFolder(t)
	// PerClass takes the first images that decode and decodes no further:
	// c.gif and the files after it are not read.
	s, skipped, err := datasets.LoadFolder(t.Context(), dir, datasets.PerClass(2))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 0, 1, 1, 2}; !slices.Equal(s.Labels, want) || len(skipped) != 1 || skipped[0].Path != wantSkipped[2] {
		t.Errorf("PerClass(2): labels %v, skipped %q", s.Labels, skippedPaths(skipped))
	}
	// Skipped files do not count: the fourth image of cat is not there.
	s, skipped, err = datasets.LoadFolder(t.Context(), dir, datasets.PerClass(4))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 0, 0, 1, 1, 1, 1, 2}; !slices.Equal(s.Labels, want) || len(skipped) != 3 {
		t.Errorf("PerClass(4): labels %v, skipped %q", s.Labels, skippedPaths(skipped))
	}
	// Limit counts samples over all classes, in order.
	s, skipped, err = datasets.LoadFolder(t.Context(), dir, datasets.Limit(4))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 0, 0, 1}; !slices.Equal(s.Labels, want) || len(s.Classes) != 3 || len(skipped) != 2 {
		t.Errorf("Limit(4): labels %v, classes %q, skipped %q", s.Labels, s.Classes, skippedPaths(skipped))
	}
}

func TestLoadFolderErrors(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"bad", "good"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	encodeImage(t, filepath.Join(dir, "good"), "1.png", solidImage(4, 4, folderRed), png.Encode) // 4×4: the least size the first image may set
	writeFile(t, filepath.Join(dir, "bad"), "1.png", nil)
	writeFile(t, filepath.Join(dir, "bad"), "2.txt", []byte("text"))
	_, skipped, err := datasets.LoadFolder(t.Context(), dir)
	if msg := errText(err, dir, `class folder "bad"`); msg != "" {
		t.Errorf("all-skipped class: %s", msg)
	}
	if len(skipped) != 2 {
		t.Errorf("all-skipped class: skipped %q", skippedPaths(skipped))
	}

	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "bad")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := datasets.LoadFolder(t.Context(), dir); errText(err, `class folder "empty" holds no files`) != "" {
		t.Errorf("empty class: %s", errText(err, `class folder "empty" holds no files`))
	}

	flat := t.TempDir()
	encodeImage(t, flat, "1.png", solidImage(2, 2, folderRed), png.Encode)
	if _, _, err := datasets.LoadFolder(t.Context(), flat); errText(err, flat, "no class sub-folders") != "" {
		t.Errorf("no classes: %s", errText(err, flat, "no class sub-folders"))
	}
	missing := filepath.Join(flat, "missing")
	if _, _, err := datasets.LoadFolder(t.Context(), missing); errText(err, missing) != "" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: got %v, want fs.ErrNotExist naming %s", err, missing)
	}
}

// A context that is done stops the decoding: the error wraps ctx.Err() and
// names the folder, whether the size is still to be found or not.
func TestLoadFolderCancel(t *testing.T) {
	dir, _ := writeImageFolder(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, opts := range [][]datasets.Option{nil, {datasets.Size(4, 4)}} {
		s, skipped, err := datasets.LoadFolder(ctx, dir, opts...)
		if !errors.Is(err, context.Canceled) || errText(err, dir) != "" || s != nil || skipped != nil {
			t.Errorf("options %d: got %v, %d skipped, %v; want context.Canceled naming %s", len(opts), s, len(skipped), err, dir)
		}
	}
	if _, err := datasets.Load(ctx, "folder:"+dir, "train"); !errors.Is(err, context.Canceled) {
		t.Errorf("Load: got %v, want context.Canceled", err)
	}
}

func TestLoadFolderSource(t *testing.T) {
	ctx := context.Background()
	dir, wantSkipped := writeImageFolder(t)
	train, err := datasets.Load(ctx, "folder:"+dir, "train", datasets.Gray(true), datasets.Size(5, 5))
	if err != nil {
		t.Fatal(err)
	}
	test, err := datasets.Load(ctx, "folder:"+dir, "test", datasets.Gray(true), datasets.Size(5, 5))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(train.Shape, []int{1, 5, 5}) || train.Len() != 8 || !slices.Equal(train.X, test.X) {
		t.Errorf("train: shape %v, %d samples; test equal: %v", train.Shape, train.Len(), slices.Equal(train.X, test.X))
	}
	// The files left out are listed in the set, not dropped.
	for _, s := range []*datasets.Set{train, test} {
		if got := skippedPaths(s.Skipped); !slices.Equal(got, wantSkipped) {
			t.Errorf("%s: Skipped %q, want %q", s.Name, got, wantSkipped)
		}
	}
	if _, err := datasets.Load(ctx, "folder:"+dir, "valid"); err == nil || !strings.Contains(err.Error(), `unknown split "valid"`) {
		t.Errorf("split valid: got %v", err)
	}
	if _, err := datasets.Load(ctx, "folder", "train"); err == nil || !strings.Contains(err.Error(), "folder:DIR") {
		t.Errorf("no directory: got %v", err)
	}
}

// The real CIFAR-10 test images, five of each class.
func TestLoadFolderCIFARJPG(t *testing.T) {
	if _, err := os.Stat(cifarJPGDir); err != nil {
		t.Skipf("no CIFAR-10 JPEG folder: %v", err)
	}
	s, skipped, err := datasets.LoadFolder(t.Context(), cifarJPGDir, datasets.PerClass(5))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}
	if !slices.Equal(s.Classes, want) || !slices.Equal(s.Shape, []int{3, 32, 32}) || len(skipped) != 0 {
		t.Fatalf("classes %q, shape %v, skipped %v", s.Classes, s.Shape, skipped)
	}
	if c := s.Counts(); !slices.Equal(c, []int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5}) {
		t.Errorf("counts %v", c)
	}
	if lo, hi := slices.Min(s.X), slices.Max(s.X); lo < 0 || hi > 1 || hi-lo < 0.5 {
		t.Errorf("values span [%v, %v]", lo, hi)
	}
}

// BenchmarkLoadFolderCIFARJPG decodes 1,000 CIFAR-10 JPEG images, 100 per class.
func BenchmarkLoadFolderCIFARJPG(b *testing.B) {
	if _, err := os.Stat(cifarJPGDir); err != nil {
		b.Skipf("no CIFAR-10 JPEG folder: %v", err)
	}
	for b.Loop() {
		if _, _, err := datasets.LoadFolder(b.Context(), cifarJPGDir, datasets.PerClass(100)); err != nil {
			b.Fatal(err)
		}
	}
}

// Class folder names that are not valid UTF-8 are kept byte for byte, not
// replaced with U+FFFD: two such names stay two classes, sorted by bytes.
func TestLoadFolderByteNames(t *testing.T) {
	dir := t.TempDir()
	names := []string{"caf\xe9", "cafe", "caf\xe8", "\xff\xfe"}
	for _, n := range names {
		if err := os.Mkdir(filepath.Join(dir, n), 0o755); err != nil {
			t.Skipf("the file system refuses the name %q: %v", n, err)
		}
		encodeImage(t, filepath.Join(dir, n), "1.png", solidImage(4, 4, folderRed), png.Encode)
	}
	writeFile(t, filepath.Join(dir, "caf\xe9"), "bad\x80.png", []byte("not an image"))
	s, skipped, err := datasets.LoadFolder(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(names)) // byte order: cafe, caf\xe8, caf\xe9, \xff\xfe
	if !slices.Equal(s.Classes, want) {
		t.Errorf("classes %q, want %q", s.Classes, want)
	}
	for _, c := range s.Classes {
		if strings.Contains(c, string(utf8.RuneError)) || utf8.ValidString(c) != (c == "cafe") {
			t.Errorf("class %q was changed", c)
		}
	}
	if len(skipped) != 1 || skipped[0].Path != filepath.Join(dir, "caf\xe9", "bad\x80.png") {
		t.Errorf("skipped %q", skippedPaths(skipped))
	}
	if c := s.Counts(); !slices.Equal(c, []int{1, 1, 1, 1}) {
		t.Errorf("counts %v", c)
	}
}
