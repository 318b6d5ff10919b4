package eval

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/redunet-go/redunet/internal/dmat"
	"gonum.org/v1/gonum/floats"
)

// LinearSVM is a one-vs-rest linear support vector machine with the
// L2-regularised squared hinge loss (the L2-loss SVM that liblinear's default
// solver and scikit-learn's LinearSVC solve). For each class j it finds
//
//	w̃_j = argmin ½‖w̃‖² + C Σ_i max(0, 1 − y_i w̃ᵀx̃_i)²,
//
// with y_i = +1 for the rows of class j and −1 for the others, and
// x̃_i = (x_i, 1). The intercept b_j is the last entry of w̃_j: as in liblinear
// (with bias 1, scikit-learn's intercept_scaling=1) it is the weight of an
// appended constant feature and is regularised like the other weights, so the
// solution differs slightly from that of an unregularised intercept.
//
// The problem is solved in the dual by coordinate descent with shrinking
// (Hsieh et al., "A dual coordinate descent method for large-scale linear
// SVM", ICML 2008, Algorithm 1 with D_ii = 1/(2C) and U = ∞, as implemented
// in liblinear's solve_l2r_l1l2_svc). The coordinates are visited in a random
// order each epoch, drawn from a fixed seed, so fits are deterministic; every
// class uses the same seed, so with two classes the two machines are exact
// mirrors (w̃_0 = −w̃_1) and the prediction equals that of a single binary
// machine.
//
// Predict returns the argmax of the k decision values w_jᵀx + b_j (ties to the
// lowest class), including for k = 2.
type LinearSVM struct {
	// C is the weight of the loss; 0 means 1.
	C float64
	// Tol is the stopping tolerance on the spread of the projected gradient
	// of the dual, max PG − min PG; 0 means 1e-4, scikit-learn LinearSVC's
	// default (liblinear's command line uses 0.1).
	Tol float64
	// MaxIter bounds the number of epochs (passes over the data) of each
	// machine; 0 means 1000, the default of both liblinear and scikit-learn.
	MaxIter int

	d, k      int
	w         []float64 // k×d
	b         []float64 // k
	converged bool
}

// svmSeed seeds the coordinate order of every machine.
const svmSeed = 0x5eed

// Fit trains one machine per class on the rows of x (d columns) with labels in
// 0..k−1; the machines are fit in parallel. It returns an error if C, Tol or
// MaxIter is negative or not finite, x has no rows, a label is out of range or
// x holds a non-finite value. A class with no training rows is allowed: its
// machine sees only negatives. Reaching MaxIter is not an error; see
// Converged. Fit panics on shape mismatches.
func (s *LinearSVM) Fit(x []float64, d int, labels []int, k int) error {
	m, _, err := checkFit(x, d, labels, k)
	if err != nil {
		return err
	}
	c, tol, maxIter := s.C, s.Tol, s.MaxIter
	if c < 0 || math.IsNaN(c) || math.IsInf(c, 0) {
		return fmt.Errorf("eval: invalid SVM C %v", c)
	}
	if tol < 0 || math.IsNaN(tol) || math.IsInf(tol, 0) {
		return fmt.Errorf("eval: invalid SVM tolerance %v", tol)
	}
	if maxIter < 0 {
		return fmt.Errorf("eval: negative SVM iteration bound %d", maxIter)
	}
	if m == 0 {
		return errNoData
	}
	if c == 0 {
		c = 1
	}
	if tol == 0 {
		tol = 1e-4
	}
	if maxIter == 0 {
		maxIter = 1000
	}
	s.d = 0

	// QD_ii = x̃_iᵀx̃_i + D_ii, shared by all machines.
	diag := 0.5 / c
	qd := make([]float64, m)
	for i := range m {
		xi := x[i*d : (i+1)*d]
		qd[i] = floats.Dot(xi, xi) + 1 + diag
	}

	w := make([]float64, k*d)
	b := make([]float64, k)
	conv := make([]bool, k)
	parallel(k, func(j int) {
		wj := make([]float64, d+1)
		conv[j] = solveL2SVC(wj, x, d, labels, j, qd, diag, tol, maxIter)
		copy(w[j*d:(j+1)*d], wj[:d])
		b[j] = wj[d]
	})
	s.d, s.k, s.w, s.b = d, k, w, b
	s.converged = true
	for _, ok := range conv {
		s.converged = s.converged && ok
	}
	return nil
}

// solveL2SVC runs dual coordinate descent for the machine of class j and
// writes w̃ = (w, b) into w (length d+1, zeroed). It reports whether the
// tolerance was met within maxIter epochs.
func solveL2SVC(w, x []float64, d int, labels []int, j int, qd []float64, diag, tol float64, maxIter int) bool {
	m := len(labels)
	alpha := make([]float64, m)
	index := make([]int, m)
	for i := range index {
		index[i] = i
	}
	rng := rand.New(rand.NewPCG(svmSeed, 0))
	active := m
	// pgMaxOld is liblinear's PGmax_old; its PGmin_old only shrinks
	// coordinates at the upper bound, which is ∞ here.
	pgMaxOld := math.Inf(1)
	wx := w[:d]
	for iter := 0; iter < maxIter; iter++ {
		pgMax, pgMin := math.Inf(-1), math.Inf(1)
		for i := range active {
			r := i + rng.IntN(active-i)
			index[i], index[r] = index[r], index[i]
		}
		for s := 0; s < active; s++ {
			i := index[s]
			xi := x[i*d : (i+1)*d]
			y := -1.0
			if labels[i] == j {
				y = 1
			}
			g := y*(floats.Dot(wx, xi)+w[d]) - 1 + alpha[i]*diag
			pg := g
			if alpha[i] == 0 {
				if g > pgMaxOld {
					// Shrink: this coordinate is likely to stay at 0.
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				pg = min(g, 0)
			}
			pgMax = max(pgMax, pg)
			pgMin = min(pgMin, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				alpha[i] = max(old-g/qd[i], 0)
				step := (alpha[i] - old) * y
				floats.AddScaled(wx, step, xi)
				w[d] += step
			}
		}
		if pgMax-pgMin <= tol {
			if active == m {
				return true
			}
			// Converged on the active set: check all coordinates again.
			active = m
			pgMaxOld = math.Inf(1)
			continue
		}
		pgMaxOld = pgMax
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
	}
	return false
}

// Converged reports whether every machine of the last Fit met Tol within
// MaxIter epochs. It panics before Fit.
func (s *LinearSVM) Converged() bool {
	if s.d == 0 {
		panic("eval: query before Fit")
	}
	return s.converged
}

// Weights returns a copy of the weight vector w_j (length d) and the
// intercept b_j of the machine of class j. It panics before Fit or if j is
// out of range.
func (s *LinearSVM) Weights(j int) (w []float64, b float64) {
	if s.d == 0 {
		panic("eval: query before Fit")
	}
	if j < 0 || j >= s.k {
		panic("eval: class out of range")
	}
	return append([]float64(nil), s.w[j*s.d:(j+1)*s.d]...), s.b[j]
}

// Decision writes the decision values w_jᵀz + b_j of each row z of x and each
// class j into dst, row-major n×k, and returns it. If dst is nil a new slice
// is allocated. It panics before Fit, if len(x) is not a multiple of d, or if
// a non-nil dst is not n×k long.
func (s *LinearSVM) Decision(dst []float64, x []float64) []float64 {
	n := checkPredict(s.d, x, len(dst), dst == nil, s.k)
	if dst == nil {
		dst = make([]float64, n*s.k)
	}
	if n == 0 {
		return dst
	}
	k := s.k
	for i := range n {
		copy(dst[i*k:(i+1)*k], s.b)
	}
	dmat.Gemm(false, true, n, k, s.d, 1, x, s.d, s.w, s.d, 1, dst, k, 0)
	return dst
}

// Predict writes the class of the largest decision value of each row of x
// into dst and returns it; ties go to the lowest class. If dst is nil a new
// slice is allocated. It panics before Fit, if len(x) is not a multiple of d,
// or if a non-nil dst does not have one entry per row.
func (s *LinearSVM) Predict(dst []int, x []float64) []int {
	n := checkPredict(s.d, x, len(dst), dst == nil, 1)
	if dst == nil {
		dst = make([]int, n)
	}
	k := s.k
	dec := s.Decision(nil, x)
	for i := range n {
		dst[i] = argmax(dec[i*k : (i+1)*k])
	}
	return dst
}
