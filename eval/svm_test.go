package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Two points, x = 0 (class 0) and x = 2 (class 1). With the bias as a weight
// on a constant feature 1, the machine of class 1 minimises
//
//	f(w, b) = ½(w² + b²) + C(1 + b)²₊ + C(1 − 2w − b)²₊.
//
// Suppose both hinges active. ∂f/∂b = 0: b + 2C(1+b) − 2C(1−2w−b) = 0, so
// b = −4Cw/(1+4C). ∂f/∂w = 0: w − 4C(1−2w−b) = 0; substituting b,
// w = 4C(1+4C)/(1+12C+16C²). Then 1+b = (1+12C)/(1+12C+16C²) > 0 and
// 1−2w−b = (1+4C)/(1+12C+16C²) > 0, so both hinges are indeed active for
// every C > 0. For C = 1: w = 20/29, b = −16/29. The machine of class 0 is the
// mirror image: (−w, −b).
func TestLinearSVMTwoPoints(t *testing.T) {
	for _, c := range []float64{1, 0.1, 1000} {
		svm := LinearSVM{C: c, Tol: 1e-12, MaxIter: 1e6}
		if err := svm.Fit([]float64{0, 2}, 1, []int{0, 1}, 2); err != nil {
			t.Fatal(err)
		}
		if !svm.Converged() {
			t.Errorf("C=%v: not converged", c)
		}
		wantW := 4 * c * (1 + 4*c) / (1 + 12*c + 16*c*c)
		wantB := -4 * c * wantW / (1 + 4*c)
		for j, sign := range []float64{-1, 1} {
			w, b := svm.Weights(j)
			if math.Abs(w[0]-sign*wantW) > 1e-9 || math.Abs(b-sign*wantB) > 1e-9 {
				t.Errorf("C=%v class %d: w, b = %v, %v, want %v, %v", c, j, w[0], b, sign*wantW, sign*wantB)
			}
		}
		if got := svm.Predict(nil, []float64{0, 2, -5, 5}); got[0] != 0 || got[1] != 1 || got[2] != 0 || got[3] != 1 {
			t.Errorf("C=%v: Predict = %v, want [0 1 0 1]", c, got)
		}
	}
}

// With two classes the two one-vs-rest machines are exact mirror images.
func TestLinearSVMBinaryMirror(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	x, labels := blobs(rng, [][]float64{{1, 0, 0}, {0, 1, 0}}, 30, 1)
	var svm LinearSVM
	if err := svm.Fit(x, 3, labels, 2); err != nil {
		t.Fatal(err)
	}
	w0, b0 := svm.Weights(0)
	w1, b1 := svm.Weights(1)
	for i := range w0 {
		if w0[i] != -w1[i] {
			t.Errorf("w0[%d] = %v, −w1[%d] = %v", i, w0[i], i, -w1[i])
		}
	}
	if b0 != -b1 {
		t.Errorf("b0 = %v, −b1 = %v", b0, -b1)
	}
}

// primal returns the L2-loss SVM objective of w̃ = (w, b) for the machine of
// class j and, if grad is not nil, its gradient.
func primal(grad, wt, x []float64, d int, labels []int, j int, c float64) float64 {
	f := 0.5 * floats.Dot(wt, wt)
	if grad != nil {
		copy(grad, wt)
	}
	for i, l := range labels {
		y := -1.0
		if l == j {
			y = 1
		}
		xi := x[i*d : (i+1)*d]
		h := 1 - y*(floats.Dot(wt[:d], xi)+wt[d])
		if h <= 0 {
			continue
		}
		f += c * h * h
		if grad != nil {
			floats.AddScaled(grad[:d], -2*c*h*y, xi)
			grad[d] -= 2 * c * h * y
		}
	}
	return f
}

// newtonPrimal minimises the primal of the machine of class j by the
// generalised Newton method (the squared hinge is piecewise quadratic; its
// generalised Hessian is I + 2C Σ_{active i} x̃_ix̃_iᵀ) with backtracking.
// It is an independent check of the dual solver; gonum/optimize cannot be
// used here because its module graph needs golang.org/x/tools, which is not
// in go.sum.
func newtonPrimal(x []float64, d int, labels []int, j int, c float64) []float64 {
	n := d + 1
	wt := make([]float64, n)
	grad := make([]float64, n)
	trial := make([]float64, n)
	for range 100 {
		f := primal(grad, wt, x, d, labels, j, c)
		if floats.Norm(grad, 2) < 1e-13 {
			break
		}
		h := mat.NewSymDense(n, nil)
		for i := range n {
			h.SetSym(i, i, 1)
		}
		xt := make([]float64, n)
		for i, l := range labels {
			y := -1.0
			if l == j {
				y = 1
			}
			copy(xt, x[i*d:(i+1)*d])
			xt[d] = 1
			if 1-y*floats.Dot(wt, xt) > 0 {
				h.SymRankOne(h, 2*c, mat.NewVecDense(n, xt))
			}
		}
		var step mat.VecDense
		if err := step.SolveVec(h, mat.NewVecDense(n, grad)); err != nil {
			panic(err)
		}
		// Backtrack until the Armijo condition holds.
		gs := floats.Dot(grad, step.RawVector().Data)
		for t := 1.0; t > 1e-20; t /= 2 {
			floats.AddScaledTo(trial, wt, -t, step.RawVector().Data)
			if primal(nil, trial, x, d, labels, j, c) <= f-1e-4*t*gs {
				break
			}
		}
		copy(wt, trial)
	}
	return wt
}

// The dual solution against a Newton minimisation of the (C¹, strongly
// convex) primal, on a random non-separable 3-class problem.
func TestLinearSVMOptimality(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const m, d, k = 60, 4, 3
	x := make([]float64, m*d)
	labels := make([]int, m)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range labels {
		labels[i] = rng.IntN(k)
	}
	for _, c := range []float64{1, 10} {
		svm := LinearSVM{C: c, Tol: 1e-10, MaxIter: 1e6}
		if err := svm.Fit(x, d, labels, k); err != nil {
			t.Fatal(err)
		}
		if !svm.Converged() {
			t.Errorf("C=%v: not converged", c)
		}
		for j := range k {
			w, b := svm.Weights(j)
			wt := append(w, b)
			grad := make([]float64, d+1)
			fcd := primal(grad, wt, x, d, labels, j, c)
			if g := floats.Norm(grad, 2); g > 1e-6*fcd {
				t.Errorf("C=%v class %d: primal gradient norm %v at the dual solution", c, j, g)
			}
			wn := newtonPrimal(x, d, labels, j, c)
			gn := make([]float64, d+1)
			fn := primal(gn, wn, x, d, labels, j, c)
			if g := floats.Norm(gn, 2); g > 1e-12 {
				t.Fatalf("C=%v class %d: Newton stopped at gradient norm %v", c, j, g)
			}
			if math.Abs(fcd-fn) > 1e-9*fn {
				t.Errorf("C=%v class %d: primal %v at the dual solution, Newton %v", c, j, fcd, fn)
			}
			if !floats.EqualApprox(wt, wn, 1e-7) {
				t.Errorf("C=%v class %d: w̃ = %v, Newton %v", c, j, wt, wn)
			}
		}
	}
}

// Two Gaussian blobs 10 standard deviations apart in 10-D: separable with a
// wide margin, so train and test accuracy are 1 with the default parameters.
func TestLinearSVMSeparable(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	const d = 10
	mu0, mu1 := make([]float64, d), make([]float64, d)
	for i := range d {
		mu0[i], mu1[i] = 5/math.Sqrt(d), -5/math.Sqrt(d)
	}
	means := [][]float64{mu0, mu1}
	xtr, ytr := blobs(rng, means, 100, 1)
	xte, yte := blobs(rng, means, 100, 1)
	var svm LinearSVM
	if err := svm.Fit(xtr, d, ytr, 2); err != nil {
		t.Fatal(err)
	}
	if !svm.Converged() {
		t.Error("not converged")
	}
	if acc := Accuracy(svm.Predict(nil, xtr), ytr); acc != 1 {
		t.Errorf("train accuracy %v, want 1", acc)
	}
	if acc := Accuracy(svm.Predict(nil, xte), yte); acc != 1 {
		t.Errorf("test accuracy %v, want 1", acc)
	}
}

// Three blobs at 6·e_j in 5-D (8.5 standard deviations apart): one-vs-rest
// separable.
func TestLinearSVMThreeClasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	means := [][]float64{{6, 0, 0, 0, 0}, {0, 6, 0, 0, 0}, {0, 0, 6, 0, 0}}
	xtr, ytr := blobs(rng, means, 50, 1)
	xte, yte := blobs(rng, means, 100, 1)
	var svm LinearSVM
	if err := svm.Fit(xtr, 5, ytr, 3); err != nil {
		t.Fatal(err)
	}
	if acc := Accuracy(svm.Predict(nil, xtr), ytr); acc != 1 {
		t.Errorf("train accuracy %v, want 1", acc)
	}
	if acc := Accuracy(svm.Predict(nil, xte), yte); acc != 1 {
		t.Errorf("test accuracy %v, want 1", acc)
	}
	// Decision values: the argmax is the prediction.
	dec := svm.Decision(nil, xte[:5])
	pred := svm.Predict(nil, xte[:5])
	if argmax(dec[:3]) != pred[0] {
		t.Errorf("Decision %v disagrees with Predict %d", dec[:3], pred[0])
	}
}

func BenchmarkLinearSVMFit(b *testing.B) {
	const m, d, k = 1000, 784, 10
	rng := rand.New(rand.NewPCG(10, 10))
	means := make([][]float64, k)
	for j := range means {
		means[j] = make([]float64, d)
		for i := range means[j] {
			means[j][i] = rng.NormFloat64()
		}
	}
	x, labels := blobs(rng, means, m/k, 2)
	NormalizeRows(x, x, d)
	var svm LinearSVM
	b.ReportAllocs()
	for b.Loop() {
		if err := svm.Fit(x, d, labels, k); err != nil {
			b.Fatal(err)
		}
	}
	if !svm.Converged() {
		b.Error("not converged")
	}
}
