package datasets

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// CIFAR10Mean and CIFAR10Std are the mean and standard deviation of the
// CIFAR-10 pixel values in [0,1] that the CIFAR-10 experiment of this
// project standardises with; see Standardize.
const (
	CIFAR10Mean = 0.4734
	CIFAR10Std  = 0.2516
)

// cifarPixels is the number of pixel bytes in a CIFAR record: 3 planes
// (R, G, B) of 32×32 bytes, row-major.
const cifarPixels = 3 * 32 * 32

// cifar10Classes are the class names of CIFAR-10, indexed by label, used
// when batches.meta.txt is absent.
var cifar10Classes = []string{
	"airplane", "automobile", "bird", "cat", "deer",
	"dog", "frog", "horse", "ship", "truck",
}

// cifarFormat describes one of the CIFAR binary layouts.
type cifarFormat struct {
	name    string              // set name prefix: "cifar10", "cifar100" or "cifar100-coarse"
	subdir  string              // the folder the archive extracts to
	files   map[string][]string // split -> batch files, in order
	labels  int                 // label bytes before the pixels of a record
	pixels  int                 // pixel bytes of a record, cifarPixels
	use     int                 // which label byte is the label
	ranges  []int               // number of classes of each label byte, for range checks
	meta    string              // file of class names, one a line
	classes []string            // class names when meta is absent
}

// record returns the size of one record in bytes.
func (f *cifarFormat) record() int { return f.labels + f.pixels }

var (
	cifar10Format = cifarFormat{
		name:   "cifar10",
		subdir: "cifar-10-batches-bin",
		files: map[string][]string{
			"train": {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"},
			"test":  {"test_batch.bin"},
		},
		labels: 1, pixels: cifarPixels, use: 0, ranges: []int{10},
		meta: "batches.meta.txt", classes: cifar10Classes,
	}
	cifar100Files = map[string][]string{"train": {"train.bin"}, "test": {"test.bin"}}
	cifar100Fine  = cifarFormat{
		name: "cifar100", subdir: "cifar-100-binary", files: cifar100Files,
		labels: 2, pixels: cifarPixels, use: 1, ranges: []int{20, 100},
		meta: "fine_label_names.txt", classes: numberNames(100),
	}
	cifar100Coarse = cifarFormat{
		name: "cifar100-coarse", subdir: "cifar-100-binary", files: cifar100Files,
		labels: 2, pixels: cifarPixels, use: 0, ranges: []int{20, 100},
		meta: "coarse_label_names.txt", classes: numberNames(20),
	}
)

// numberNames returns the class names "0" to n−1.
func numberNames(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}

// maxCIFARBytes is the most bytes of batch files that a CIFAR split may
// hold (160 MiB). The real splits hold at most 153.7 MB (CIFAR-100's
// train.bin, 50,000 records of 3,074 bytes), and a split is refused before
// anything is allocated if its files are larger.
const maxCIFARBytes = 160 << 20

// maxClassNamesBytes is the longest file of class names that the CIFAR
// loaders read (1 MiB).
const maxClassNamesBytes = 1 << 20

// LoadCIFAR10 loads the "train" (data_batch_1.bin to data_batch_5.bin,
// 50,000 images) or "test" (test_batch.bin, 10,000 images) split of the
// binary version of CIFAR-10. dir is the extracted cifar-10-batches-bin
// folder or the folder holding it.
//
// A file is a sequence of 3,073-byte records: a label byte in 0..9, then the
// R, G and B planes of a 32×32 image, each row-major. The set is named
// "cifar10/<split>", its shape is [3,32,32] (the record's byte order) and its
// values are the bytes divided by 255. The class names are the lines of
// batches.meta.txt if dir holds it, else airplane, automobile, bird, cat,
// deer, dog, frog, horse, ship, truck.
//
// The records are read one at a time, in the order of the files above, and
// only those that the options keep are stored: with Limit(n) the first n,
// with PerClass(n) the first n of each class, with Classes only those
// classes; reading stops as soon as no further record can be kept, and
// stops with an error wrapping ctx.Err() soon after ctx is done.
//
// The sizes of all the files are checked before anything is allocated:
// together they may hold at most 160 MiB (the real splits hold 154 MB). It
// returns an error naming the file if a batch file is missing or cannot be
// read; an error wrapping ErrNotRegular if it is not a regular file (a
// named pipe, a device); an error wrapping a FormatError if the length of a
// batch file is not a whole number of records, if a label is out of range,
// or if batches.meta.txt does not hold 10 names; an error wrapping an
// UnsupportedError if the files are larger than the limit above; and an
// error wrapping io.ErrUnexpectedEOF if a file is cut short while it is
// read. An unknown split or a class id of Classes out of range is an error
// too.
func LoadCIFAR10(ctx context.Context, dir, split string, opts ...Option) (*Set, error) {
	return loadCIFAR(ctx, &cifar10Format, dir, split, opts)
}

// LoadCIFAR100 loads the "train" (train.bin, 50,000 images) or "test"
// (test.bin, 10,000 images) split of the binary version of CIFAR-100. dir is
// the extracted cifar-100-binary folder or the folder holding it.
//
// A record is a coarse label byte in 0..19, a fine label byte in 0..99, then
// the pixels as in LoadCIFAR10. With fine true the labels are the 100 fine
// classes and the set is named "cifar100/<split>", their names are the lines
// of fine_label_names.txt if present, else "0" to "99". With fine false the
// labels are the 20 coarse classes, the set is named
// "cifar100-coarse/<split>" and the names come from coarse_label_names.txt,
// else "0" to "19". Shape, values, options and errors are as for
// LoadCIFAR10; both label bytes are checked.
func LoadCIFAR100(ctx context.Context, dir, split string, fine bool, opts ...Option) (*Set, error) {
	if fine {
		return loadCIFAR(ctx, &cifar100Fine, dir, split, opts)
	}
	return loadCIFAR(ctx, &cifar100Coarse, dir, split, opts)
}

// loadCIFAR loads split of the CIFAR data set of format f from dir.
func loadCIFAR(ctx context.Context, f *cifarFormat, dir, split string, opts []Option) (*Set, error) {
	o := newOptions(opts)
	files, ok := f.files[split]
	if !ok {
		return nil, fmt.Errorf("datasets: %s: unknown split %q (want train or test)", f.name, split)
	}
	if fi, err := os.Stat(filepath.Join(dir, f.subdir)); err == nil && fi.IsDir() {
		dir = filepath.Join(dir, f.subdir)
	}
	classes, err := readClassNames(filepath.Join(dir, f.meta), f.classes)
	if err != nil {
		return nil, err
	}
	name := f.name + "/" + split
	sel, err := o.newSelector(name, len(classes))
	if err != nil {
		return nil, err
	}

	// Check every file before allocating: a regular file, a whole number of
	// records, all of them within the limit.
	rec := f.record()
	counts := make([]int, len(files))
	total := 0
	var bytes int64
	for i, base := range files {
		p := filepath.Join(dir, base)
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("datasets: %s: %w", f.name, err) // *PathError names the file
		}
		if fi.IsDir() {
			return nil, fileError(p, formatErrorf("a folder, not a file of %d-byte %s records", rec, f.name))
		}
		if err := checkRegular(p, fi); err != nil {
			return nil, fileError(p, err)
		}
		if fi.Size()%int64(rec) != 0 {
			return nil, fileError(p, formatErrorf("%d bytes, not a whole number of %d-byte %s records",
				fi.Size(), rec, f.name))
		}
		if bytes += fi.Size(); bytes > maxCIFARBytes {
			return nil, fileError(p, unsupportedf("%s batch files of %d bytes in all, more than the %d this package reads (the real ones hold 154 MB)",
				f.name, bytes, maxCIFARBytes))
		}
		counts[i] = int(fi.Size() / int64(rec))
		total += counts[i]
	}

	most := sel.most(total)
	s := &Set{
		Name:    name,
		X:       make([]float64, 0, most*f.pixels),
		Shape:   []int{3, 32, 32},
		Labels:  make([]int, 0, most),
		Classes: classes,
	}
	for i, base := range files {
		if sel.done() {
			break
		}
		if err := readCIFARFile(ctx, f, filepath.Join(dir, base), counts[i], sel, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// readCIFARFile reads the first n records of the file at path, through
// ctx, adding to s those that sel keeps, and stops when sel is done.
func readCIFARFile(ctx context.Context, f *cifarFormat, path string, n int, sel *selector, s *Set) error {
	fd, _, err := openRegular(path)
	if err != nil {
		return fileError(path, err)
	}
	defer fd.Close()
	if err := readCIFARStream(bufio.NewReaderSize(ctxReader{ctx, fd}, 1<<16), f, n, sel, s); err != nil {
		if ctx.Err() != nil {
			return cancelled(ctx, path)
		}
		return fileError(path, err)
	}
	return nil
}

// readCIFARStream decodes up to n records of format f from r, one at a
// time, stopping when sel is done: the label of a record that sel keeps is
// appended to s.Labels and its f.pixels pixel bytes, divided by 255, to
// s.X. It checks every label byte of a record against its number of
// classes. A stream that ends before the last record gives an error
// wrapping io.ErrUnexpectedEOF, and a label out of range one wrapping a
// FormatError; record numbers in errors count from the start of r. Errors
// have no package prefix.
func readCIFARStream(r io.Reader, f *cifarFormat, n int, sel *selector, s *Set) error {
	buf := make([]byte, f.record())
	for i := 0; i < n && !sel.done(); i++ {
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("reading record %d: %w", i, noEOF(err))
		}
		for j, c := range f.ranges {
			if int(buf[j]) >= c {
				return formatErrorf("record %d: label %d out of range (%d classes)", i, buf[j], c)
			}
		}
		label := int(buf[f.use])
		if !sel.take(label) {
			continue
		}
		s.Labels = append(s.Labels, label)
		for _, b := range buf[f.labels:] {
			s.X = append(s.X, float64(b)/255)
		}
	}
	return nil
}

// readClassNames returns the non-blank lines of the file at path, trimmed,
// or a copy of def if there is no such file. The file must hold len(def)
// names, be a regular file and hold at most maxClassNamesBytes bytes.
func readClassNames(path string, def []string) ([]string, error) {
	f, size, err := openRegular(path)
	if errors.Is(err, os.ErrNotExist) {
		return slices.Clone(def), nil
	}
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	if size > maxClassNamesBytes {
		return nil, fileError(path, formatErrorf("%d bytes, more than the %d of a file of class names", size, maxClassNamesBytes))
	}
	b, err := io.ReadAll(io.LimitReader(f, maxClassNamesBytes))
	if err != nil {
		return nil, fileError(path, err)
	}
	var names []string
	for line := range strings.Lines(string(b)) {
		if line = strings.TrimSpace(line); line != "" {
			names = append(names, line)
		}
	}
	if len(names) != len(def) {
		return nil, fileError(path, formatErrorf("%d class names, want %d", len(names), len(def)))
	}
	return names, nil
}

// Standardize replaces every value x of s.X by (x−mean)/std, in place. For
// CIFAR-10 the experiments use CIFAR10Mean and CIFAR10Std. It panics if std
// is zero.
func Standardize(s *Set, mean, std float64) {
	if std == 0 {
		panic("datasets: Standardize with std 0")
	}
	for i, v := range s.X {
		s.X[i] = (v - mean) / std
	}
}
