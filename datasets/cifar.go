package datasets

import (
	"bufio"
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
// With Limit(n) only the first n records, in the order of the files above,
// are read.
//
// The sizes of all the files are checked before anything is allocated. It
// returns an error naming the file if a batch file is missing or cannot be
// read; an error wrapping a FormatError if the length of a batch file is
// not a whole number of records, if a label is out of range, or if
// batches.meta.txt does not hold 10 names; and an error wrapping
// io.ErrUnexpectedEOF if a file is cut short while it is read. An unknown
// split is an error too.
func LoadCIFAR10(dir, split string, opts ...Option) (*Set, error) {
	return loadCIFAR(&cifar10Format, dir, split, opts)
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
// else "0" to "19". Shape, values and errors are as for LoadCIFAR10; both
// label bytes are checked.
func LoadCIFAR100(dir, split string, fine bool, opts ...Option) (*Set, error) {
	if fine {
		return loadCIFAR(&cifar100Fine, dir, split, opts)
	}
	return loadCIFAR(&cifar100Coarse, dir, split, opts)
}

// loadCIFAR loads split of the CIFAR data set of format f from dir.
func loadCIFAR(f *cifarFormat, dir, split string, opts []Option) (*Set, error) {
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

	// Check every file before allocating: present, a whole number of records.
	rec := f.record()
	counts := make([]int, len(files))
	total := 0
	for i, base := range files {
		p := filepath.Join(dir, base)
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("datasets: %s: %w", f.name, err) // *PathError names the file
		}
		if fi.IsDir() {
			return nil, fileError(p, formatErrorf("a folder, not a file of %d-byte %s records", rec, f.name))
		}
		if fi.Size()%int64(rec) != 0 {
			return nil, fileError(p, formatErrorf("%d bytes, not a whole number of %d-byte %s records",
				fi.Size(), rec, f.name))
		}
		counts[i] = int(fi.Size() / int64(rec))
		total += counts[i]
	}
	if o.limit > 0 {
		total = min(total, o.limit)
	}

	s := &Set{
		Name:    f.name + "/" + split,
		X:       make([]float64, total*cifarPixels),
		Shape:   []int{3, 32, 32},
		Labels:  make([]int, total),
		Classes: classes,
	}
	n := 0
	for i, base := range files {
		if n == total {
			break
		}
		k := min(counts[i], total-n)
		if err := readCIFARFile(f, filepath.Join(dir, base), s, n, k); err != nil {
			return nil, err
		}
		n += k
	}
	return s, nil
}

// readCIFARFile reads the first k records of the file at path into samples
// from..from+k−1 of s.
func readCIFARFile(f *cifarFormat, path string, s *Set, from, k int) error {
	fd, err := os.Open(path)
	if err != nil {
		return fileError(path, err)
	}
	defer fd.Close()
	labels := s.Labels[from : from+k]
	x := s.X[from*cifarPixels : (from+k)*cifarPixels]
	if err := readCIFARRecords(bufio.NewReaderSize(fd, 1<<16), f, labels, x); err != nil {
		return fileError(path, err)
	}
	return nil
}

// readCIFARRecords decodes len(labels) records of format f from r: the
// label of record i goes to labels[i] and its f.pixels pixel bytes, divided
// by 255, to x[i*f.pixels:(i+1)*f.pixels]. It checks every label byte of a
// record against its number of classes. A stream that ends before the last
// record gives an error wrapping io.ErrUnexpectedEOF, and a label out of
// range one wrapping a FormatError. Errors have no package prefix.
func readCIFARRecords(r io.Reader, f *cifarFormat, labels []int, x []float64) error {
	buf := make([]byte, f.record())
	for i := range labels {
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("reading record %d: %w", i, noEOF(err))
		}
		for j, n := range f.ranges {
			if int(buf[j]) >= n {
				return formatErrorf("record %d: label %d out of range (%d classes)", i, buf[j], n)
			}
		}
		labels[i] = int(buf[f.use])
		xi := x[i*f.pixels : (i+1)*f.pixels]
		for j, b := range buf[f.labels:] {
			xi[j] = float64(b) / 255
		}
	}
	return nil
}

// readClassNames returns the non-blank lines of the file at path, trimmed,
// or a copy of def if there is no such file. The file must hold len(def)
// names.
func readClassNames(path string, def []string) ([]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return slices.Clone(def), nil
	}
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
