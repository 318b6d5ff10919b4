package zmat

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/cblas128"
	"gonum.org/v1/gonum/blas/cblas64"
)

// The benchmarks run every implementation of this machine (available) and
// gonum's cblas128/cblas64 Gemm and Herk side by side, and report GcMAC/s:
// 10⁹ complex multiply-adds per second, counting r·q·n for Mul and
// c(c+1)/2·m (the lower triangle with the diagonal, which is what is
// computed; the mirror is free) for Gram.

var (
	mulSizes  = [][3]int{{75, 75, 256}, {10, 75, 256}, {75, 10, 256}, {100, 75, 256}, {16, 16, 256}, {35, 35, 256}}
	gramSizes = [][2]int{{75, 100}, {75, 1000}, {35, 500}}
)

func report(b *testing.B, macs float64) {
	b.ReportMetric(macs*float64(b.N)/b.Elapsed().Seconds()/1e9, "GcMAC/s")
}

func BenchmarkMul(b *testing.B) {
	for _, sz := range mulSizes {
		r, q, n := sz[0], sz[1], sz[2]
		rng := rand.New(rand.NewPCG(1, 2))
		a, v, d := randC128(rng, r*q), randC128(rng, q*n), randC128(rng, r*n)
		macs := float64(r * q * n)
		name := fmt.Sprintf("r=%d,q=%d,n=%d", r, q, n)
		for _, im := range available {
			b.Run(name+"/"+im.name, func(b *testing.B) {
				for b.Loop() {
					im.mul(d, a, v, r, q, n, 0)
				}
				report(b, macs)
			})
		}
		b.Run(name+"/gonum", func(b *testing.B) {
			ag := cblas128.General{Rows: r, Cols: q, Stride: q, Data: a}
			vg := cblas128.General{Rows: q, Cols: n, Stride: n, Data: v}
			dg := cblas128.General{Rows: r, Cols: n, Stride: n, Data: d}
			for b.Loop() {
				cblas128.Gemm(blas.NoTrans, blas.NoTrans, 1, ag, vg, 0, dg)
			}
			report(b, macs)
		})
	}
}

func BenchmarkMul64(b *testing.B) {
	for _, sz := range mulSizes {
		r, q, n := sz[0], sz[1], sz[2]
		rng := rand.New(rand.NewPCG(1, 2))
		a, v, d := randC64(rng, r*q), randC64(rng, q*n), randC64(rng, r*n)
		macs := float64(r * q * n)
		name := fmt.Sprintf("r=%d,q=%d,n=%d", r, q, n)
		for _, im := range available {
			b.Run(name+"/"+im.name, func(b *testing.B) {
				for b.Loop() {
					im.mul64(d, a, v, r, q, n, 0)
				}
				report(b, macs)
			})
		}
		b.Run(name+"/gonum", func(b *testing.B) {
			ag := cblas64.General{Rows: r, Cols: q, Stride: q, Data: a}
			vg := cblas64.General{Rows: q, Cols: n, Stride: n, Data: v}
			dg := cblas64.General{Rows: r, Cols: n, Stride: n, Data: d}
			for b.Loop() {
				cblas64.Gemm(blas.NoTrans, blas.NoTrans, 1, ag, vg, 0, dg)
			}
			report(b, macs)
		})
	}
}

func BenchmarkGram(b *testing.B) {
	for _, sz := range gramSizes {
		c, m := sz[0], sz[1]
		rng := rand.New(rand.NewPCG(1, 1))
		v, d := randC128(rng, c*m), make([]complex128, c*c)
		macs := float64(c*(c+1)/2) * float64(m)
		name := fmt.Sprintf("c=%d,m=%d", c, m)
		for _, im := range available {
			b.Run(name+"/"+im.name, func(b *testing.B) {
				for b.Loop() {
					im.gram(d, v, c, m, 0.5)
				}
				report(b, macs)
			})
		}
		b.Run(name+"/gonum", func(b *testing.B) {
			vg := cblas128.General{Rows: c, Cols: m, Stride: m, Data: v}
			h := cblas128.Hermitian{N: c, Stride: c, Data: d, Uplo: blas.Lower}
			for b.Loop() {
				cblas128.Herk(blas.NoTrans, 0.5, vg, 0, h)
			}
			report(b, macs)
		})
	}
}

func BenchmarkGram64(b *testing.B) {
	for _, sz := range gramSizes {
		c, m := sz[0], sz[1]
		rng := rand.New(rand.NewPCG(1, 1))
		v, d := randC64(rng, c*m), make([]complex64, c*c)
		macs := float64(c*(c+1)/2) * float64(m)
		name := fmt.Sprintf("c=%d,m=%d", c, m)
		for _, im := range available {
			b.Run(name+"/"+im.name, func(b *testing.B) {
				for b.Loop() {
					im.gram64(d, v, c, m, 0.5)
				}
				report(b, macs)
			})
		}
		b.Run(name+"/gonum", func(b *testing.B) {
			vg := cblas64.General{Rows: c, Cols: m, Stride: m, Data: v}
			h := cblas64.Hermitian{N: c, Stride: c, Data: d, Uplo: blas.Lower}
			for b.Loop() {
				cblas64.Herk(blas.NoTrans, 0.5, vg, 0, h)
			}
			report(b, macs)
		})
	}
}
