package experiment

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/redunet-go/redunet/datasets"
)

// ErrClasses is wrapped by the errors of ClassIDs about a class list that
// does not fit the data: a class that is not in it, fewer than two classes.
var ErrClasses = errors.New("experiment: bad class list")

// ErrNoTestSamples is wrapped by TestOffset's error: a source without a
// separate test split whose training set takes every sample.
var ErrNoTestSamples = errors.New("experiment: no test samples left")

// numericItem matches an item of a class list that is meant as a number or
// a range of numbers ("3", "0-9", and the malformed "1-" and "7-5" that
// datasets.ParseClasses refuses), not as a name.
var numericItem = regexp.MustCompile(`^[\s0-9-]*[0-9][\s0-9-]*$|^\s*-\s*$`)

// ClassIDs returns the labels of s (positions in s.Classes, sorted) that a
// class list as written on a command line selects: comma-separated items,
// each a class name as it appears in s.Classes (a folder's sub-folder,
// say), a number N or an inclusive range N-M (datasets.ParseClasses).
//
// A number names a class by its label value as it appears in the data:
// when every class name of s is a decimal integer (MNIST's "0" … "9", the
// label values of a .npy file such as "10", "20", "30"), N selects the class
// named N, not the N-th one. Otherwise (CIFAR's "airplane" …, folders of
// words) N is the position of the class in s.Classes, 0..K−1. Every class
// a number or range names must be in the data.
//
// An empty list selects every class: ClassIDs returns nil. Errors name
// the item and list the classes of s; those about the data wrap
// ErrClasses, those about the list's syntax come from datasets.ParseClasses.
func ClassIDs(s *datasets.Set, spec string) ([]int, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	numeric := len(s.Classes) > 0
	for _, n := range s.Classes {
		if v, err := strconv.Atoi(n); err != nil || strconv.Itoa(v) != n {
			numeric = false
			break
		}
	}
	var ids []int
	for item := range strings.SplitSeq(spec, ",") {
		if i := slices.Index(s.Classes, strings.TrimSpace(item)); i >= 0 {
			ids = append(ids, i) // a class's own name ("3", "cat", "2019-01")
			continue
		}
		if !numericItem.MatchString(item) {
			name := strings.TrimSpace(item)
			i := slices.Index(s.Classes, name)
			if i < 0 || name == "" {
				if name == "" {
					_, err := datasets.ParseClasses(spec) // its message for an empty item
					return nil, err
				}
				return nil, fmt.Errorf("%w: %s has no class %q (its classes: %s)", ErrClasses, s.Name, name, listClasses(s.Classes))
			}
			ids = append(ids, i)
			continue
		}
		values, err := datasets.ParseClasses(item)
		if err != nil {
			return nil, err
		}
		for _, v := range values {
			if numeric {
				i := slices.Index(s.Classes, strconv.Itoa(v))
				if i < 0 {
					return nil, fmt.Errorf("%w: %s has no class %d (its classes: %s)", ErrClasses, s.Name, v, listClasses(s.Classes))
				}
				ids = append(ids, i)
				continue
			}
			if v >= len(s.Classes) {
				return nil, fmt.Errorf("%w: %s has %d classes, numbered 0-%d by position (%s): no class %d",
					ErrClasses, s.Name, len(s.Classes), len(s.Classes)-1, listClasses(s.Classes), v)
			}
			ids = append(ids, v)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// listClasses lists class names for a message, the first 20 of them.
func listClasses(names []string) string {
	if len(names) > 20 {
		return strings.Join(names[:20], ", ") + fmt.Sprintf(", … (%d in all)", len(names))
	}
	return strings.Join(names, ", ")
}

// TestOffset returns how many samples of each class come before the test
// samples of a source: none for a source with a separate test split, and
// for a source without one (SingleSplit) the trainPer training samples of
// each class, so that the test samples are the ones after them and never
// training samples. trainPer ≤ 0 means that the training set takes every
// sample: there is then no test sample left, and TestOffset returns an
// error wrapping ErrNoTestSamples.
func TestOffset(source string, trainPer int) (int, error) {
	if !SingleSplit(source) {
		return 0, nil
	}
	if trainPer <= 0 {
		return 0, fmt.Errorf("%w: %s has no separate test split, and the training set takes all its samples: "+
			"take fewer training samples per class (the test samples are the ones after them)", ErrNoTestSamples, source)
	}
	return trainPer, nil
}
