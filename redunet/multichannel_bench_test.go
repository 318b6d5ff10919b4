package redunet

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/redunet-go/redunet/conv"
)

// benchSpectra returns normalised spectra of m random non-negative (lifted-
// like) 2-D samples of c channels, with k interleaved classes.
func benchSpectra(m, c, h, w, k int) (*conv.Spectra, []int) {
	rng := rand.New(rand.NewPCG(21, 22))
	x := make([]float64, m*c*h*w)
	for i := range x {
		x[i] = max(0, rng.NormFloat64())
	}
	normalizeRows(x, c*h*w)
	y := make([]int, m)
	for i := range y {
		y[i] = i % k
	}
	return conv.NewTransformer([]int{h, w}, 0).Forward(nil, x, m, c), y
}

var multiBenchSizes = []struct{ m, c, k int }{{100, 75, 10}, {1000, 16, 10}}

// BenchmarkMultiLayer measures one 2-D multichannel layer at 28×28 (420
// half-spectrum bins): build (per-bin Gram matrices, Cholesky factorisations
// and inverses of the K+1 operators) and apply (K+1 per-bin products for all
// samples, the soft assignment, the update and the normalisation). The
// metric cmadd/s counts the complex multiply-adds of SPEC §3.4 on the half
// spectrum: build 2·m·C²·B' for the Gram matrices (class and total) plus
// (K+1)·B'·C³ for factorise-and-invert, apply (K+1)·m·C²·B'.
func BenchmarkMultiLayer(b *testing.B) {
	for _, sz := range multiBenchSizes {
		s, y := benchSpectra(sz.m, sz.c, 28, 28, sz.k)
		groups := classGroups(y, sz.k)
		bins := float64(s.Bins())
		c, m, k := float64(sz.c), float64(sz.m), float64(sz.k)
		name := fmt.Sprintf("m=%d,C=%d,K=%d", sz.m, sz.c, sz.k)
		b.Run(name+"/build", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := analyseMulti(s, groups, 0.1, 784, true, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((m*c*c*bins+(k+1)*bins*c*c*c)*float64(b.N)/b.Elapsed().Seconds(), "cmadd/s")
		})
		st, err := analyseMulti(s, groups, 0.1, 784, true, 0)
		if err != nil {
			b.Fatal(err)
		}
		gamma := make([]float64, sz.k)
		for j := range gamma {
			gamma[j] = float64(len(groups[j])) / m
		}
		work := &conv.Spectra{M: s.M, C: s.C, Shape: s.Shape, W: s.W, Data: make([]complex128, len(s.Data))}
		b.Run(name+"/apply", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				copy(work.Data, s.Data)
				forwardMulti(work, st.ops, gamma, DefaultParams(1), 0, nil)
			}
			b.ReportMetric((k+1)*m*c*c*bins*float64(b.N)/b.Elapsed().Seconds(), "cmadd/s")
		})
		// The parts, on one core, over all bins.
		blk := make([]complex128, sz.c*sz.m)
		g := make([]complex128, sz.c*sz.c)
		b.Run(name+"/part=gram-1core", func(b *testing.B) {
			for b.Loop() {
				for p := 0; p < s.Bins(); p++ {
					conv.Gram(g, s.Block(p), sz.c, sz.m, 1)
				}
			}
			b.ReportMetric(m*c*c*bins*float64(b.N)/b.Elapsed().Seconds(), "cmadd/s")
		})
		inv := make([]complex128, sz.c*sz.c)
		wk := make([]complex128, sz.c*sz.c)
		b.Run(name+"/part=solve-1core", func(b *testing.B) {
			for b.Loop() {
				for p := 0; p < s.Bins(); p++ {
					copy(g, st.ops[0].dense[p*sz.c*sz.c:(p+1)*sz.c*sz.c])
					for i := 0; i < sz.c; i++ {
						g[i*sz.c+i] += 1
					}
					cholesky(g, sz.c)
					cholInverse(inv, g, wk, sz.c, 1)
				}
			}
			b.ReportMetric(bins*c*c*c*float64(b.N)/b.Elapsed().Seconds(), "cmadd/s")
		})
		b.Run(name+"/part=mulblock-1core", func(b *testing.B) {
			for b.Loop() {
				for p := 0; p < s.Bins(); p++ {
					conv.MulBlock(blk, st.ops[0].dense[p*sz.c*sz.c:(p+1)*sz.c*sz.c], s.Block(p), sz.c, sz.m, 0)
				}
			}
			b.ReportMetric(m*c*c*bins*float64(b.N)/b.Elapsed().Seconds(), "cmadd/s")
		})
	}
}
