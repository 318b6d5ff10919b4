package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Two classes in orthogonal planes of R^5, noise-free: every point lies in
// its own class's subspace (residual 0) and has a positive residual to the
// other.
func TestNearestSubspaceOrthogonalPlanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const d = 5
	draw := func(n int) (x []float64, labels []int) {
		for i := range n {
			a, b := rng.NormFloat64(), rng.NormFloat64()
			row := make([]float64, d)
			l := i % 2
			row[2*l], row[2*l+1] = a, b // class 0: span(e0,e1); class 1: span(e2,e3)
			x = append(x, row...)
			labels = append(labels, l)
		}
		return x, labels
	}
	xtr, ytr := draw(40)
	xte, yte := draw(200)
	var ns NearestSubspace
	ns.Rank = 2
	if err := ns.Fit(xtr, d, ytr, 2); err != nil {
		t.Fatal(err)
	}
	if acc := Accuracy(ns.Predict(nil, xte), yte); acc != 1 {
		t.Errorf("test accuracy = %v, want 1", acc)
	}
	// ‖z‖² − ‖V_jᵀz‖² cancels: a point of the subspace has a residual of
	// order √ε·‖z‖ ≈ 1.5e-8·‖z‖, not 0.
	res := ns.Residuals(nil, xte)
	for i, l := range yte {
		z := xte[i*d : (i+1)*d]
		if res[2*i+l] > 1e-7*rowNorm(z) {
			t.Errorf("row %d: residual to its own plane %v, want 0", i, res[2*i+l])
		}
	}
}

// Class 0 on the e0 axis, class 1 on the e1 axis, rank 1. For z = (3, 4, 12):
// the residual to class 0 is ‖(0, 4, 12)‖ = √160 and to class 1 is
// ‖(3, 0, 12)‖ = √153, so z goes to class 1.
func TestNearestSubspaceHand(t *testing.T) {
	x := []float64{
		1, 0, 0,
		0, 2, 0,
		-2, 0, 0,
		0, 1, 0,
	}
	labels := []int{0, 1, 0, 1}
	ns := NearestSubspace{Rank: 1}
	if err := ns.Fit(x, 3, labels, 2); err != nil {
		t.Fatal(err)
	}
	z := []float64{3, 4, 12, 0, 0, 1}
	res := ns.Residuals(nil, z)
	want := []float64{math.Sqrt(160), math.Sqrt(153), 1, 1}
	for i := range want {
		if math.Abs(res[i]-want[i]) > 1e-12 {
			t.Errorf("residual[%d] = %v, want %v", i, res[i], want[i])
		}
	}
	// The second row is equally far from both lines: the tie goes to class 0.
	if got := ns.Predict(nil, z); got[0] != 1 || got[1] != 0 {
		t.Errorf("Predict = %v, want [1 0]", got)
	}
}

// The rank of class j is min(Rank, d−1, m_j).
func TestNearestSubspaceRankCap(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const d = 3
	labels := []int{0, 1, 1, 2, 2, 2, 2, 2}
	x := make([]float64, len(labels)*d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	ns := NearestSubspace{Rank: 10}
	if err := ns.Fit(x, d, labels, 3); err != nil {
		t.Fatal(err)
	}
	for j, want := range []int{1, 2, 2} { // m_j = 1, 2, 5; d−1 = 2
		v := ns.Basis(j)
		r, c := v.Dims()
		if r != d || c != want {
			t.Errorf("class %d: basis %d×%d, want %d×%d", j, r, c, d, want)
		}
		// Orthonormal columns.
		for a := range c {
			for b := range c {
				var dot float64
				for i := range d {
					dot += v.At(i, a) * v.At(i, b)
				}
				want := 0.0
				if a == b {
					want = 1
				}
				if math.Abs(dot-want) > 1e-12 {
					t.Errorf("class %d: column %d·%d = %v", j, a, b, dot)
				}
			}
		}
	}
}

func TestNearestSubspaceErrors(t *testing.T) {
	x := []float64{1, 0, 0, 1}
	if err := (&NearestSubspace{Rank: 1}).Fit(x, 2, []int{0, 2}, 3); err == nil {
		t.Error("no error for a class without samples")
	}
	if err := (&NearestSubspace{}).Fit(x, 2, []int{0, 1}, 2); err == nil {
		t.Error("no error for Rank 0")
	}
}

func BenchmarkNearestSubspaceFit(b *testing.B) {
	const k, m, d = 10, 100, 784
	rng := rand.New(rand.NewPCG(3, 3))
	x := make([]float64, k*m*d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	labels := make([]int, k*m)
	for i := range labels {
		labels[i] = i % k
	}
	ns := NearestSubspace{Rank: 10}
	b.ReportAllocs()
	for b.Loop() {
		if err := ns.Fit(x, d, labels, k); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTopRightSingularMatchesSVD checks the Gram-matrix route to the top
// right singular vectors against gonum's thin SVD, through the projector
// V·Vᵀ (the vectors themselves are defined up to sign), for wide and tall
// matrices. Tolerance 1e-9: the Gram route squares the singular values, so
// a vector's error grows like ε·(σ_1/σ_r)², ~1e-12 for these Gaussian
// matrices whose spectra span about two orders of magnitude.
func TestTopRightSingularMatchesSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, tc := range []struct{ m, d, r int }{{5, 40, 3}, {30, 12, 5}, {12, 12, 4}, {60, 200, 10}} {
		x := make([]float64, tc.m*tc.d)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		got, ok := topRightSingular(x, tc.m, tc.d, tc.r)
		if !ok || got.Rows != tc.r {
			t.Fatalf("%+v: ok %v, %d vectors", tc, ok, got.Rows)
		}
		var svd mat.SVD
		if !svd.Factorize(mat.NewDense(tc.m, tc.d, x), mat.SVDThinV) {
			t.Fatal("SVD failed")
		}
		var v mat.Dense
		svd.VTo(&v)
		for a := 0; a < tc.d; a++ {
			for b := 0; b < tc.d; b++ {
				var p, q float64
				for c := 0; c < tc.r; c++ {
					p += got.Data[c*tc.d+a] * got.Data[c*tc.d+b]
					q += v.At(a, c) * v.At(b, c)
				}
				if math.Abs(p-q) > 1e-9 {
					t.Fatalf("%+v: projector[%d,%d] = %g, SVD %g", tc, a, b, p, q)
				}
			}
		}
	}
}
