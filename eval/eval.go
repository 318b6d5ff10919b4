package eval

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// normClamp is the lower bound on a row norm used by NormalizeRows and by the
// cosine similarity of KNN: the same clamp as every normalisation of a
// sample in this module.
const normClamp = 1e-8

// Classifier is a multi-class classifier of feature rows.
//
// Fit trains on x, a row-major matrix with d columns whose rows carry the
// given labels in 0..k−1. Predict writes the predicted label of each row of x
// (with the d columns of the training data) into dst and returns it; if dst is
// nil a new slice is allocated, otherwise its length must equal the number of
// rows.
type Classifier interface {
	Fit(x []float64, d int, labels []int, k int) error
	Predict(dst []int, x []float64) []int
}

var (
	_ Classifier = (*NearestSubspace)(nil)
	_ Classifier = (*KNN)(nil)
	_ Classifier = (*LinearSVM)(nil)
)

// NormalizeRows divides each row of x (d columns, row-major) by its L2 norm,
// clamped below at 1e-8, and writes the result to dst, which it returns. If
// dst is nil a new slice is allocated; dst may be x. NormalizeRows panics if
// d < 1, len(x) is not a multiple of d, or a non-nil dst is not len(x) long.
func NormalizeRows(dst, x []float64, d int) []float64 {
	if d < 1 {
		panic("eval: non-positive dimension")
	}
	if len(x)%d != 0 {
		panic("eval: data length not a multiple of d")
	}
	if dst == nil {
		dst = make([]float64, len(x))
	} else if len(dst) != len(x) {
		panic("eval: dst length mismatch")
	}
	for i := 0; i < len(x); i += d {
		row := x[i : i+d]
		out := dst[i : i+d]
		s := 1 / rowNorm(row)
		for j, v := range row {
			out[j] = v * s
		}
	}
	return dst
}

// rowNorm returns the L2 norm of v clamped below at normClamp.
// UnitRows reports whether every row of x (d values each) has a squared
// norm within 1e-12 of 1, as the features of a ReduNet and its normalised
// input have: such rows need no normalised copy. It panics if d < 1.
func UnitRows(x []float64, d int) bool {
	if d < 1 {
		panic("eval: UnitRows: d < 1")
	}
	for i := 0; i+d <= len(x); i += d {
		s := 0.0
		for _, v := range x[i : i+d] {
			s += v * v
		}
		if math.Abs(s-1) > 1e-12 {
			return false
		}
	}
	return true
}

func rowNorm(v []float64) float64 {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	return max(math.Sqrt(ss), normClamp)
}

// Accuracy returns the fraction of positions where pred equals labels. It
// returns NaN for empty slices and panics if the lengths differ.
func Accuracy(pred, labels []int) float64 {
	if len(pred) != len(labels) {
		panic("eval: prediction and label lengths differ")
	}
	if len(pred) == 0 {
		return math.NaN()
	}
	n := 0
	for i, p := range pred {
		if p == labels[i] {
			n++
		}
	}
	return float64(n) / float64(len(pred))
}

// errNoData is returned by Fit when there are no training rows.
var errNoData = errors.New("eval: no training samples")

// checkFit validates the arguments common to every Fit. Shape mismatches
// panic; bad labels and non-finite values are returned as errors. It returns
// the number of rows and the number of rows of each class.
func checkFit(x []float64, d int, labels []int, k int) (m int, counts []int, err error) {
	if d < 1 {
		panic("eval: non-positive dimension")
	}
	if k < 1 {
		panic("eval: non-positive number of classes")
	}
	if len(x) != len(labels)*d {
		panic("eval: data length does not match labels×d")
	}
	m = len(labels)
	counts = make([]int, k)
	for i, l := range labels {
		if l < 0 || l >= k {
			return 0, nil, fmt.Errorf("eval: label %d of row %d out of range [0,%d)", l, i, k)
		}
		counts[l]++
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, nil, fmt.Errorf("eval: non-finite value %v in row %d", v, i/d)
		}
	}
	return m, counts, nil
}

// checkPredict validates the arguments of a Predict-like query and returns
// the number of rows of x.
func checkPredict(d int, x []float64, dstLen int, dstNil bool, perRow int) int {
	if d == 0 {
		panic("eval: query before Fit")
	}
	if len(x)%d != 0 {
		panic("eval: data length not a multiple of d")
	}
	n := len(x) / d
	if !dstNil && dstLen != n*perRow {
		panic("eval: dst length mismatch")
	}
	return n
}

// parallel calls f(i) for i in [0, n) on up to GOMAXPROCS goroutines. The
// calls must be independent; results written by index do not depend on the
// number of workers.
func parallel(n int, f func(i int)) {
	w := min(runtime.GOMAXPROCS(0), n)
	if w <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}
