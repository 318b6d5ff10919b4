package zmat_test

import (
	"fmt"

	"github.com/redunet-go/redunet/internal/zmat"
)

func ExampleMul() {
	// A is 2×2, V is 2×3, both row-major.
	a := []complex128{
		1, 1i,
		2, -1,
	}
	v := []complex128{
		1, 2, 3,
		1i, 0, -1,
	}
	dst := make([]complex128, 2*3)
	zmat.Mul(dst, a, v, 2, 2, 3, 0) // dst = A·V
	fmt.Println(dst[:3])
	fmt.Println(dst[3:])
	zmat.Mul(dst, a, v, 2, 2, 3, 1) // dst = A·V + dst
	fmt.Println(dst[3:])
	// Output:
	// [(0+0i) (2+0i) (3-1i)]
	// [(2-1i) (4+0i) (7+0i)]
	// [(4-2i) (8+0i) (14+0i)]
}
