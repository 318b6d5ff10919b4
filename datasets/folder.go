package datasets

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// folderOptions is the part of the options that only LoadFolder and
// ReadImage read.
type folderOptions struct {
	w, h int  // size of the images; 0 takes the size of the first one
	gray bool // one gray channel instead of R, G, B
}

// Size makes LoadFolder and ReadImage resize every image to w×h pixels
// (Lanczos). By default, or if w or h is not positive, the size is that of
// the first image that decodes, which must then be at least 4×4 and at
// most 2^20 pixels (1024×1024); the set's Notes say which size was taken
// from which file. Size may choose any size, even 1×1, within MaxPixels
// and MaxImageSide.
// Loaders of other sources ignore it.
func Size(w, h int) Option {
	return func(o *options) {
		if w <= 0 || h <= 0 {
			w, h = 0, 0
		}
		o.folder.w, o.folder.h = w, h
	}
}

// Gray makes LoadFolder and ReadImage convert the images to one gray
// channel (shape [1,H,W]) if gray is true, instead of keeping the R, G and
// B channels (shape [3,H,W], the default). Loaders of other sources ignore
// it.
func Gray(gray bool) Option {
	return func(o *options) { o.folder.gray = gray }
}

// A SkippedFile is a file that LoadFolder left out because it could not be
// read or decoded as an image, or a folder inside a class folder.
type SkippedFile struct {
	Path string // the file's path: the folder, the class and the file name joined
	Err  error  // why it was left out
}

// folderBatch is the number of images per worker that LoadFolder decodes
// between two appends to the set, so that few samples are held outside it.
const folderBatch = 4

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
// A class name is the folder's name as the file system holds it, byte for
// byte: a name that is not valid UTF-8 is kept as it is, not replaced (Go
// strings hold any bytes; a program that writes class names as JSON must
// escape such a name itself, since encoding/json would replace its invalid
// bytes with U+FFFD).
//
// Every image is decoded (PNG, JPEG, GIF, BMP, TIFF or WebP; the first frame
// of a GIF; EXIF orientation applied to JPEG), resized with a Lanczos filter
// to the size that the Size option sets, or else to the size of the first
// image, if its size differs, and converted to R, G and B channels, or to
// one gray channel with Gray(true). An alpha channel is dropped. Values are
// in [0,1] and the shape is [C,H,W]. The set is named dir. When the first
// image sets the size, it must be at least 4×4 and at most 2^20 pixels,
// else LoadFolder returns an error that asks for Size, and the set's Notes
// say which size was taken from which file.
//
// Each image is decoded, resized and dropped before its sample is stored,
// so memory holds the samples at their final size and a few images being
// decoded. An image's size is read from its header first, and an image of
// more than MaxPixels pixels (DefaultMaxPixels, 64 megapixels), or with a
// side longer than MaxImageSide, is skipped without being decoded. Files
// are decoded in parallel, never more than MaxPixels pixels at a time; the
// result does not depend on the number of workers.
//
// A file that cannot be decoded (not an image, damaged, empty, unreadable,
// too large) or that is not a regular file (a named pipe, a socket, a
// device: it is not opened for long, so it cannot block), or a folder
// inside a class folder, is not an error: it is left out and listed, in
// order, both in the returned slice and in the Skipped field of the set.
// The options PerClass and Limit stop decoding early; Limit may leave the
// last classes without samples. With Classes only the folders of those
// classes are read; the labels and Classes are those of all the folders.
//
// It returns an error naming the folder if dir cannot be read, is not a
// folder or holds no class sub-folders, or if a class folder that is read
// cannot be read, holds no files or yields no image; in the last case the
// files skipped so far are returned with the error. It also returns an
// error if a class id of Classes is out of range, if Size is larger than
// MaxPixels, or if the first image's size is out of the bounds above.
// Decoding stops, and LoadFolder returns an error wrapping ctx.Err(), soon
// after ctx is done.
func LoadFolder(ctx context.Context, dir string, opts ...Option) (*Set, []SkippedFile, error) {
	o := newOptions(opts)
	classes, files, err := listFolder(dir, o.classes)
	if err != nil {
		return nil, nil, err
	}
	sel, err := o.newSelector(dir, len(classes))
	if err != nil {
		return nil, nil, err
	}
	w, h, gray := o.folder.w, o.folder.h, o.folder.gray
	if w > 0 && !o.sizeOK(w, h) {
		return nil, nil, fmt.Errorf("datasets: %s: %w", dir, sizeTooLarge(w, h, o.maxPixels))
	}
	workers := runtime.GOMAXPROCS(0)
	gate := newPixelGate(o.maxPixels, workers)
	decode := func(path string, use func(image.Image) error) error {
		return decodeImageFile(ctx, path, o.maxPixels, gate, use)
	}

	var skipped []SkippedFile
	var notes []string
	known := map[string]error{} // decoding errors found while finding the size
	if w == 0 {
	find:
		for _, paths := range files {
			for _, p := range paths {
				if err := cancelled(ctx, dir); err != nil {
					return nil, nil, err
				}
				err := decode(p, func(img image.Image) error {
					w, h = img.Bounds().Dx(), img.Bounds().Dy()
					return nil
				})
				if err == nil {
					if err := checkAutoSize(w, h); err != nil {
						return nil, nil, fmt.Errorf("datasets: %s: the first image, %s, is %d×%d pixels: %w; choose a size with Size",
							dir, p, w, h, err)
					}
					notes = append(notes, fmt.Sprintf("samples of %d×%d pixels, the size of the first image, %s; images of other sizes are resized (Size sets the size)",
						w, h, p))
					break find
				}
				if err := cancelled(ctx, dir); err != nil {
					return nil, nil, err
				}
				known[p] = err
			}
		}
	}
	c := 3
	if gray {
		c = 1
	}
	d := c * h * w

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
	for label, paths := range files {
		if sel.want[label] {
			most += wanted(len(paths), o.limit-most)
		}
	}
	s := &Set{
		Name:    dir,
		Shape:   []int{c, h, w},
		Labels:  make([]int, 0, most),
		Classes: classes,
	}
	if o.shards > 1 {
		most = (most + o.shards - 1) / o.shards
	}
	left := o.limit // images still wanted, if o.limit > 0
	ordinal := 0    // images taken so far, of every shard (Shard)
	for label, paths := range files {
		if !sel.want[label] {
			continue
		}
		if len(paths) == 0 {
			return nil, nil, fmt.Errorf("datasets: %s: class folder %q holds no files", dir, classes[label])
		}
		want := wanted(len(paths), left)
		got, next := 0, 0
		for got < want && next < len(paths) {
			batch := paths[next:min(next+want-got, next+folderBatch*workers, len(paths))]
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
				errs[i] = decode(batch[i], func(img image.Image) error {
					vals[i] = imageValues(img, w, h, gray)
					return nil
				})
			})
			if err := cancelled(ctx, dir); err != nil {
				return nil, nil, err
			}
			for i, p := range batch {
				if errs[i] != nil {
					skipped = append(skipped, SkippedFile{p, errs[i]})
					continue
				}
				if o.mine(ordinal) {
					s.X = append(grow(s.X, d, most*d), vals[i]...)
					s.Labels = append(s.Labels, label)
				}
				vals[i] = nil
				ordinal++
				got++
			}
		}
		if got == 0 {
			why := skipped[len(skipped)-next] // the first of this class
			return nil, skipped, fmt.Errorf("datasets: %s: class folder %q: none of its %d files is an image that can be decoded (the first, %s: %v)",
				dir, classes[label], next, filepath.Base(why.Path), why.Err)
		}
		if o.limit > 0 {
			if left -= got; left == 0 {
				break
			}
		}
	}
	if s.X == nil {
		s.X = []float64{}
	}
	s.Skipped = skipped
	s.Notes = notes
	return s, skipped, nil
}

// listFolder returns the class names of the image folder dir, sorted, and
// the paths of each class's files, sorted by name, ignoring dot files. It
// lists the files of the classes in selected only, unless selected is nil.
func listFolder(dir string, selected []int) ([]string, [][]string, error) {
	fi, err := os.Stat(dir) // before ReadDir opens it: a named pipe would block
	if err != nil {
		return nil, nil, fmt.Errorf("datasets: %w", err)
	}
	if !fi.IsDir() {
		return nil, nil, fmt.Errorf("datasets: %s: not a folder (want one folder of images per class)", dir)
	}
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, nil, fmt.Errorf("datasets: %w", err)
	}
	var classes []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") && isDir(dir, e) {
			classes = append(classes, e.Name())
		}
	}
	if len(classes) == 0 {
		return nil, nil, fmt.Errorf("datasets: %s: no class sub-folders (want one folder of images per class)", dir)
	}
	files := make([][]string, len(classes))
	for label, name := range classes {
		if _, ok := slices.BinarySearch(selected, label); selected != nil && !ok {
			continue
		}
		classDir := filepath.Join(dir, name)
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
		files[label] = paths
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
