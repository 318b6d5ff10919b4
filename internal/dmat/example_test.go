package dmat_test

import (
	"fmt"

	"github.com/redunet-go/redunet/internal/dmat"
)

func ExampleGemm() {
	// C = A·B for the 2×3 A and the 3×2 B, row-major.
	a := []float64{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float64{
		7, 8,
		9, 10,
		11, 12,
	}
	c := make([]float64, 2*2)
	dmat.Gemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2, 0)
	fmt.Println(c)

	// C = C − A·Aᵀ: op(B) = Aᵀ, passing A (2×3, leading dimension 3) as B
	// with transB.
	dmat.Gemm(false, true, 2, 2, 3, -1, a, 3, a, 3, 1, c, 2, 0)
	fmt.Println(c)
	// Output:
	// [58 64 139 154]
	// [44 32 107 77]
}

func ExampleSyrk() {
	// The Gram matrix A·Aᵀ of the rows of a 2×3 A: both triangles are set.
	a := []float64{
		1, 2, 3,
		4, 5, 6,
	}
	c := make([]float64, 2*2)
	dmat.Syrk(false, 2, 3, 1, a, 3, 0, c, 2, 0)
	fmt.Println(c)
	// Output: [14 32 32 77]
}
