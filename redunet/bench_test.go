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

// vectorBlocks lays out m unit rows of dimension d as the real backend's
// one-bin block (sample-major: the rows as they are).
func vectorBlocks(z []float64, m, d int) *blocks[float64] {
	return &blocks[float64]{m: m, c: d, w: []float64{1}, data: z}
}

// BenchmarkVectorLayerBuild measures building one vector layer (E, C_j, γ)
// at d=784, m=1000, K=10: the statistics, factorisations and operators.
func BenchmarkVectorLayerBuild(b *testing.B) {
	m, d, k := 1000, 784, 10
	z, y := benchData(m, d, k)
	blk := vectorBlocks(z, m, d)
	rows := classRows(y, k)
	b.ReportAllocs()
	for b.Loop() {
		st := statistics(realKernels{}, blk, rows, 1, 0, true)
		if _, _, err := factor(realKernels{}, st, 0.1, true, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVectorLayerApply measures applying one built vector layer to
// m=1000 samples at d=784, K=10.
func BenchmarkVectorLayerApply(b *testing.B) {
	m, d, k := 1000, 784, 10
	z, y := benchData(m, d, k)
	blk := vectorBlocks(z, m, d)
	_, l, err := factor(realKernels{}, statistics(realKernels{}, blk, classRows(y, k), 1, 0, true), 0.1, true, 0)
	if err != nil {
		b.Fatal(err)
	}
	work := &blocks[float64]{m: m, c: d, w: blk.w, data: make([]float64, len(blk.data))}
	p := DefaultParams(1)
	var sc forwardScratch[float64]
	b.ReportAllocs()
	for b.Loop() {
		copy(work.data, blk.data)
		forward(realKernels{}, work, l, p, 0, nil, nil, &sc)
	}
}
