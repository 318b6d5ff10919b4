package experiment

import (
	"fmt"
	"path/filepath"

	"github.com/redunet-go/redunet/report"
)

// Invariance is what a run with the all-shifts test set says about shift
// invariance, for one classifier: its accuracy on the unshifted test set
// and on all its shifts, for the raw (lifted) input and for the ReduNet
// features.
type Invariance struct {
	Classifier           string
	RawTest, RawShifts   float64
	FeatTest, FeatShifts float64
}

// Kept returns the fraction of the test accuracy that the input (raw) and
// the features keep on the all-shifts set.
func (v Invariance) Kept() (raw, feat float64) {
	return ratio(v.RawShifts, v.RawTest), ratio(v.FeatShifts, v.FeatTest)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// InvarianceOf returns the invariance cells of classifier c in acc, and
// false when acc lacks one of them (no all-shifts set, or no such
// classifier).
func InvarianceOf(acc []Accuracy, c string) (Invariance, bool) {
	v := Invariance{Classifier: c}
	found := 0
	for _, a := range acc {
		if a.Classifier != c {
			continue
		}
		var p *float64
		switch {
		case a.Set == TestSet && a.Input == Raw:
			p = &v.RawTest
		case a.Set == ShiftsSet && a.Input == Raw:
			p = &v.RawShifts
		case a.Set == TestSet && a.Input == Features:
			p = &v.FeatTest
		case a.Set == ShiftsSet && a.Input == Features:
			p = &v.FeatShifts
		}
		if p != nil {
			*p = a.Accuracy
			found++
		}
	}
	return v, found == 4
}

// Claim returns a sentence that states, from the measured accuracies, what
// the all-shifts test set of shifts samples shows: how much of its test
// accuracy the nearest-subspace classifier keeps on the shifted images with
// the ReduNet features and with the lifted input. It returns "" when acc
// has no all-shifts cells. The verb follows the numbers: the features
// "keep" their accuracy only if they keep at least 80 % of it and more
// than the input does.
func Claim(acc []Accuracy, shifts int) string {
	v, ok := InvarianceOf(acc, "nearest-subspace")
	if !ok {
		return ""
	}
	kr, kf := v.Kept()
	verb := "keep their accuracy"
	switch {
	case kf < 0.8 || kf <= kr:
		verb = "do not keep their accuracy"
	}
	collapse := "falls"
	if kr < 0.5 {
		collapse = "collapses"
	}
	return fmt.Sprintf("On the all-shifts test set (%d shifted test images) the ReduNet features %s: "+
		"%.2f against %.2f on the unshifted test images (%.0f %% kept, nearest subspace), where the "+
		"lifted input %s from %.2f to %.2f (%.0f %% kept).",
		shifts, verb, v.FeatShifts, v.FeatTest, 100*kf, collapse, v.RawTest, v.RawShifts, 100*kr)
}

// invarianceFigure draws, for every classifier with the four cells, its
// accuracy on the test set and on the all-shifts set, with the lifted input
// and with the features: the claim of a shift-invariant run as bars.
func invarianceFigure(dir, name string, acc []Accuracy) (bool, error) {
	labels := []string{"input\ntest", "input\nall shifts", "features\ntest", "features\nall shifts"}
	var groups []report.Series
	for _, c := range Classifiers() {
		v, ok := InvarianceOf(acc, c)
		if !ok {
			continue
		}
		groups = append(groups, report.Series{Name: c, Y: []float64{v.RawTest, v.RawShifts, v.FeatTest, v.FeatShifts}})
	}
	if len(groups) == 0 {
		return false, nil
	}
	return true, report.Bars(filepath.Join(dir, "invariance.png"), name+": accuracy, unshifted vs all shifts", labels, groups)
}
