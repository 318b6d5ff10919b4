package datasets_test

import (
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// TestLoadImage checks that LoadImage decodes every file exactly as
// LoadFolder decodes it, at the folder's size and at another, gray or not.
func TestLoadImage(t *testing.T) {
	dir, skipped := writeImageFolder(t)
	files := []string{"cat/a.png", "cat/b.jpg", "cat/c.gif", "dog/01.bmp", "dog/02.tiff", "dog/03.webp", "dog/tiny.png", "zebra/x.png"}
	for _, tc := range []struct {
		w, h int
		gray bool
	}{{8, 6, false}, {4, 3, true}, {5, 7, false}} {
		opts := []datasets.Option{datasets.Size(tc.w, tc.h), datasets.Gray(tc.gray)}
		s, _, err := datasets.LoadFolder(t.Context(), dir, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != len(files) {
			t.Fatalf("folder has %d images, want %d", s.Len(), len(files))
		}
		for i, f := range files {
			got, err := datasets.LoadImage(filepath.Join(dir, f), tc.w, tc.h, tc.gray)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if !slices.Equal(got, s.Row(i)) {
				t.Errorf("%s at %d×%d gray=%v differs from LoadFolder's sample %d", f, tc.w, tc.h, tc.gray, i)
			}
		}
	}

	// A pattern image at its own size keeps its pixels: R, G, B planes.
	p := encodeImage(t, t.TempDir(), "p.png", patternImage(3, 2), png.Encode)
	got, err := datasets.LoadImage(p, 3, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	for _, f := range []func(x, y int) int{
		func(x, y int) int { return 30 * x }, func(x, y int) int { return 40 * y }, func(x, y int) int { return 255 - 10*x },
	} {
		for y := range 2 {
			for x := range 3 {
				want = append(want, float64(f(x, y))/255)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("pattern image: got %v, want %v", got, want)
	}

	// Errors name the file: files LoadFolder skips, a missing file, bad sizes.
	bad := append(skipped, filepath.Join(dir, "cat", "missing.png"))
	for _, f := range bad {
		if v, err := datasets.LoadImage(f, 8, 6, false); err == nil || v != nil {
			t.Errorf("%s: got %d values, error %v", f, len(v), err)
		} else if !strings.HasPrefix(err.Error(), "datasets: ") || strings.Count(err.Error(), f) != 1 {
			t.Errorf("%s: error %q does not name the file once", f, err)
		}
	}
	for _, wh := range [][2]int{{0, 6}, {8, 0}, {-1, -1}} {
		if _, err := datasets.LoadImage(filepath.Join(dir, "cat", "a.png"), wh[0], wh[1], true); err == nil {
			t.Errorf("size %d×%d: no error", wh[0], wh[1])
		}
	}
}
