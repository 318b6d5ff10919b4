package eval

import (
	"fmt"

	"github.com/redunet-go/redunet/internal/dmat"
)

// KNN is a k-nearest-neighbour classifier with cosine similarity
// a·b / (‖a‖‖b‖), each norm clamped below at 1e-8 (so a zero row has
// similarity 0 to every row). A row is assigned the majority label of its K
// most similar training rows. A tie in the vote goes to the tied label with
// the largest summed similarity, then to the lowest label. Among training
// rows of equal similarity the one with the lower index is the nearer. If K
// exceeds the number of training rows all of them vote.
//
// Similarities are computed as blocked matrix products of normalised test and
// training rows.
type KNN struct {
	// K is the number of neighbours; 0 means 5.
	K int

	d, k   int
	train  []float64 // normalised training rows, m×d (maybe the caller's)
	labels []int
}

// Fit stores the training rows of x (d columns), normalised, and their
// labels in 0..k−1: x itself when its rows are already unit vectors (see
// UnitRows; the caller must then leave x as it is while c is in use), else
// a normalised copy. It returns an error if K < 0, x has no rows, a label
// is out of range or x holds a non-finite value. It panics on shape
// mismatches.
func (c *KNN) Fit(x []float64, d int, labels []int, k int) error {
	m, _, err := checkFit(x, d, labels, k)
	if err != nil {
		return err
	}
	if c.K < 0 {
		return fmt.Errorf("eval: negative neighbour count %d", c.K)
	}
	if m == 0 {
		return errNoData
	}
	c.d, c.k = d, k
	c.train = x
	if !UnitRows(x, d) {
		c.train = NormalizeRows(nil, x, d)
	}
	c.labels = append([]int(nil), labels...)
	return nil
}

// Block sizes of the similarity products: test rows × training rows.
const (
	knnTestBlock  = 256
	knnTrainBlock = 4096
)

// Predict writes the predicted label of each row of x into dst and returns
// it. If dst is nil a new slice is allocated. It panics before Fit, if len(x)
// is not a multiple of d, or if a non-nil dst does not have one entry per row.
func (c *KNN) Predict(dst []int, x []float64) []int {
	n := checkPredict(c.d, x, len(dst), dst == nil, 1)
	if dst == nil {
		dst = make([]int, n)
	}
	if n == 0 {
		return dst
	}
	d := c.d
	m := len(c.labels)
	kn := c.K
	if kn == 0 {
		kn = 5
	}
	kn = min(kn, m)

	nb := (n + knnTestBlock - 1) / knnTestBlock
	parallel(nb, func(b int) {
		lo := b * knnTestBlock
		hi := min(lo+knnTestBlock, n)
		rows := hi - lo
		xs := NormalizeRows(nil, x[lo*d:hi*d], d)
		tb := min(knnTrainBlock, m)
		sim := make([]float64, rows*tb)
		top := newTopK(rows, kn)
		for tlo := 0; tlo < m; tlo += tb {
			thi := min(tlo+tb, m)
			cols := thi - tlo
			// One worker: the test blocks are already spread over the cores.
			dmat.Gemm(false, true, rows, cols, d, 1, xs, d, c.train[tlo*d:thi*d], d, 0, sim[:rows*cols], cols, 1)
			for i := range rows {
				top.push(i, sim[i*cols:(i+1)*cols], tlo)
			}
		}
		count := make([]int, c.k)
		sum := make([]float64, c.k)
		for i := range rows {
			dst[lo+i] = top.vote(i, c.labels, count, sum)
		}
	})
	return dst
}

// topK keeps, for each of a block of rows, the kn largest similarities seen
// so far and the indices of their training rows, in decreasing order.
type topK struct {
	kn  int
	n   []int // number filled per row
	sim []float64
	idx []int
}

func newTopK(rows, kn int) *topK {
	return &topK{kn: kn, n: make([]int, rows), sim: make([]float64, rows*kn), idx: make([]int, rows*kn)}
}

// push offers the similarities s of row i to training rows off, off+1, ….
// A candidate replaces an entry only if strictly more similar, so on equal
// similarity the lower training index is kept.
func (t *topK) push(i int, s []float64, off int) {
	kn := t.kn
	sim := t.sim[i*kn : (i+1)*kn]
	idx := t.idx[i*kn : (i+1)*kn]
	n := t.n[i]
	for j, v := range s {
		if n == kn && !(v > sim[kn-1]) {
			continue
		}
		// Insert v after every entry with similarity >= v.
		p := n
		if n == kn {
			p = kn - 1
		} else {
			n++
		}
		for p > 0 && sim[p-1] < v {
			sim[p], idx[p] = sim[p-1], idx[p-1]
			p--
		}
		sim[p], idx[p] = v, off+j
	}
	t.n[i] = n
}

// vote returns the majority label among the neighbours of row i; count and
// sum are zeroed scratch of one entry per class and are left zeroed.
func (t *topK) vote(i int, labels []int, count []int, sum []float64) int {
	kn := t.n[i]
	sim := t.sim[i*t.kn : i*t.kn+kn]
	idx := t.idx[i*t.kn : i*t.kn+kn]
	for p, j := range idx {
		l := labels[j]
		count[l]++
		sum[l] += sim[p]
	}
	best := -1
	for _, j := range idx {
		l := labels[j]
		if best < 0 || count[l] > count[best] ||
			count[l] == count[best] && (sum[l] > sum[best] || sum[l] == sum[best] && l < best) {
			best = l
		}
	}
	for _, j := range idx {
		count[labels[j]], sum[labels[j]] = 0, 0
	}
	return best
}
