package eval

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestNormalizeRows(t *testing.T) {
	x := []float64{
		3, 4, // norm 5
		0, 0, // zero row: stays zero
		1e-10, 0, // norm below the clamp: divided by 1e-8, not by 1e-10
		-2, 0,
	}
	want := []float64{0.6, 0.8, 0, 0, 1e-2, 0, -1, 0}
	got := NormalizeRows(nil, x, 2)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("alloc: got[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if x[0] != 3 {
		t.Errorf("input modified with a nil dst")
	}
	NormalizeRows(x, x, 2)
	for i := range want {
		if math.Abs(x[i]-want[i]) > 1e-15 {
			t.Errorf("in place: x[%d] = %v, want %v", i, x[i], want[i])
		}
	}
}

func TestNormalizeRowsPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"len":  func() { NormalizeRows(nil, make([]float64, 5), 2) },
		"d":    func() { NormalizeRows(nil, make([]float64, 4), 0) },
		"dst":  func() { NormalizeRows(make([]float64, 2), make([]float64, 4), 2) },
		"acc":  func() { Accuracy([]int{1}, []int{1, 2}) },
		"pred": func() { (&KNN{}).Predict(nil, make([]float64, 4)) },
	} {
		if !panics(f) {
			t.Errorf("%s: no panic", name)
		}
	}
}

func TestAccuracy(t *testing.T) {
	if got := Accuracy([]int{0, 1, 2, 2}, []int{0, 1, 1, 2}); got != 0.75 {
		t.Errorf("Accuracy = %v, want 0.75", got)
	}
	if got := Accuracy(nil, nil); !math.IsNaN(got) {
		t.Errorf("Accuracy of nothing = %v, want NaN", got)
	}
}

func TestFitErrors(t *testing.T) {
	x := []float64{1, 0, 0, 1}
	labels := []int{0, 1}
	nan := []float64{1, math.NaN(), 0, 1}
	for _, c := range []struct {
		name string
		cl   Classifier
	}{
		{"subspace", &NearestSubspace{Rank: 1}},
		{"knn", &KNN{}},
		{"svm", &LinearSVM{}},
	} {
		if err := c.cl.Fit(x, 2, labels, 2); err != nil {
			t.Errorf("%s: valid fit: %v", c.name, err)
		}
		if err := c.cl.Fit(nan, 2, labels, 2); err == nil {
			t.Errorf("%s: no error for NaN", c.name)
		}
		if err := c.cl.Fit(x, 2, []int{0, 2}, 2); err == nil {
			t.Errorf("%s: no error for a label out of range", c.name)
		}
		if !panics(func() { c.cl.Fit(x, 2, []int{0}, 2) }) {
			t.Errorf("%s: no panic for a shape mismatch", c.name)
		}
	}
	if err := (&KNN{K: -1}).Fit(x, 2, labels, 2); err == nil {
		t.Error("knn: no error for K < 0")
	}
	if err := (&KNN{}).Fit(nil, 2, nil, 2); err == nil {
		t.Error("knn: no error without data")
	}
	if err := (&LinearSVM{C: -1}).Fit(x, 2, labels, 2); err == nil {
		t.Error("svm: no error for C < 0")
	}
	if err := (&LinearSVM{}).Fit(nil, 2, nil, 2); err == nil {
		t.Error("svm: no error without data")
	}
}

func panics(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}

// blobs draws n rows per class from isotropic Gaussians of standard
// deviation sigma around the given means, classes interleaved.
func blobs(rng *rand.Rand, means [][]float64, n int, sigma float64) (x []float64, labels []int) {
	for range n {
		for j, mu := range means {
			for _, m := range mu {
				x = append(x, m+sigma*rng.NormFloat64())
			}
			labels = append(labels, j)
		}
	}
	return x, labels
}
