package sat

import (
	"math"
	"testing"
)

func TestSaturation(t *testing.T) {
	for _, tc := range []struct {
		got, want int64
	}{
		{Mul(3, 4, 5), 60},
		{Mul(), 1},
		{Mul(math.MaxInt64, 0), 0},
		{Mul(1<<40, 1<<30), math.MaxInt64},
		{Mul(math.MaxInt64, 1), math.MaxInt64},
		{Add(1, 2, 3), 6},
		{Add(math.MaxInt64, 1), math.MaxInt64},
		{Add(math.MaxInt64-1, 1), math.MaxInt64},
		{Add(), 0},
	} {
		if tc.got != tc.want {
			t.Errorf("got %d, want %d", tc.got, tc.want)
		}
	}
}
