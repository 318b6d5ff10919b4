package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// MaxHeatmapRows is the largest number of samples [SimilarityHeatmap] shows;
// larger sets are subsampled evenly within each class.
const MaxHeatmapRows = 2000

// MaxCrossPairs is the largest number of similarities [CrossSimilarities]
// computes; more pairs are subsampled evenly.
const MaxCrossPairs = 2_000_000

// CrossSimilarities returns the absolute cosine similarities between every
// row of a and every row of b (row-major matrices with d columns, labelled
// la and lb), split into the pairs with the same label and those with
// different labels. Both slices are in row-major pair order: row i of a
// against rows 0, 1, … of b, then row i+1.
//
// If len(a)/d · len(b)/d exceeds [MaxCrossPairs], evenly spaced rows of a and
// of b are kept (in proportion to their numbers of rows) so that at most
// MaxCrossPairs pairs remain; the choice depends only on the shapes, so
// the result is deterministic. A zero row has similarity 0 with every row.
//
// CrossSimilarities panics if d ≤ 0, if len(a) or len(b) is not a multiple
// of d, or if la or lb does not have one label per row.
func CrossSimilarities(a []float64, la []int, b []float64, lb []int, d int) (same, diff []float64) {
	if d <= 0 {
		panic(fmt.Sprintf("report: CrossSimilarities: d = %d, want > 0", d))
	}
	if len(a)%d != 0 || len(b)%d != 0 {
		panic(fmt.Sprintf("report: CrossSimilarities: len(a) = %d, len(b) = %d not multiples of d = %d", len(a), len(b), d))
	}
	same, diff, _ = crossSimilarities(len(a)/d, la, func(dst []float64, rows []int) ([]float64, error) {
		return gatherRows(dst, a, d, rows), nil
	}, b, lb, d)
	return same, diff
}

// CrossSimilaritiesFunc is CrossSimilarities for an a of ma rows that is
// not held whole: rows appends rows idx of a (d values each, in order) to
// dst and returns it, or an error, which CrossSimilaritiesFunc returns. It
// asks for at most 256 rows at a time, the rows that CrossSimilarities
// would keep, so the result is the same as CrossSimilarities on a.
func CrossSimilaritiesFunc(ma int, la []int, rows func(dst []float64, idx []int) ([]float64, error), b []float64, lb []int, d int) (same, diff []float64, err error) {
	if d <= 0 {
		panic(fmt.Sprintf("report: CrossSimilaritiesFunc: d = %d, want > 0", d))
	}
	if ma < 0 || len(b)%d != 0 {
		panic(fmt.Sprintf("report: CrossSimilaritiesFunc: %d rows of a, len(b) = %d not a multiple of d = %d", ma, len(b), d))
	}
	return crossSimilarities(ma, la, rows, b, lb, d)
}

func crossSimilarities(ma int, la []int, rowsOf func(dst []float64, idx []int) ([]float64, error), b []float64, lb []int, d int) (same, diff []float64, err error) {
	mb := len(b) / d
	if len(la) != ma || len(lb) != mb {
		panic(fmt.Sprintf("report: CrossSimilarities: %d and %d labels for %d and %d rows", len(la), len(lb), ma, mb))
	}
	if ma == 0 || mb == 0 {
		return nil, nil, nil
	}
	ra, rb := crossRows(ma, mb, MaxCrossPairs)
	ia, ib := evenPick(ma, ra), evenPick(mb, rb)

	// B holds the kept rows of b (no copy when all are kept).
	var bm *mat.Dense
	if rb == mb {
		bm = mat.NewDense(mb, d, b)
	} else {
		bm = mat.NewDense(rb, d, gatherRows(nil, b, d, ib))
	}
	nb := rowNorms(bm)
	lbk := make([]int, rb)
	for j, r := range ib {
		lbk[j] = lb[r]
	}

	const block = 256
	buf := make([]float64, 0, min(block, ra)*d)
	var g mat.Dense
	for start := 0; start < ra; start += block {
		rows := ia[start:min(start+block, ra)]
		ar, err := rowsOf(buf[:0], rows)
		if err != nil {
			return nil, nil, err
		}
		if len(ar) != len(rows)*d {
			panic(fmt.Sprintf("report: CrossSimilaritiesFunc: %d values for %d rows of %d", len(ar), len(rows), d))
		}
		am := mat.NewDense(len(rows), d, ar)
		na := rowNorms(am)
		g.Reset()
		g.Mul(am, bm.T())
		for i, r := range rows {
			for j := range rb {
				s := cosine(g.At(i, j), na[i], nb[j])
				if la[r] == lbk[j] {
					same = append(same, s)
				} else {
					diff = append(diff, s)
				}
			}
		}
	}
	return same, diff, nil
}

// crossRows returns how many rows of an ma-row and an mb-row matrix to keep
// so that the kept pairs number at most limit, shrinking both sides by the
// same factor.
func crossRows(ma, mb, limit int) (ra, rb int) {
	if ma*mb <= limit {
		return ma, mb
	}
	f := math.Sqrt(float64(limit) / (float64(ma) * float64(mb)))
	ra = max(1, min(ma, int(float64(ma)*f)))
	rb = max(1, min(mb, limit/ra))
	// If one side hit its bound, give the other side the slack.
	ra = max(1, min(ma, limit/rb))
	return ra, rb
}

// evenPick returns k indices evenly spread over 0..n-1 (all of them if
// k ≥ n), in increasing order.
func evenPick(n, k int) []int {
	if k >= n {
		k = n
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i * n / k
	}
	return idx
}

// gatherRows appends the rows idx of the d-column row-major matrix x to dst.
func gatherRows(dst, x []float64, d int, idx []int) []float64 {
	for _, r := range idx {
		dst = append(dst, x[r*d:(r+1)*d]...)
	}
	return dst
}

// rowNorms returns the Euclidean norm of each row of m.
func rowNorms(m *mat.Dense) []float64 {
	r, _ := m.Dims()
	n := make([]float64, r)
	for i := range n {
		n[i] = mat.Norm(m.RowView(i), 2)
	}
	return n
}

// cosine returns |g|/(nu·nv) clamped to [0, 1], or 0 if either norm is 0.
func cosine(g, nu, nv float64) float64 {
	if nu == 0 || nv == 0 {
		return 0
	}
	return min(math.Abs(g)/(nu*nv), 1)
}

// classOrder returns the indices 0..len(labels)-1 stably sorted by label,
// the distinct labels in increasing order, and the start of each class in
// the returned order (len(classes)+1 entries, the last being len(labels)).
func classOrder(labels []int) (order, classes, starts []int) {
	order = make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(labels[i], labels[j]) })
	for k, i := range order {
		if k == 0 || labels[i] != labels[order[k-1]] {
			classes = append(classes, labels[i])
			starts = append(starts, k)
		}
	}
	starts = append(starts, len(labels))
	return order, classes, starts
}

// subsampleByClass returns at most limit indices of order (a class-sorted
// index list with class starts as from classOrder), taken evenly within
// each class. The quota of each class is its share of limit, by largest
// remainder; starts is updated to the result. If len(order) ≤ limit the
// inputs are returned unchanged.
func subsampleByClass(order, starts []int, limit int) (sub, subStarts []int) {
	m := len(order)
	if m <= limit {
		return order, starts
	}
	k := len(starts) - 1
	quota := make([]int, k)
	rem := make([]int, k) // remainders, scaled by m
	total := 0
	for c := range k {
		n := starts[c+1] - starts[c]
		quota[c] = n * limit / m
		rem[c] = n * limit % m
		total += quota[c]
	}
	byRem := make([]int, k)
	for c := range byRem {
		byRem[c] = c
	}
	slices.SortStableFunc(byRem, func(i, j int) int { return rem[j] - rem[i] })
	for _, c := range byRem[:limit-total] {
		quota[c]++
	}
	subStarts = make([]int, 0, k+1)
	for c := range k {
		subStarts = append(subStarts, len(sub))
		members := order[starts[c]:starts[c+1]]
		for _, p := range evenPick(len(members), quota[c]) {
			sub = append(sub, members[p])
		}
	}
	subStarts = append(subStarts, len(sub))
	return sub, subStarts
}

// similarityMatrix returns the absolute cosine similarities between the
// rows idx of the d-column row-major matrix x, as a len(idx)×len(idx)
// row-major slice in the order of idx.
func similarityMatrix(x []float64, d int, idx []int) []float64 {
	n := len(idx)
	var xm *mat.Dense
	var pos []int // row of xm holding sample idx[i]
	if n == len(x)/d {
		xm = mat.NewDense(n, d, x)
		pos = idx
	} else {
		xm = mat.NewDense(n, d, gatherRows(make([]float64, 0, n*d), x, d, idx))
		pos = make([]int, n)
		for i := range pos {
			pos[i] = i
		}
	}
	norms := rowNorms(xm)
	var g mat.SymDense
	g.SymOuterK(1, xm)
	s := make([]float64, n*n)
	for i := range n {
		for j := range n {
			pi, pj := pos[i], pos[j]
			s[i*n+j] = cosine(g.At(pi, pj), norms[pi], norms[pj])
		}
	}
	return s
}
