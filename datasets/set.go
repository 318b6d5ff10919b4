package datasets

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Set is a labelled data set held in memory. Rows are samples.
//
// Every loader in this package returns a *Set; a Set built by hand should
// pass Validate before it is used.
type Set struct {
	Name    string    // where it came from, e.g. "mnist/train"
	X       []float64 // Len()*Dim() values, row-major: sample i is X[i*Dim():(i+1)*Dim()]
	Shape   []int     // shape of one sample: [C,H,W] for images (MNIST is [1,28,28]), [C,T] for signals, [C,D,H,W] for volumes, [d] for vectors
	Labels  []int     // one label per sample, in 0..len(Classes)-1
	Classes []string  // class names, indexed by label
	// Skipped lists the files a loader left out because they could not be
	// read (only LoadFolder leaves files out); Subset passes the list on
	// to the subset unchanged.
	Skipped []SkippedFile
	// Notes are what a loader chose on its own and a user should know, one
	// sentence each without the package prefix, for a command to print:
	// LoadFolder notes the image size it took from the first image when
	// the Size option does not set it. Subset passes them on unchanged.
	Notes []string
}

// Len returns the number of samples, which is the number of labels.
func (s *Set) Len() int { return len(s.Labels) }

// Dim returns the number of values in one sample, the product of Shape.
func (s *Set) Dim() int {
	d := 1
	for _, n := range s.Shape {
		d *= n
	}
	return d
}

// Row returns sample i as a slice of s.X (a view, not a copy: writing to it
// changes the set). Its capacity is its length, so appending to it never
// overwrites the next sample. Row panics if i is out of range.
func (s *Set) Row(i int) []float64 {
	if i < 0 || i >= s.Len() {
		panic(fmt.Sprintf("datasets: Row(%d) out of range [0,%d)", i, s.Len()))
	}
	d := s.Dim()
	return s.X[i*d : (i+1)*d : (i+1)*d]
}

// Validate reports the first way in which s breaks the Set invariants:
// Shape has at least one entry and all are positive, len(X) is Len()*Dim(),
// every label is in 0..len(Classes)-1, and X holds no NaN or infinity.
func (s *Set) Validate() error {
	if len(s.Shape) == 0 {
		return fmt.Errorf("datasets: %s: empty shape", s.Name)
	}
	for _, n := range s.Shape {
		if n <= 0 {
			return fmt.Errorf("datasets: %s: shape %v has a non-positive entry", s.Name, s.Shape)
		}
	}
	if want := s.Len() * s.Dim(); len(s.X) != want {
		return fmt.Errorf("datasets: %s: %d values, want %d samples × %d (shape %v) = %d",
			s.Name, len(s.X), s.Len(), s.Dim(), s.Shape, want)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= len(s.Classes) {
			return fmt.Errorf("datasets: %s: sample %d has label %d, want 0..%d", s.Name, i, l, len(s.Classes)-1)
		}
	}
	for i, v := range s.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("datasets: %s: sample %d holds %v", s.Name, i/s.Dim(), v)
		}
	}
	return nil
}

// Counts returns the number of samples of each class, indexed by label.
// It panics if a label is out of range (Validate reports that as an error).
func (s *Set) Counts() []int {
	c := make([]int, len(s.Classes))
	for i, l := range s.Labels {
		if l < 0 || l >= len(c) {
			panic(fmt.Sprintf("datasets: %s: sample %d has label %d out of range [0,%d)", s.Name, i, l, len(c)))
		}
		c[l]++
	}
	return c
}

// Subset returns a new set holding some of the samples of s, copied.
//
// It keeps the listed classes (nil or empty means all classes; the list is
// sorted and deduplicated first, and the caller's slice is not changed). For
// each kept class it walks the samples in file order, skips the first skip
// of that class and takes the next perClass (perClass <= 0 takes all the
// remaining ones). The kept samples stay in file order, interleaved as in s.
// Labels are remapped to 0..K−1 in the order of the sorted class ids, and
// Classes holds the names of the kept classes in that order.
//
// This is how the experiments of the paper pick their training sets: the
// first n images of each class in file order. skip selects a disjoint block
// after them, such as a test set from a source without splits.
//
// Subset returns an error if a class id is out of range, if skip is
// negative, or if a class has no samples, or fewer than perClass, left
// after skipping.
func (s *Set) Subset(classes []int, perClass, skip int) (*Set, error) {
	if skip < 0 {
		return nil, fmt.Errorf("datasets: %s: negative skip %d", s.Name, skip)
	}
	var keep []int
	if len(classes) == 0 {
		keep = make([]int, len(s.Classes))
		for i := range keep {
			keep[i] = i
		}
	} else {
		keep = slices.Clone(classes)
		slices.Sort(keep)
		keep = slices.Compact(keep)
	}
	newLabel := make([]int, len(s.Classes)) // old label -> new label, or -1
	for i := range newLabel {
		newLabel[i] = -1
	}
	names := make([]string, len(keep))
	for k, c := range keep {
		if c < 0 || c >= len(s.Classes) {
			return nil, fmt.Errorf("datasets: %s: class %d out of range [0,%d)", s.Name, c, len(s.Classes))
		}
		newLabel[c] = k
		names[k] = s.Classes[c]
	}

	seen := make([]int, len(keep))
	taken := make([]int, len(keep))
	var rows []int
	for i, l := range s.Labels {
		if l < 0 || l >= len(newLabel) || newLabel[l] < 0 {
			continue
		}
		k := newLabel[l]
		seen[k]++
		if seen[k] <= skip || (perClass > 0 && taken[k] >= perClass) {
			continue
		}
		taken[k]++
		rows = append(rows, i)
	}
	for k, c := range keep {
		switch {
		case taken[k] == 0 && skip == 0:
			return nil, fmt.Errorf("datasets: %s: class %d has no samples", s.Name, c)
		case taken[k] == 0:
			return nil, fmt.Errorf("datasets: %s: class %d has no samples (after skipping %d)", s.Name, c, skip)
		case perClass > 0 && taken[k] < perClass:
			return nil, fmt.Errorf("datasets: %s: class %d has %d samples after skipping %d, want %d",
				s.Name, c, taken[k], skip, perClass)
		}
	}

	d := s.Dim()
	out := &Set{
		Name:    s.Name,
		X:       make([]float64, 0, len(rows)*d),
		Shape:   slices.Clone(s.Shape),
		Labels:  make([]int, len(rows)),
		Classes: names,
		Skipped: s.Skipped,
		Notes:   s.Notes,
	}
	for j, i := range rows {
		out.X = append(out.X, s.X[i*d:(i+1)*d]...)
		out.Labels[j] = newLabel[s.Labels[i]]
	}
	return out, nil
}

// maxClassID bounds the class ids ParseClasses accepts, so that a typo such
// as "0-1000000000" cannot allocate a huge slice.
const maxClassID = 1 << 20

// ParseClasses parses a list of class ids as written on a command line:
// comma-separated ids and inclusive ranges, such as "0-9", "0,1" or
// "3,5-7". Spaces around items are ignored. The result is sorted and
// deduplicated. Empty items, negative ids, reversed ranges (such as "7-5")
// and anything that is not a number are errors.
func ParseClasses(spec string) ([]int, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, fmt.Errorf("datasets: empty class list")
	}
	var ids []int
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		lo, hi, isRange := strings.Cut(item, "-")
		a, err := parseClassID(lo, item)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = parseClassID(hi, item); err != nil {
				return nil, err
			}
			if b < a {
				return nil, fmt.Errorf("datasets: class range %q is reversed", item)
			}
		}
		for c := a; c <= b; c++ {
			ids = append(ids, c)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// parseClassID parses one class id of the item item of a class list.
func parseClassID(s, item string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, fmt.Errorf("datasets: bad class list item %q (want N or N-M with N, M >= 0)", item)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxClassID {
		return 0, fmt.Errorf("datasets: class id %q in %q is too large (max %d)", s, item, maxClassID)
	}
	return n, nil
}
