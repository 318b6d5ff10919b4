package datasets

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/bmp"  // register BMP for image.Decode
	_ "golang.org/x/image/tiff" // register TIFF
	_ "golang.org/x/image/webp" // register WebP
)

// folderOptions is the part of the options that only LoadFolder reads.
type folderOptions struct {
	w, h int  // size of the images; 0 takes the size of the first one
	gray bool // one gray channel instead of R, G, B
}

// Size makes LoadFolder resize every image to w×h pixels (Lanczos). By
// default, or if w or h is not positive, the size is that of the first
// image that decodes. Loaders of other sources ignore it.
func Size(w, h int) Option {
	return func(o *options) {
		if w <= 0 || h <= 0 {
			w, h = 0, 0
		}
		o.folder.w, o.folder.h = w, h
	}
}

// Gray makes LoadFolder convert the images to one gray channel (shape
// [1,H,W]) if gray is true, instead of keeping the R, G and B channels
// (shape [3,H,W], the default). Loaders of other sources ignore it.
func Gray(gray bool) Option {
	return func(o *options) { o.folder.gray = gray }
}

// PerClass sets the number of samples of each class. It makes LoadFolder
// keep only the first n images of each class, in file name order, and
// decode no further (n <= 0 keeps all, the default); files that are skipped
// do not count. It makes the synthetic sources of Load (gaussian2d,
// gaussian3d, sinusoid) draw n samples of each class (n <= 0 draws their
// default number). Loaders of other sources ignore it.
func PerClass(n int) Option {
	return func(o *options) { o.perClass = max(n, 0) }
}

// A SkippedFile is a file that LoadFolder left out because it could not be
// read or decoded as an image, or a folder inside a class folder.
type SkippedFile struct {
	Path string // the file's path: the folder, the class and the file name joined
	Err  error  // why it was left out
}

// LoadFolder loads a data set of image files laid out one sub-folder per
// class:
//
//	dir/airplane/0001.jpg
//	dir/airplane/0002.png
//	dir/automobile/...
//
// The classes are the sub-folders in sorted order (labels 0..K−1), and each
// class's files are taken in sorted name order, class after class. Names
// beginning with a dot are ignored, and so are plain files directly in dir.
//
// Every image is decoded (PNG, JPEG, GIF, BMP, TIFF or WebP; the first frame
// of a GIF; EXIF orientation applied to JPEG), resized with a Lanczos filter
// to the size that the Size option sets, or else to the size of the first
// image, if its size differs, and converted to R, G and B channels, or to
// one gray channel with Gray(true). An alpha channel is dropped. Values are
// in [0,1] and the shape is [C,H,W]. The set is named dir. Files are decoded
// in parallel; the result does not depend on the number of workers.
//
// A file that cannot be decoded (not an image, damaged, empty, unreadable)
// or a folder inside a class folder is not an error: it is left out and
// listed, in order, both in the returned slice and in the Skipped field of
// the set. The options PerClass and Limit stop decoding early; Limit may
// leave the last classes without samples.
//
// It returns an error naming the folder if dir cannot be read or holds no
// class sub-folders, or if a class folder cannot be read, holds no files or
// yields no image; in the last case the files skipped so far are returned
// with the error. Decoding stops, and LoadFolder returns an error wrapping
// ctx.Err(), when ctx is done.
func LoadFolder(ctx context.Context, dir string, opts ...Option) (*Set, []SkippedFile, error) {
	o := newOptions(opts)
	classes, files, err := listFolder(dir)
	if err != nil {
		return nil, nil, err
	}
	cancelled := func() error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("datasets: %s: %w", dir, err)
		}
		return nil
	}
	w, h, gray := o.folder.w, o.folder.h, o.folder.gray
	var skipped []SkippedFile
	known := map[string]error{} // decoding errors found while finding the size
	if w == 0 {
	find:
		for _, paths := range files {
			for _, p := range paths {
				if err := cancelled(); err != nil {
					return nil, nil, err
				}
				img, err := openImage(p)
				if err == nil {
					w, h = img.Bounds().Dx(), img.Bounds().Dy()
					break find
				}
				known[p] = err
			}
		}
	}
	c := 3
	if gray {
		c = 1
	}

	// wanted returns how many images to take from n files when left more
	// images are wanted in all (if o.limit > 0).
	wanted := func(n, left int) int {
		if o.perClass > 0 {
			n = min(n, o.perClass)
		}
		if o.limit > 0 {
			n = min(n, left)
		}
		return n
	}
	most := 0 // images taken if none is skipped
	for _, paths := range files {
		most += wanted(len(paths), o.limit-most)
	}
	s := &Set{
		Name:    dir,
		X:       make([]float64, 0, most*c*h*w),
		Shape:   []int{c, h, w},
		Labels:  make([]int, 0, most),
		Classes: classes,
	}
	left := o.limit // images still wanted, if o.limit > 0
	for label, paths := range files {
		if len(paths) == 0 {
			return nil, nil, fmt.Errorf("datasets: %s: class folder %q holds no files", dir, classes[label])
		}
		want := wanted(len(paths), left)
		got, next := 0, 0
		for got < want && next < len(paths) {
			batch := paths[next:min(next+want-got, len(paths))]
			next += len(batch)
			vals := make([][]float64, len(batch))
			errs := make([]error, len(batch))
			forEachIndex(len(batch), func(i int) {
				if err, ok := known[batch[i]]; ok {
					errs[i] = err
					return
				}
				if ctx.Err() != nil {
					return // reported below, not as a skipped file
				}
				vals[i], errs[i] = decodeValues(batch[i], w, h, gray)
			})
			if err := cancelled(); err != nil {
				return nil, nil, err
			}
			for i, p := range batch {
				if errs[i] != nil {
					skipped = append(skipped, SkippedFile{p, errs[i]})
					continue
				}
				s.X = append(s.X, vals[i]...)
				s.Labels = append(s.Labels, label)
				got++
			}
		}
		if got == 0 {
			return nil, skipped, fmt.Errorf("datasets: %s: class folder %q: none of its %d files is an image that can be decoded",
				dir, classes[label], next)
		}
		if o.limit > 0 {
			if left -= got; left == 0 {
				break
			}
		}
	}
	s.Skipped = skipped
	return s, skipped, nil
}

// LoadImage decodes one image file as LoadFolder decodes each of its files
// (PNG, JPEG, GIF, BMP, TIFF or WebP; the first frame of a GIF; EXIF
// orientation applied): resized with a Lanczos filter to w×h pixels if its
// size differs, converted to one gray channel if gray, else to R, G and B,
// the alpha channel dropped. It returns c·h·w values in [0,1], c planes of
// h rows of w values (c = 1 if gray, else 3), the layout of a sample of
// shape [c,h,w].
//
// It returns an error naming path if w or h is less than 1 or if the file
// cannot be read or decoded as an image (a folder, an empty or damaged
// file, another format).
func LoadImage(path string, w, h int, gray bool) ([]float64, error) {
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("datasets: %s: image size %d×%d, want at least 1×1", path, w, h)
	}
	v, err := decodeValues(path, w, h, gray)
	if err != nil {
		return nil, fileError(path, err)
	}
	return v, nil
}

// listFolder returns the class names of the image folder dir, sorted, and
// the paths of each class's files, sorted by name, ignoring dot files.
func listFolder(dir string) ([]string, [][]string, error) {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, nil, fmt.Errorf("datasets: %w", err)
	}
	var classes []string
	var files [][]string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || !isDir(dir, e) {
			continue
		}
		classDir := filepath.Join(dir, e.Name())
		list, err := os.ReadDir(classDir)
		if err != nil {
			return nil, nil, fmt.Errorf("datasets: %w", err)
		}
		var paths []string
		for _, f := range list {
			if !strings.HasPrefix(f.Name(), ".") {
				paths = append(paths, filepath.Join(classDir, f.Name()))
			}
		}
		classes = append(classes, e.Name())
		files = append(files, paths)
	}
	if len(classes) == 0 {
		return nil, nil, fmt.Errorf("datasets: %s: no class sub-folders (want one folder of images per class)", dir)
	}
	return classes, files, nil
}

// isDir reports whether the entry e of dir is a directory or a symbolic link
// to one.
func isDir(dir string, e os.DirEntry) bool {
	if e.Type()&os.ModeSymlink != 0 {
		fi, err := os.Stat(filepath.Join(dir, e.Name()))
		return err == nil && fi.IsDir()
	}
	return e.IsDir()
}

// errIsFolder is the reason a folder inside a class folder is skipped.
var errIsFolder = errors.New("a folder, not an image")

// openImage decodes the image file at path, applying its EXIF orientation.
func openImage(path string) (image.Image, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, errIsFolder
	}
	img, err := imaging.Open(path, imaging.AutoOrientation(true))
	if err != nil {
		return nil, err
	}
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, fmt.Errorf("image of size %dx%d", b.Dx(), b.Dy())
	}
	return img, nil
}

// decodeValues decodes the image file at path and returns its pixels,
// resized to w×h if needed, as c planes of h rows of w values in [0,1]:
// one gray plane if gray, else R, G and B.
func decodeValues(path string, w, h int, gray bool) ([]float64, error) {
	img, err := openImage(path)
	if err != nil {
		return nil, err
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		img = imaging.Resize(img, w, h, imaging.Lanczos)
	}
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
	return v, nil
}

// forEachIndex calls f(i) for i in 0..n−1 on runtime.GOMAXPROCS workers.
// Calls for different i must be independent.
func forEachIndex(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}
