package fft_test

import (
	"strings"
	"testing"

	"github.com/redunet-go/redunet/fft"
)

// benchShapes are the sizes of the paper's data (T=200 angles, 28×28 MNIST,
// 32×32 CIFAR), a small 1-D length, a power of two, and two volumes.
var benchShapes = []fft.Shape{{28}, {200}, {256}, {28, 28}, {32, 32}, {8, 8, 8}, {16, 16, 16}}

func BenchmarkForward(b *testing.B) {
	for _, s := range benchShapes {
		p := fft.NewPlan(s)
		x := randReal(newRand(), p.Len())
		dst := make([]complex128, p.Bins())
		b.Run(strings.ReplaceAll(s.String(), "×", "x"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Forward(dst, x)
			}
		})
	}
}

func BenchmarkInverse(b *testing.B) {
	for _, s := range benchShapes {
		p := fft.NewPlan(s)
		src := p.Forward(nil, randReal(newRand(), p.Len()))
		dst := make([]float64, p.Len())
		b.Run(strings.ReplaceAll(s.String(), "×", "x"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Inverse(dst, src)
			}
		})
	}
}
