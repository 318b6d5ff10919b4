package conv

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/cblas128"

	"github.com/redunet-go/redunet/fft"
)

// kernelSizes are the block sizes of the paper's configurations:
// C=75 channels with m=100 samples (2-D MNIST, 10 per class), C=16 lifted
// channels with m=1000, C=20 with m=100 (1-D rotation MNIST) and C=5 with
// m=1000 (the two-class runs).
var kernelSizes = []struct{ c, m int }{{75, 100}, {16, 1000}, {20, 100}, {5, 1000}}

// randComplex returns n complex values with N(0,1) real and imaginary parts.
func randComplex(rng *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return x
}

func BenchmarkGram(b *testing.B) {
	for _, sz := range kernelSizes {
		c, m := sz.c, sz.m
		rng := rand.New(rand.NewPCG(1, 1))
		v := randComplex(rng, c*m)
		dst := make([]complex128, c*c)
		madds := float64(c*(c+1)/2) * float64(m) // one triangle
		b.Run(fmt.Sprintf("C=%d,m=%d/ours", c, m), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Gram(dst, v, c, m, 0.5)
			}
			b.ReportMetric(madds*float64(b.N)/b.Elapsed().Seconds(), "madds/s")
		})
		b.Run(fmt.Sprintf("C=%d,m=%d/cblas128", c, m), func(b *testing.B) {
			b.ReportAllocs()
			av := cblas128.General{Rows: c, Cols: m, Stride: m, Data: v}
			h := cblas128.Hermitian{N: c, Stride: c, Data: dst, Uplo: blas.Lower}
			for b.Loop() {
				cblas128.Herk(blas.NoTrans, 0.5, av, 0, h)
			}
			b.ReportMetric(madds*float64(b.N)/b.Elapsed().Seconds(), "madds/s")
		})
	}
}

func BenchmarkMulBlock(b *testing.B) {
	for _, sz := range kernelSizes {
		c, m := sz.c, sz.m
		rng := rand.New(rand.NewPCG(1, 2))
		a := randComplex(rng, c*c)
		v := randComplex(rng, c*m)
		dst := make([]complex128, c*m)
		madds := float64(c*c) * float64(m)
		b.Run(fmt.Sprintf("C=%d,m=%d/ours", c, m), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				MulBlock(dst, a, v, c, m, 0)
			}
			b.ReportMetric(madds*float64(b.N)/b.Elapsed().Seconds(), "madds/s")
		})
		b.Run(fmt.Sprintf("C=%d,m=%d/cblas128", c, m), func(b *testing.B) {
			b.ReportAllocs()
			ag := cblas128.General{Rows: c, Cols: c, Stride: c, Data: a}
			vg := cblas128.General{Rows: c, Cols: m, Stride: m, Data: v}
			dg := cblas128.General{Rows: c, Cols: m, Stride: m, Data: dst}
			for b.Loop() {
				cblas128.Gemm(blas.NoTrans, blas.NoTrans, 1, ag, vg, 0, dg)
			}
			b.ReportMetric(madds*float64(b.N)/b.Elapsed().Seconds(), "madds/s")
		})
	}
}

func BenchmarkTransformerForward(b *testing.B) {
	// The 2-D MNIST sizes: 75 lifted channels of 100 samples, and 16
	// channels of 1000 samples, 28×28; and 16 channels of 100 volumes.
	for _, sz := range []struct {
		m, c  int
		shape fft.Shape
	}{{100, 75, fft.Shape{28, 28}}, {1000, 16, fft.Shape{28, 28}}, {100, 16, fft.Shape{16, 16, 16}}} {
		b.Run(fmt.Sprintf("m=%d,C=%d,%s", sz.m, sz.c, benchName(sz.shape)), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(3, 3))
			x := randReal(rng, sz.m*sz.c*sz.shape.Len())
			tr := NewTransformer(sz.shape, 0)
			dst := NewSpectra(sz.m, sz.c, sz.shape)
			b.ReportAllocs()
			b.SetBytes(int64(len(x) * 8))
			for b.Loop() {
				tr.Forward(dst, x, sz.m, sz.c)
			}
		})
	}
}

func BenchmarkTransformerInverse(b *testing.B) {
	m, c := 100, 75
	shape := fft.Shape{28, 28}
	rng := rand.New(rand.NewPCG(4, 4))
	x := randReal(rng, m*c*shape.Len())
	tr := NewTransformer(shape, 0)
	s := tr.Forward(nil, x, m, c)
	b.ReportAllocs()
	b.SetBytes(int64(len(x) * 8))
	for b.Loop() {
		tr.Inverse(x, s)
	}
}

// benchName is a shape as in a benchmark name, "28x28".
func benchName(s fft.Shape) string { return strings.ReplaceAll(s.String(), "×", "x") }

// BenchmarkLiftApply runs the paper's lifts: 2-D MNIST 1→75, 9×9 on 28×28;
// 1-D rotation MNIST 15→20, k=5 on T=200; 100 samples; and two volume
// lifts. The 1-D and 2-D ones run the N-D code ("nd") and the former
// per-shape code ("legacy", lift_legacy_test.go) side by side.
func BenchmarkLiftApply(b *testing.B) {
	for _, tc := range []struct {
		name       string
		in, out, k int
		shape      fft.Shape
		m          int
	}{
		{"2D,m=100,1to75,k=9,28x28", 1, 75, 9, fft.Shape{28, 28}, 100},
		{"1D,m=100,15to20,k=5,T=200", 15, 20, 5, fft.Shape{200}, 100},
		{"3D,m=100,1to16,k=3,8x8x8", 1, 16, 3, fft.Shape{8, 8, 8}, 100},
		{"3D,m=10,1to16,k=5,16x16x16", 1, 16, 5, fft.Shape{16, 16, 16}, 10},
	} {
		l, err := NewGaussianLift(tc.in, tc.out, tc.k, len(tc.shape), 1)
		if err != nil {
			b.Fatal(err)
		}
		n := tc.shape.Len()
		rng := rand.New(rand.NewPCG(5, 5))
		x := make([]float64, tc.m*tc.in*n)
		for i := range x {
			x[i] = rng.Float64()
		}
		dst := make([]float64, tc.m*tc.out*n)
		madds := float64(tc.m*len(l.Kernels)) * float64(n)
		impls := []struct {
			name  string
			apply func() error
		}{{"nd", func() error { _, err := l.Apply(dst, x, tc.m, tc.shape, 0); return err }}}
		if len(tc.shape) <= 2 {
			impls = append(impls, struct {
				name  string
				apply func() error
			}{"legacy", func() error { _, err := legacyLiftApply(l, dst, x, tc.m, tc.shape, 0); return err }})
		}
		for _, im := range impls {
			b.Run(tc.name+"/"+im.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := im.apply(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(madds*float64(b.N)/b.Elapsed().Seconds(), "madds/s")
			})
		}
	}
}

// BenchmarkMulBins is the operator application of a whole layer chunk:
// MulBlock at every one of 420 bins (a 28×28 image's half spectrum) for C
// channels and m samples, spread over 1 and 2 workers by Parallel, as the
// forward pass does: the 2-core scaling of the per-bin kernels.
func BenchmarkMulBins(b *testing.B) {
	const bins = 420
	for _, sz := range []struct{ c, m int }{{75, 22}, {75, 128}, {35, 256}} {
		c, m := sz.c, sz.m
		rng := rand.New(rand.NewPCG(1, 2))
		a := randComplex(rng, bins*c*c)
		v := randComplex(rng, bins*c*m)
		dst := make([]complex128, bins*c*m)
		madds := float64(bins) * float64(c*c) * float64(m)
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("C=%d,m=%d,workers=%d", c, m, w), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Parallel(bins, w, func(_, lo, hi int) {
						for p := lo; p < hi; p++ {
							MulBlock(dst[p*c*m:(p+1)*c*m], a[p*c*c:(p+1)*c*c], v[p*c*m:(p+1)*c*m], c, m, 0)
						}
					})
				}
				b.ReportMetric(madds*float64(b.N)/b.Elapsed().Seconds(), "madds/s")
			})
		}
	}
}
