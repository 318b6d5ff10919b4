package redunet

import (
	"math/rand/v2"
	"testing"
)

// benchData returns m unit rows of dimension d in k interleaved classes.
func benchData(m, d, k int) ([]float64, []int) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float64, m*d)
	y := make([]int, m)
	for i := range y {
		y[i] = i % k
		for c := 0; c < d; c++ {
			x[i*d+c] = max(0, rng.NormFloat64())
		}
	}
	normalizeRows(x, d)
	return x, y
}

// BenchmarkVectorLayerBuild measures building one vector layer (E, C_j, γ)
// at d=784, m=1000, K=10: the Gram matrices, factorisations and operators.
func BenchmarkVectorLayerBuild(b *testing.B) {
	m, d, k := 1000, 784, 10
	z, y := benchData(m, d, k)
	rows, counts := classRows(y, k), classCounts(y, k)
	b.ReportAllocs()
	for b.Loop() {
		st, err := analyseVector(z, d, rows, 0.1)
		if err != nil {
			b.Fatal(err)
		}
		_ = newVectorLayer(st, d, counts, nil)
	}
}

// BenchmarkVectorLayerApply measures applying one built vector layer to
// m=1000 samples at d=784, K=10.
func BenchmarkVectorLayerApply(b *testing.B) {
	m, d, k := 1000, 784, 10
	z, y := benchData(m, d, k)
	st, err := analyseVector(z, d, classRows(y, k), 0.1)
	if err != nil {
		b.Fatal(err)
	}
	l := newVectorLayer(st, d, classCounts(y, k), nil)
	work := make([]float64, len(z))
	yhat := make([]int, m)
	p := DefaultParams(1)
	b.ReportAllocs()
	for b.Loop() {
		copy(work, z)
		l.Forward(work, p, yhat)
	}
}
