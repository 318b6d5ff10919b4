package dmat

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// The benchmarks report GFLOP/s with 2·m·n·k flops per Gemm and n·n·k per
// Syrk: this package with 1 and 2 workers ("w1", "w2") and gonum's native
// BLAS, what blas64.Gemm and blas64.Syrk call by default ("gonum": its Dgemm
// uses GOMAXPROCS goroutines, its Dsyrk one).

var benchShapes = [][3]int{
	{256, 784, 784},
	{784, 784, 784},
	{100, 784, 784},
	{784, 784, 100},
	{256, 100, 784},
}

func randSlice[T float](n int) []T {
	rng := rand.New(rand.NewPCG(uint64(n), 9))
	s := make([]T, n)
	for i := range s {
		s[i] = T(2*rng.Float64() - 1)
	}
	return s
}

func reportFlops(b *testing.B, flops float64) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkGemm(b *testing.B) {
	for _, tB := range bools() {
		op := "NN"
		if tB {
			op = "NT"
		}
		for _, s := range benchShapes {
			m, n, k := s[0], s[1], s[2]
			a, bm, c := randSlice[float64](m*k), randSlice[float64](k*n), randSlice[float64](m*n)
			ldb := n
			if tB {
				ldb = k
			}
			flops := 2 * float64(m) * float64(n) * float64(k)
			for _, w := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%dx%dx%d/w%d", op, m, n, k, w), func(b *testing.B) {
					for b.Loop() {
						Gemm(false, tB, m, n, k, 1, a, k, bm, ldb, 0, c, n, w)
					}
					reportFlops(b, flops)
				})
			}
			b.Run(fmt.Sprintf("%s/%dx%dx%d/gonum", op, m, n, k), func(b *testing.B) {
				for b.Loop() {
					gonum.Implementation{}.Dgemm(blas.NoTrans, trans(tB), m, n, k, 1, a, k, bm, ldb, 0, c, n)
				}
				reportFlops(b, flops)
			})
		}
	}
}

func BenchmarkSyrk(b *testing.B) {
	n, k := 784, 1000
	a, c := randSlice[float64](n*k), randSlice[float64](n*n)
	flops := float64(n) * float64(n) * float64(k)
	for _, tr := range bools() {
		name := "AAt"
		if tr {
			name = "AtA"
		}
		lda := k
		if tr {
			lda = n
		}
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/%dx%d/w%d", name, n, k, w), func(b *testing.B) {
				for b.Loop() {
					Syrk(tr, n, k, 1, a, lda, 0, c, n, w)
				}
				reportFlops(b, flops)
			})
		}
		b.Run(fmt.Sprintf("%s/%dx%d/gonum", name, n, k), func(b *testing.B) {
			for b.Loop() {
				gonum.Implementation{}.Dsyrk(blas.Lower, trans(tr), n, k, 1, a, lda, 0, c, n)
			}
			reportFlops(b, flops)
		})
	}
}

func BenchmarkGemm32(b *testing.B) {
	m, n, k := 256, 784, 784
	a, bm, c := randSlice[float32](m*k), randSlice[float32](k*n), randSlice[float32](m*n)
	flops := 2 * float64(m) * float64(n) * float64(k)
	for _, tB := range bools() {
		op := "NN"
		ldb := n
		if tB {
			op, ldb = "NT", k
		}
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/%dx%dx%d/w%d", op, m, n, k, w), func(b *testing.B) {
				for b.Loop() {
					Gemm32(false, tB, m, n, k, 1, a, k, bm, ldb, 0, c, n, w)
				}
				reportFlops(b, flops)
			})
		}
		b.Run(fmt.Sprintf("%s/%dx%dx%d/gonum", op, m, n, k), func(b *testing.B) {
			for b.Loop() {
				gonum.Implementation{}.Sgemm(blas.NoTrans, trans(tB), m, n, k, 1, a, k, bm, ldb, 0, c, n)
			}
			reportFlops(b, flops)
		})
	}
}

// BenchmarkGemmImpl compares the implementations this machine can run
// (gonum, AVX2, AVX-512) at one worker on 256×784×784.
func BenchmarkGemmImpl(b *testing.B) {
	m, n, k := 256, 784, 784
	a, bm, c := randSlice[float64](m*k), randSlice[float64](k*n), randSlice[float64](m*n)
	a32, bm32, c32 := randSlice[float32](m*k), randSlice[float32](k*n), randSlice[float32](m*n)
	flops := 2 * float64(m) * float64(n) * float64(k)
	for _, im := range testImpls() {
		b.Run("f64/"+im, func(b *testing.B) {
			defer setImpl(im)()
			for b.Loop() {
				Gemm(false, true, m, n, k, 1, a, k, bm, k, 0, c, n, 1)
			}
			reportFlops(b, flops)
		})
		b.Run("f32/"+im, func(b *testing.B) {
			defer setImpl(im)()
			for b.Loop() {
				Gemm32(false, true, m, n, k, 1, a32, k, bm32, k, 0, c32, n, 1)
			}
			reportFlops(b, flops)
		})
	}
}
